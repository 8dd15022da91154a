import fc from 'fast-check';
import { prepareStoredRecord, writePreparedRecord } from './prepared-record';
import { encodeStoredRecord } from './stored-record-encode';
import type { StoredRecordInput } from './stored-record';
import { goldenInput } from '../test/records';

const input = (body: Buffer, properties: string, topic = 'PreparedTopic'): StoredRecordInput => {
  const { queueOffset: _q, physicalOffset: _p, storeTimestamp: _s, ...rest } = goldenInput();
  return { ...rest, topic, body, properties };
};

describe('prepared records', () => {
  it('write the same bytes as encodeStoredRecord, at any position in a larger buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 40 }).filter((s) => !s.includes('\u0001') && !s.includes('\u0002')), fc.nat(64), fc.nat(2 ** 40), fc.nat(2 ** 40), (body, value, at, queueOffset, physicalOffset) => {
        const source = input(Buffer.from(body), `k\u0001${value}`);
        const expected = encodeStoredRecord({ ...source, queueOffset, physicalOffset, storeTimestamp: 1_800_000_000_000 });
        const prepared = prepareStoredRecord(source);
        expect(prepared.size).toBe(expected.length);
        // A view into a larger ArrayBuffer (as Node's pooled buffers are), and a second target in
        // between: the writer caches a DataView of its last target.
        const backing = new ArrayBuffer(at + prepared.size + 64);
        const target = Buffer.from(backing, 24, at + prepared.size + 16).fill(0xee);
        const other = Buffer.alloc(prepared.size);
        writePreparedRecord(prepared, target, at, queueOffset, physicalOffset, 1_800_000_000_000);
        writePreparedRecord(prepared, other, 0, queueOffset, physicalOffset, 1_800_000_000_000);
        writePreparedRecord(prepared, target, at, queueOffset, physicalOffset, 1_800_000_000_000);
        expect(target.subarray(at, at + prepared.size).equals(expected)).toBe(true);
        expect(other.equals(expected)).toBe(true);
        expect(target[at + prepared.size]).toBe(0xee);
        expect(new Uint8Array(backing, 0, 24).every((b) => b === 0)).toBe(true);
      }),
    );
  });

  it('write leading properties bytes and then the text, as one properties string would be written', () => {
    const noSeparators = (s: string) => !s.includes('\u0001') && !s.includes('\u0002');
    // Short and long, ASCII and not: both sides of the copy loop's threshold, and the native write.
    const text = fc.oneof(fc.string({ maxLength: 100 }), fc.string({ unit: 'binary', maxLength: 100 })).filter(noSeparators);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), text, text, fc.nat(16), fc.nat(16), (body, leadingValue, trailingValue, before, after) => {
        const leadingText = `L\u0001${leadingValue}\u0002`;
        const trailingText = `T\u0001${trailingValue}`;
        const leadingBytes = Buffer.from(leadingText, 'utf8');
        const source = Buffer.concat([Buffer.alloc(before, 0xaa), leadingBytes, Buffer.alloc(after, 0xbb)]);
        const expected = encodeStoredRecord({ ...input(Buffer.from(body), leadingText + trailingText), queueOffset: 7, physicalOffset: 9, storeTimestamp: 1_800_000_000_000 });
        const prepared = prepareStoredRecord(input(Buffer.from(body), trailingText), { source, start: before, end: before + leadingBytes.length });
        expect(prepared.size).toBe(expected.length);
        const target = Buffer.alloc(prepared.size + 8, 0xee);
        writePreparedRecord(prepared, target, 4, 7, 9, 1_800_000_000_000);
        expect(target.subarray(4, 4 + prepared.size).equals(expected)).toBe(true);
        expect(target[3]).toBe(0xee);
        expect(target[4 + prepared.size]).toBe(0xee);
      }),
    );
  });

  it('leave a cut out of the leading bytes, the tail text alternating between records (its bytes are kept)', () => {
    const noSeparators = (s: string) => !s.includes('\u0001') && !s.includes('\u0002');
    const text = fc.oneof(fc.string({ maxLength: 70 }), fc.string({ unit: 'binary', maxLength: 40 })).filter(noSeparators);
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), fc.nat(8), fc.nat(8), text, text, (values, cutAt, before, tailA, tailB) => {
        // Pairs, one of which is cut with its separator, as the broker cuts a single send's WAIT.
        const pairs = values.map((value, i) => `P${i}\u0001${value}\u0002`);
        const cut = cutAt % pairs.length;
        const kept = pairs.filter((_, i) => i !== cut).join('');
        const sourceText = pairs.join('');
        const source = Buffer.concat([Buffer.alloc(before, 0xaa), Buffer.from(sourceText, 'utf8')]);
        const cutStart = before + Buffer.byteLength(pairs.slice(0, cut).join(''), 'utf8');
        const cutEnd = cutStart + Buffer.byteLength(pairs[cut]!, 'utf8');
        for (const tail of [`A\u0001${tailA}`, `B\u0001${tailB}`, `A\u0001${tailA}`]) {
          const expected = encodeStoredRecord({ ...input(Buffer.from('body'), kept + tail), queueOffset: 7, physicalOffset: 9, storeTimestamp: 1_800_000_000_000 });
          const prepared = prepareStoredRecord(input(Buffer.from('body'), tail), { source, start: before, end: source.length, cutStart, cutEnd });
          expect(prepared.size).toBe(expected.length);
          const target = Buffer.alloc(prepared.size + 8, 0xee);
          writePreparedRecord(prepared, target, 4, 7, 9, 1_800_000_000_000);
          expect(target.subarray(4, 4 + prepared.size).equals(expected)).toBe(true);
          expect(target[4 + prepared.size]).toBe(0xee);
        }
      }),
    );
  });

  it('validate like the encoder', () => {
    expect(() => prepareStoredRecord(input(Buffer.from('x'), '', 'bad topic'))).toThrow(expect.objectContaining({ code: 'INVALID_TOPIC' }));
  });
});
