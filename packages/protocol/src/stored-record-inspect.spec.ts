import fc from 'fast-check';
import { inspectStoredRecord } from './stored-record-inspect';
import { encodeStoredRecord, writeBlankRecord, writeStoredRecord } from './stored-record-encode';
import { RECORD_FIXED_SIZE, RecordField, type RecordInspection } from './stored-record';
import { GOLDEN_PROPERTIES, goldenInput, recordInputArb } from '../test/records';

const golden = (): Buffer => encodeStoredRecord(goldenInput());
const inspectAll = (buf: Buffer, expected?: number): RecordInspection => inspectStoredRecord(buf, 0, buf.length, expected);

describe('inspectStoredRecord', () => {
  it('reports a valid record with its position fields and raw properties', () => {
    expect(inspectAll(golden(), 4096)).toEqual({
      kind: 'record',
      size: 125,
      queueId: 3,
      queueOffset: 42,
      physicalOffset: 4096,
      storeTimestamp: 1_700_000_000_123,
      topic: 'TopicTest',
      properties: GOLDEN_PROPERTIES,
    });
  });

  it('reports a stale record (wrong PHYSICALOFFSET) as corrupt', () => {
    expect(inspectAll(golden(), 0).kind).toBe('corrupt');
  });

  it('reports never-written space and a too-short tail as end', () => {
    expect(inspectAll(Buffer.alloc(1024))).toEqual({ kind: 'end' });
    expect(inspectStoredRecord(golden(), 120, 125)).toEqual({ kind: 'end' });
    expect(inspectStoredRecord(golden(), 0, 7)).toEqual({ kind: 'end' });
  });

  it('reports blank padding with its size, and a blank that overruns the limit as corrupt', () => {
    const segment = Buffer.alloc(64);
    writeBlankRecord(segment, 0, 64);
    expect(inspectAll(segment)).toEqual({ kind: 'blank', size: 64 });
    expect(inspectStoredRecord(segment, 0, 63).kind).toBe('corrupt');
    segment.writeInt32BE(7, 0);
    expect(inspectAll(segment).kind).toBe('corrupt');
  });

  it('reports a cut record as end (under 8 bytes) or corrupt, at every cut point', () => {
    const record = golden();
    for (let cut = 0; cut < record.length; cut++) {
      const expected = cut < 8 ? 'end' : 'corrupt';
      expect([cut, inspectStoredRecord(record, 0, cut).kind]).toEqual([cut, expected]);
    }
  });

  it.each([
    ['an unknown magic code', (r: Buffer) => r.writeInt32BE(1, RecordField.MAGIC)],
    ['a zero size with a real magic', (r: Buffer) => r.writeInt32BE(0, RecordField.TOTAL_SIZE)],
    ['a size below the fixed size', (r: Buffer) => r.writeInt32BE(RECORD_FIXED_SIZE - 1, RecordField.TOTAL_SIZE)],
    ['a size beyond the limit', (r: Buffer) => r.writeInt32BE(126, RecordField.TOTAL_SIZE)],
    ['lengths that do not add up', (r: Buffer) => r.writeInt32BE(4, RecordField.BODY_LENGTH)],
    ['a body CRC mismatch', (r: Buffer) => r.writeInt32BE(1, RecordField.BODY_CRC)],
    ['a changed body byte', (r: Buffer) => r.writeUInt8(0, RecordField.BODY)],
    ['a topic outside the alphabet', (r: Buffer) => r.write(' ', RecordField.BODY + 5 + 1)],
    ['an offset above 2^53', (r: Buffer) => r.writeUInt32BE(0xffffffff, RecordField.STORE_TIMESTAMP)],
    ['the IPv6 host layout', (r: Buffer) => r.writeInt32BE(0x10, RecordField.SYS_FLAG)],
  ])('reports %s as corrupt', (_name, mutate) => {
    const record = golden();
    mutate(record);
    expect(inspectAll(record).kind).toBe('corrupt');
  });

  it('with checkCrc false, accepts a record whose body no longer matches its CRCs, and still refuses broken structure', () => {
    const changedBody = golden();
    changedBody.writeUInt8(0, RecordField.BODY);
    changedBody.writeInt32BE(1, RecordField.BODY_CRC);
    const unchecked = inspectStoredRecord(changedBody, 0, changedBody.length, undefined, { checkCrc: false });
    expect(unchecked).toEqual({ ...inspectAll(golden()), kind: 'record' });
    expect(inspectAll(changedBody).kind).toBe('corrupt');
    const cut = golden();
    cut.writeInt32BE(4, RecordField.BODY_LENGTH);
    expect(inspectStoredRecord(cut, 0, cut.length, undefined, { checkCrc: false }).kind).toBe('corrupt');
    const badTopic = golden();
    badTopic.write(' ', RecordField.BODY + 5 + 1);
    expect(inspectStoredRecord(badTopic, 0, badTopic.length, undefined, { checkCrc: false }).kind).toBe('corrupt');
  });

  it('reports a bad offset as corrupt instead of throwing', () => {
    expect(inspectStoredRecord(golden(), -1, 125).kind).toBe('corrupt');
    expect(inspectStoredRecord(golden(), 0.5, 125).kind).toBe('corrupt');
  });

  it('walks a segment: records, then blank padding', () => {
    const segment = Buffer.alloc(400);
    let pos = writeStoredRecord({ ...goldenInput(), physicalOffset: 0 }, segment, 0);
    pos += writeStoredRecord({ ...goldenInput(), physicalOffset: pos }, segment, pos);
    writeBlankRecord(segment, pos, segment.length - pos);
    const kinds: string[] = [];
    for (let at = 0; ; ) {
      const found = inspectStoredRecord(segment, at, segment.length, at);
      kinds.push(found.kind);
      if (found.kind !== 'record' && found.kind !== 'blank') break;
      at += found.size;
    }
    expect(kinds).toEqual(['record', 'record', 'blank', 'end']);
  });
});

describe('inspectStoredRecord properties', () => {
  it('never throws on arbitrary bytes, offsets and limits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(320), fc.integer({ min: -10, max: 400 }), (bytes, offset, limit) => {
        inspectStoredRecord(Buffer.from(bytes), offset, limit);
      }),
    );
  });

  it('never throws on arbitrary mutations of a valid record', () => {
    const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(recordInputArb, mutation, (input, changes) => {
        const record = encodeStoredRecord(input);
        for (const [where, value] of changes) record[where % record.length] = value;
        inspectStoredRecord(record, 0, record.length, input.physicalOffset);
      }),
    );
  });

  // A one-byte change always changes the low 31 CRC bits for bodies of this size (checked
  // exhaustively up to 600 bytes), so this property has no false counterexamples.
  it('accepts every encoded record and never accepts one whose body was changed', () => {
    const bodyChange = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }));
    const input = recordInputArb.filter((i) => i.body.length > 0);
    fc.assert(
      fc.property(input, bodyChange, (valid, [where, xor]) => {
        const record = encodeStoredRecord(valid);
        expect(inspectAll(record, valid.physicalOffset).kind).toBe('record');
        const at = RecordField.BODY + (where % valid.body.length);
        record[at] = record[at]! ^ xor;
        expect(inspectAll(record, valid.physicalOffset).kind).toBe('corrupt');
      }),
    );
  });
});
