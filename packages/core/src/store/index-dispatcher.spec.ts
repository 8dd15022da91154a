import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RecordField, prepareStoredRecord } from '@pulsejet/protocol';
import { CommitLog } from '../commitlog/commit-log';
import { SegmentedLog } from '../commitlog/segmented-log';
import { KeyIndex, type KeyIndexEntry } from '../kv/key-index';
import { openLevel, type KvDatabase } from '../kv/open-level';
import { MemorySegmentDirectory } from '../segment/memory-segment-directory';
import { INDEX_BEHIND_FACTOR, IndexDispatcher, PROGRESS_ONLY_PERSIST_BYTES } from './index-dispatcher';

const TOPIC = 'IndexTopic';

function forceGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function appendKeyed(log: CommitLog, uniqKey: string): KeyIndexEntry {
  const prepared = prepareStoredRecord({
    topic: TOPIC, queueId: 0, flag: 0, sysFlag: 0, bornTimestamp: 1,
    bornHost: { address: '127.0.0.1', port: 1 }, storeHost: { address: '127.0.0.1', port: 2 },
    reconsumeTimes: 0, preparedTransactionOffset: 0, body: Buffer.from(uniqKey),
    properties: `UNIQ_KEY\u0001${uniqKey}\u0002__CRC32#\u00010000000000\u0002`,
  });
  const [result] = log.append([{ topic: TOPIC, queueId: 0, records: [{ prepared, tagsCode: 0, storeTimestamp: 5 }], totalSize: prepared.size }]);
  const record = result!.records[0]!;
  return { topic: TOPIC, keys: [], uniqKey, physicalOffset: record.physicalOffset, storeTimestamp: record.storeTimestamp };
}

/** Records the size (keys) and progress mark of every batch the hand-over path writes. */
function recordBatches(index: KeyIndex): Array<{ entries: number; upTo: number }> {
  const batches: Array<{ entries: number; upTo: number }> = [];
  const writeHashed = index.writeHashed.bind(index);
  index.writeHashed = async (keys, upTo) => {
    batches.push({ entries: keys.length, upTo });
    await writeHashed(keys, upTo);
  };
  return batches;
}

/** Appends a message without keys (body of `bodyBytes`) and returns the log's end after it. */
function appendKeyless(log: CommitLog, bodyBytes = 16): number {
  const prepared = prepareStoredRecord({
    topic: TOPIC, queueId: 0, flag: 0, sysFlag: 0, bornTimestamp: 1,
    bornHost: { address: '127.0.0.1', port: 1 }, storeHost: { address: '127.0.0.1', port: 2 },
    reconsumeTimes: 0, preparedTransactionOffset: 0, body: Buffer.alloc(bodyBytes, 0x61),
    properties: `TAGS\u0001a\u0002__CRC32#\u00010000000000\u0002`,
  });
  log.append([{ topic: TOPIC, queueId: 0, records: [{ prepared, tagsCode: 0, storeTimestamp: 5 }], totalSize: prepared.size }]);
  return log.maxOffset();
}

