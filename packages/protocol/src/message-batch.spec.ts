import fc from 'fast-check';
import { propertiesArb } from '../test/records';
import { ProtocolError, ProtocolErrorCode } from './errors';
import { BATCH_ENTRY_FIELDS, BatchDecodeError, decodeMessageBatch, encodeMessageBatch, readMessageBatch, readMessageBatchLayout, type BatchEntry } from './message-batch';
import { encodeProperties } from './properties';

/** The layout written field by field, one buffer per entry: what the encoder must produce. */
function referenceEncoding(entries: readonly BatchEntry[]): Buffer {
  return Buffer.concat(
    entries.map((entry) => {
      const props = Buffer.from(encodeProperties(entry.properties), 'utf8');
      const head = Buffer.alloc(20);
      head.writeInt32BE(22 + entry.body.length + props.length, 0);
      head.writeInt32BE(entry.flag, 12);
      head.writeInt32BE(entry.body.length, 16);
      const propsLength = Buffer.alloc(2);
      propsLength.writeInt16BE(props.length, 0);
      return Buffer.concat([head, entry.body, propsLength, props]);
    }),
  );
}

const entryArb: fc.Arbitrary<BatchEntry> = fc.record({
  flag: fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
  body: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  properties: propertiesArb,
});

describe('message batch codec', () => {
  const entries: BatchEntry[] = [
    { flag: 0, body: Buffer.from('a'), properties: { TAGS: 'T', UNIQ_KEY: 'U1' } },
    { flag: 3, body: Buffer.from('héllo'), properties: {} },
  ];

  it('matches Java MessageDecoder.encodeMessage bytes (golden)', () => {
    const bytes = encodeMessageBatch([{ flag: 1, body: Buffer.from('hi'), properties: { K: 'v' } }]);
    // totalSize 27 (0x1b) = 22 fixed + 2 body + 3 properties ("K\u0001v")
    expect(bytes.toString('hex')).toBe(['0000001b', '00000000', '00000000', '00000001', '00000002', '6869', '0003', '4b0176'].join(''));
  });

  it('round-trips, multi-byte UTF-8 included', () => {
    const decoded = decodeMessageBatch(encodeMessageBatch(entries));
    expect(decoded.map((e) => ({ ...e, body: e.body.toString() }))).toEqual(entries.map((e) => ({ ...e, body: e.body.toString() })));
  });

  it('writes exactly the reference layout, and decodes back to its input (property)', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 12 }), (batch) => {
        const bytes = encodeMessageBatch(batch);
        expect(bytes.equals(referenceEncoding(batch))).toBe(true);
        expect(decodeMessageBatch(bytes)).toEqual(batch);
      }),
      { numRuns: 500 },
    );
  });

  it('takes properties already encoded and writes the same bytes (property)', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 12 }), (batch) => {
        const preEncoded = batch.map((e) => ({ ...e, properties: encodeProperties(e.properties) }));
        expect(encodeMessageBatch(preEncoded).equals(encodeMessageBatch(batch))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves each entry\'s properties encoded in place (readMessageBatch, property)', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 12 }), (batch) => {
        const bytes = encodeMessageBatch(batch);
        const views = readMessageBatch(bytes);
        expect(views.map((view) => ({ flag: view.flag, body: view.body }))).toEqual(batch.map((entry) => ({ flag: entry.flag, body: entry.body })));
        views.forEach((view, i) => expect(bytes.toString('utf8', view.propertiesStart, view.propertiesEnd)).toBe(encodeProperties(batch[i]!.properties)));
      }),
      { numRuns: 200 },
    );
  });

  it('rejects truncated input with a BAD_LENGTH ProtocolError', () => {
    const bytes = encodeMessageBatch(entries);
    for (const cut of [1, 10, 23, bytes.length - 1]) {
      let caught: unknown;
      try {
        decodeMessageBatch(bytes.subarray(0, cut));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(BatchDecodeError);
      expect(ProtocolError.is(caught) && caught.code).toBe(ProtocolErrorCode.BAD_LENGTH);
    }
  });

  it('refuses properties longer than the int16 length field', () => {
    expect(() => encodeMessageBatch([{ flag: 0, body: Buffer.alloc(0), properties: { big: 'x'.repeat(40_000) } }])).toThrow(ProtocolError);
    // Counted in UTF-8 bytes, not characters: "k\u0001" and 16,383 two-byte characters are 32,768
    // bytes, one over; one 'a' fewer than that is exactly the 32,767 that fit.
    expect(() => encodeMessageBatch([{ flag: 0, body: Buffer.alloc(0), properties: { k: 'é'.repeat(16_383) } }])).toThrow(ProtocolError);
    expect(encodeMessageBatch([{ flag: 0, body: Buffer.alloc(0), properties: { k: `${'é'.repeat(16_382)}a` } }]).length).toBe(22 + 32_767);
  });
  it('lays out batches of any number of entries, past its first guess of their count', () => {
    // 22-byte entries: more of them than the layout's first allocation (one per 64 bytes) holds.
    const bytes = encodeMessageBatch(Array.from({ length: 100 }, (_, i) => ({ flag: i, body: Buffer.alloc(0), properties: '' })));
    const layout = readMessageBatchLayout(bytes);
    expect(layout.count).toBe(100);
    const views = readMessageBatch(bytes);
    views.forEach((view, i) => {
      const slot = i * BATCH_ENTRY_FIELDS;
      expect([layout.fields[slot], layout.fields[slot + 3], layout.fields[slot + 4]]).toEqual([i, view.propertiesStart, view.propertiesEnd]);
    });
  });
});
