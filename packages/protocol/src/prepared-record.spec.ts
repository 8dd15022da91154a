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

  it('validate like the encoder', () => {
    expect(() => prepareStoredRecord(input(Buffer.from('x'), '', 'bad topic'))).toThrow(expect.objectContaining({ code: 'INVALID_TOPIC' }));
  });
});
