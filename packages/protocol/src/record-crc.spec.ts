import fc from 'fast-check';
import { decodeProperties, encodeProperties } from './properties';
import { crc32 } from 'node:zlib';
import { RECORD_CRC_PROPERTY, RECORD_CRC_RESERVED_LENGTH, sealRecordCrc, sealRecordCrcKnowingBody, verifyRecordCrc, withRecordCrcPlaceholder } from './record-crc';
import { encodeStoredRecord } from './stored-record-encode';
import { goldenInput, topicArb } from '../test/records';
import { inspectStoredRecord } from './stored-record-inspect';

function sealedRecord(properties: Record<string, string>, body = 'payload'): Buffer {
  const record = encodeStoredRecord({
    ...goldenInput(),
    body: Buffer.from(body),
    properties: withRecordCrcPlaceholder(encodeProperties(properties)),
  });
  sealRecordCrc(record, 0, record.length);
  return record;
}

describe('whole-record CRC (RocketMQ 5 __CRC32# property)', () => {
  it('appends a 20-byte property that decodes as an ordinary one', () => {
    expect(withRecordCrcPlaceholder('')).toHaveLength(RECORD_CRC_RESERVED_LENGTH);
    const properties = withRecordCrcPlaceholder(encodeProperties({ TAGS: 'a' }));
    expect(decodeProperties(properties)).toEqual({ TAGS: 'a', [RECORD_CRC_PROPERTY]: '0000000000' });
  });

  it('verifies a sealed record and says absent for records without it', () => {
    expect(verifyRecordCrc(sealedRecord({ TAGS: 'a' }), 0, sealedRecord({ TAGS: 'a' }).length)).toBe('valid');
    const plain = encodeStoredRecord(goldenInput());
    expect(verifyRecordCrc(plain, 0, plain.length)).toBe('absent');
  });

  it('makes the scanner reject a change anywhere in the record, properties and header included', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (where, xor) => {
        const record = sealedRecord({ TAGS: 'tag', KEYS: 'k1 k2' });
        expect(inspectStoredRecord(record, 0, record.length, undefined, { requireRecordCrc: true }).kind).toBe('record');
        const at = where % record.length;
        record[at] = record[at]! ^ xor;
        expect(inspectStoredRecord(record, 0, record.length, undefined, { requireRecordCrc: true }).kind).not.toBe('record');
      }),
    );
  });

  it('catches properties zeroed by a torn write, which the body CRC cannot see', () => {
    const record = sealedRecord({ i: '0' }, '');
    record.fill(0, record.length - 3);
    expect(inspectStoredRecord(record, 0, record.length, undefined, { requireRecordCrc: true }).kind).toBe('corrupt');
    // Without the requirement the erased property looks like a record from a writer that never seals.
    expect(inspectStoredRecord(record, 0, record.length).kind).toBe('record');
  });

  it('seals identically when the body CRC is spliced in instead of re-read (sealRecordCrcKnowingBody)', () => {
    fc.assert(
      fc.property(topicArb, fc.uint8Array({ maxLength: 4096 }), fc.string({ maxLength: 200 }), fc.nat({ max: 1000 }), (topic, body, tags, padding) => {
        const record = encodeStoredRecord({
          ...goldenInput(),
          topic,
          body: Buffer.from(body),
          properties: withRecordCrcPlaceholder(encodeProperties({ TAGS: tags.replaceAll('\u0001', '').replaceAll('\u0002', '') || 't' })),
        });
        // At an offset inside a larger buffer, as in the writer's staging buffer.
        const staged = Buffer.alloc(padding + record.length + 7, 0xee);
        record.copy(staged, padding);
        const expected = Buffer.from(record);
        sealRecordCrc(expected, 0, expected.length);
        sealRecordCrcKnowingBody(staged, padding, record.length, crc32(body));
        expect(staged.subarray(padding, padding + record.length)).toEqual(expected);
        expect(verifyRecordCrc(staged, padding, record.length)).toBe('valid');
      }),
      { numRuns: 300 },
    );
  });

  it('seals identically once a recurring body length splices through its shift table', () => {
    const seals = 3000;
    for (let i = 0; i < seals; i += 1) {
      const body = Buffer.alloc(1024, i & 0xff);
      body.writeUInt32BE(i, 0);
      const record = encodeStoredRecord({ ...goldenInput(), body, properties: withRecordCrcPlaceholder(encodeProperties({ TAGS: `t${i % 7}`, KEYS: 'k'.repeat(i % 300) })) });
      const expected = Buffer.from(record);
      sealRecordCrc(expected, 0, expected.length);
      sealRecordCrcKnowingBody(record, 0, record.length, crc32(body));
      if (!record.equals(expected)) throw new Error(`seal ${i} differs`);
    }
  });
});