describe('IndexDispatcher', () => {
  let db: KvDatabase;
  let log: CommitLog;

  beforeEach(async () => {
    db = await openLevel({ kind: 'memory' });
    log = new CommitLog(new SegmentedLog(new MemorySegmentDirectory(), 16 * 1024 * 1024), 64 * 1024);
    log.resetPosition(0);
  });

  afterEach(async () => {
    log.close();
    await db.close();
  });

  /** A dispatcher of a fresh index that was handed `count` messages with a UNIQ_KEY each (`prefix` + i). */
  async function handedOver(maxEntriesPerBatch: number, count: number, prefix: string) {
    const index = await KeyIndex.open(db);
    const dispatcher = new IndexDispatcher(log, index, { maxEntriesPerBatch });
    await dispatcher.progress();
    const from = log.maxOffset();
    const entries = Array.from({ length: count }, (_, i) => appendKeyed(log, `${prefix}${i}`));
    dispatcher.handOver(entries, from, log.maxOffset());
    return { index, dispatcher, entries };
  }

  it('writes a large hand-over in bounded batches, each leaving a progress mark that covers exactly what it wrote', async () => {
    const { index, dispatcher, entries } = await handedOver(7, 50, 'U');
    const batches = recordBatches(index);
    // A hand-over arriving while the first batches are written joins the queue behind them.
    const more: KeyIndexEntry[] = [];
    let rounds = 0;
    while (await dispatcher.runOnce()) {
      rounds += 1;
      if (rounds === 2) {
        const start = log.maxOffset();
        more.push(appendKeyed(log, 'late-1'), appendKeyed(log, 'late-2'));
        dispatcher.handOver(more, start, log.maxOffset());
      }
      expect(rounds).toBeLessThan(100);
    }

    // 50 waiting is more than INDEX_BEHIND_FACTOR batches: the first run takes 4 x 7 = 28; then 22
    // (24 with the late two) are within the factor, so 7 at a time.
    expect(INDEX_BEHIND_FACTOR).toBe(4);
    expect(batches.map((b) => b.entries)).toEqual([28, 7, 7, 7, 3]);
    // Each mark is the offset of the first entry the batch did not write (or the log's end).
    const all = [...entries, ...more];
    let written = 0;
    for (const batch of batches) {
      written += batch.entries;
      expect(batch.upTo).toBe(written < all.length ? all[written]!.physicalOffset : log.maxOffset());
    }
    expect(await index.indexedOffset()).toBe(log.maxOffset());
    for (const entry of all) expect(await index.queryByUniqKey(TOPIC, entry.uniqKey!)).toEqual([entry.physicalOffset]);
  });

  it('works through a backlog larger than its compaction threshold, batch by batch', async () => {
    const { index, dispatcher, entries } = await handedOver(1000, 20_000, 'B');
    // Behind by more than INDEX_BEHIND_FACTOR batches, a run takes that many at once: 4,000 while
    // over 4,000 wait, then 1,000 (compaction happens at the first run ending past 16,384).
    const sizes = [4000, 4000, 4000, 4000, 1000, 1000, 1000, 1000];
    let written = 0;
    let runs = 0;
    while (await dispatcher.runOnce()) {
      written += sizes[runs]!;
      runs += 1;
      // Each batch leaves the mark at the first entry it did not write.
      expect(await index.indexedOffset()).toBe(entries[written]!.physicalOffset);
    }
    expect(runs + 1).toBe(sizes.length);
    expect(await index.indexedOffset()).toBe(log.maxOffset());
    for (const i of [0, 999, 1000, 16_383, 16_384, 17_000, 19_999]) {
      expect(await index.queryByUniqKey(TOPIC, `B${i}`)).toEqual([entries[i]!.physicalOffset]);
    }
  });

  it('never splits the keys of one message between two batches', async () => {
    const index = await KeyIndex.open(db);
    const batches = recordBatches(index);
    const dispatcher = new IndexDispatcher(log, index, { maxEntriesPerBatch: 4 });
    await dispatcher.progress();
    const from = log.maxOffset();
    // Three keys each (two KEYS and the UNIQ_KEY): a batch of 4 would end inside the second message.
    const entries = Array.from({ length: 3 }, (_, i) => ({ ...appendKeyed(log, `M${i}`), keys: [`a${i}`, `b${i}`] }));
    dispatcher.handOver(entries, from, log.maxOffset());
    while (await dispatcher.runOnce()) {
      /* batches */
    }
    expect(batches).toEqual([
      { entries: 6, upTo: entries[2]!.physicalOffset },
      { entries: 3, upTo: log.maxOffset() },
    ]);
    for (const [i, entry] of entries.entries()) {
      expect(await index.queryByUniqKey(TOPIC, `M${i}`)).toEqual([entry.physicalOffset]);
      expect(await index.queryByKey(TOPIC, `b${i}`, 10, 0, Number.MAX_SAFE_INTEGER)).toEqual([entry.physicalOffset]);
    }
  });

  it('keeps no handed-over entry object alive while its keys wait for the index loop', async () => {
    const index = await KeyIndex.open(db);
    const dispatcher = new IndexDispatcher(log, index);
    await dispatcher.progress();
    const from = log.maxOffset();
    let ref: WeakRef<object> | undefined;
    (() => {
      const entry = appendKeyed(log, 'weak');
      ref = new WeakRef(entry);
      dispatcher.handOver([entry], from, log.maxOffset());
    })();
    // WeakRef targets are held until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    forceGc();
    expect(ref!.deref()).toBeUndefined();
    await dispatcher.runOnce();
    expect(await index.queryByUniqKey(TOPIC, 'weak')).toHaveLength(1);
  });

  it('asks to run again at once only while a whole batch or more waits, or the log must be read', async () => {
    const { index, dispatcher } = await handedOver(4, 6, 'L');
    expect(dispatcher.lagging()).toBe(true);
    // The first batch takes 4; 2 wait, which the loop's next turn takes.
    expect(await dispatcher.runOnce()).toBe(true);
    expect(dispatcher.lagging()).toBe(false);
    expect(await dispatcher.runOnce()).toBe(false);
    expect(await index.indexedOffset()).toBe(log.maxOffset());

    // Appends the hand-over never saw (a restart) are read from the log: lagging until caught up.
    const restarted = new IndexDispatcher(log, index, { maxEntriesPerBatch: 4 });
    appendKeyed(log, 'unseen');
    await restarted.progress();
    expect(restarted.lagging()).toBe(true);
    expect(await restarted.runOnce()).toBe(false);
    expect(await index.queryByUniqKey(TOPIC, 'unseen')).toHaveLength(1);
  });

  it('refuses batch and hand-over bounds that are not positive integers', async () => {
    const index = await KeyIndex.open(db);
    expect(() => new IndexDispatcher(log, index, { maxEntriesPerBatch: 0 })).toThrow(RangeError);
    expect(() => new IndexDispatcher(log, index, { maxPendingKeys: 1.5 })).toThrow(RangeError);
  });

  it('keeps the progress of hand-overs without keys in memory, and writes it with the next keys or at persistProgress()', async () => {
    const index = await KeyIndex.open(db);
    const dispatcher = new IndexDispatcher(log, index);
    await dispatcher.progress();

    let from = log.maxOffset();
    for (let i = 0; i < 10; i += 1) appendKeyless(log);
    dispatcher.handOver([], from, log.maxOffset());
    expect(await dispatcher.runOnce()).toBe(false);
    expect(await dispatcher.progress()).toBe(log.maxOffset());
    expect(await index.indexedOffset()).toBe(0);

    from = log.maxOffset();
    const keyed = appendKeyed(log, 'K1');
    dispatcher.handOver([keyed], from, log.maxOffset());
    await dispatcher.runOnce();
    expect(await index.indexedOffset()).toBe(log.maxOffset());
    expect(await index.queryByUniqKey(TOPIC, 'K1')).toEqual([keyed.physicalOffset]);

    from = log.maxOffset();
    appendKeyless(log);
    dispatcher.handOver([], from, log.maxOffset());
    await dispatcher.runOnce();
    expect(await index.indexedOffset()).toBe(from);
    await dispatcher.persistProgress();
    expect(await index.indexedOffset()).toBe(log.maxOffset());
  });

  it('writes a progress-only mark once it runs PROGRESS_ONLY_PERSIST_BYTES ahead of the written one', async () => {
    const index = await KeyIndex.open(db);
    const dispatcher = new IndexDispatcher(log, index);
    await dispatcher.progress();
    let written = 0;
    while (log.maxOffset() < PROGRESS_ONLY_PERSIST_BYTES + 1024 * 1024) {
      const from = log.maxOffset();
      const end = appendKeyless(log, 60 * 1024);
      dispatcher.handOver([], from, end);
      await dispatcher.runOnce();
      const mark = await index.indexedOffset();
      // Never more than the threshold behind, and only ever moved in one step to the end of a run.
      expect(end - mark).toBeLessThan(PROGRESS_ONLY_PERSIST_BYTES);
      if (mark !== written) expect(mark).toBe(end);
      written = mark;
    }
    expect(written).toBeGreaterThanOrEqual(PROGRESS_ONLY_PERSIST_BYTES);
  });

  it('past maxPendingKeys drops the hand-over, says so once, reads the log back and then takes hand-overs again', async () => {
    const index = await KeyIndex.open(db);
    const fellBehind: number[] = [];
    const dispatcher = new IndexDispatcher(log, index, { maxPendingKeys: 10, onFellBehind: (keys) => fellBehind.push(keys) });
    await dispatcher.progress();
    const handOver = (prefix: string, count: number): KeyIndexEntry[] => {
      const from = log.maxOffset();
      const entries = Array.from({ length: count }, (_, i) => appendKeyed(log, `${prefix}${i}`));
      dispatcher.handOver(entries, from, log.maxOffset());
      return entries;
    };
    const first = [...handOver('a', 6), ...handOver('b', 6)];
    // A third hand-over while the index is still behind: the log read covers it too; no second report.
    const second = handOver('c', 3);
    expect(fellBehind).toEqual([12]);
    expect(dispatcher.lagging()).toBe(true); // must read the log
    const batches = recordBatches(index);
    while (await dispatcher.runOnce()) {
      /* reads the log */
    }
    // One read of the log covers all 15 keys (the hand-overs kept none of them).
    expect(batches).toEqual([{ entries: 15, upTo: log.maxOffset() }]);
    expect(await index.indexedOffset()).toBe(log.maxOffset());
    // After catching up, hand-overs are taken again.
    const third = handOver('d', 2);
    expect(dispatcher.lagging()).toBe(false); // two keys handed over: no log read due
    while (await dispatcher.runOnce()) {
      /* writes the hand-over */
    }
    expect(batches.map((b) => b.entries)).toEqual([15, 2]);
    for (const entry of [...first, ...second, ...third]) expect(await index.queryByUniqKey(TOPIC, entry.uniqKey!)).toEqual([entry.physicalOffset]);
    expect(fellBehind).toEqual([12]);
  });

  it('reads the log back without checking CRCs: the store recovered it already, as RocketMQ\'s dispatch does', async () => {
    const index = await KeyIndex.open(db);
    const dispatcher = new IndexDispatcher(log, index);
    const first = appendKeyed(log, 'kept-1');
    const second = appendKeyed(log, 'kept-2');
    // A body byte changed after the write: recovery would stop there, dispatch (no hand-over) reads on.
    const segment = log.log.find(first.physicalOffset)!;
    segment.write(Buffer.from('X'), 0, 1, first.physicalOffset - segment.start + RecordField.BODY);
    while (await dispatcher.runOnce()) {
      /* reads the log */
    }
    expect(await index.indexedOffset()).toBe(log.maxOffset());
    expect(await index.queryByUniqKey(TOPIC, 'kept-1')).toEqual([first.physicalOffset]);
    expect(await index.queryByUniqKey(TOPIC, 'kept-2')).toEqual([second.physicalOffset]);
  });
});
