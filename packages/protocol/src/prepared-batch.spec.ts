import fc from 'fast-check';
import { goldenInput, topicArb } from '../test/records';
import { encodeMessageBatch, readMessageBatchLayout } from './message-batch';
import { batchTails, prepareStoredBatch, writeBatchRecord, type BatchRecordFields } from './prepared-batch';
import { prepareStoredRecord, writePreparedRecord } from './prepared-record';
import { withRecordCrcPlaceholder } from './record-crc';

const STORE_TIMESTAMP = 1_800_000_000_000;

const fieldsOf = (topic = 'BatchTopic'): BatchRecordFields => {
  const { topic: _t, flag: _f, body: _b, properties: _p, preparedTransactionOffset: _x, queueOffset: _q, physicalOffset: _o, storeTimestamp: _s, ...rest } = goldenInput();
  return { ...rest, topic };
};

/** What a store appends after an entry's bytes: the broker's pairs, a separator first when the bytes need one. */
const tailOf = (appended: string) => (open: boolean) => withRecordCrcPlaceholder((open ? '\u0002' : '') + appended);

const noSeparators = (s: string) => !s.includes('\u0001') && !s.includes('\u0002');
const valueArb = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 30 })).filter(noSeparators);
/** Encoded properties as clients send them: with or without a final separator, or none at all. */
const propertiesTextArb = fc.tuple(fc.array(valueArb, { maxLength: 4 }), fc.boolean()).map(([values, closed]) => {
  const pairs = values.map((value, i) => `P${i}\u0001${value}`).join('\u0002');
  return closed && pairs !== '' ? `${pairs}\u0002` : pairs;
});
const entryArb = fc.record({
  flag: fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
  body: fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
  properties: propertiesTextArb,
});

describe('prepared batches', () => {
  it('write each entry as writePreparedRecord writes it with the entry bytes leading (property)', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 6 }), topicArb, fc.constantFrom('', 'CLUSTER\u0001DefaultCluster'), fc.nat(2 ** 40), fc.nat(2 ** 40), (entries, topic, appended, queueOffset, physicalOffset) => {
        const source = encodeMessageBatch(entries);
        const layout = readMessageBatchLayout(source);
        const tail = tailOf(appended);
        const batch = prepareStoredBatch(fieldsOf(topic), source, layout, batchTails(tail));
        let total = 0;
        const target = Buffer.alloc(batch.totalSize + 8, 0xee);
        let at = 3;
        entries.forEach((entry, i) => {
          const start = layout.fields[i * 5 + 3]!;
          const end = layout.fields[i * 5 + 4]!;
          const open = end > start && source[end - 1] !== 2;
          const prepared = prepareStoredRecord({ ...fieldsOf(topic), flag: entry.flag, preparedTransactionOffset: 0, body: entry.body, properties: tail(open) }, { source, start, end });
          expect(batch.sizes[i]).toBe(prepared.size);
          expect(batch.bodyCrc32s[i]).toBe(prepared.bodyCrc32);
          const expected = Buffer.alloc(prepared.size);
          writePreparedRecord(prepared, expected, 0, queueOffset + i, physicalOffset + total, STORE_TIMESTAMP);
          writeBatchRecord(batch, i, target, at, queueOffset + i, physicalOffset + total, STORE_TIMESTAMP);
          expect(target.subarray(at, at + prepared.size).equals(expected)).toBe(true);
          total += prepared.size;
          at += prepared.size;
        });
        expect(batch.totalSize).toBe(total);
        expect(target.subarray(0, 3).every((b) => b === 0xee) && target.subarray(at).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('validate the shared fields once, as the single-record encoder does', () => {
    const source = encodeMessageBatch([{ flag: 0, body: Buffer.from('x'), properties: '' }]);
    const layout = readMessageBatchLayout(source);
    expect(() => prepareStoredBatch(fieldsOf('bad topic'), source, layout, batchTails(tailOf('')))).toThrow(expect.objectContaining({ code: 'INVALID_TOPIC' }));
    expect(() => prepareStoredBatch({ ...fieldsOf(), queueId: 1.5 }, source, layout, batchTails(tailOf('')))).toThrow(expect.objectContaining({ code: 'UNSAFE_INTEGER' }));
    expect(() => prepareStoredBatch({ ...fieldsOf(), bornHost: { address: 'nowhere', port: 1 } }, source, layout, batchTails(tailOf('')))).toThrow(expect.objectContaining({ code: 'BAD_HOST' }));
  });

  it('refuse an entry whose properties and tail pass PROPLEN, naming the entry', () => {
    const long = `K\u0001${'v'.repeat(32_760)}`;
    const source = encodeMessageBatch([
      { flag: 0, body: Buffer.from('ok'), properties: 'A\u0001b' },
      { flag: 0, body: Buffer.from('x'), properties: long },
    ]);
    expect(() => prepareStoredBatch(fieldsOf(), source, readMessageBatchLayout(source), batchTails(tailOf('')))).toThrow(/batch entry 1 are 32\d{3} bytes/);
  });
});
