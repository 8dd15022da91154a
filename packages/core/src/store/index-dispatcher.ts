import * as protocol from '@pulsejet/protocol';
import type { CommitLog } from '../commitlog/commit-log';
import { scanLog } from '../commitlog/log-scanner';
import { HashedKeys } from '../kv/hashed-keys';
import type { KeyIndex, KeyIndexEntry } from '../kv/key-index';
import { assertPositiveInteger } from '../kv/validate';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and a log read-back uses these per record (the getters were 6% of its time).
const { MessageConst, PropertyPicker, splitKeys } = protocol;
/** What a read-back takes from each record's properties: out[0] KEYS, out[1] UNIQ_KEY. */
const KEY_PROPERTIES = new PropertyPicker([MessageConst.KEYS, MessageConst.UNIQ_KEY]);
/** The index reads back a log the store has recovered: see ScanOptions.checkCrc. */
const DISPATCH_SCAN = { checkCrc: false } as const;

/** Records indexed per LevelDB batch when reading back from the log. */
const RECORDS_PER_BATCH = 10_000;
/** Keys handed over by the writer that may wait in memory (24 bytes each); past this the log is read instead. */
export const DEFAULT_MAX_PENDING_KEYS = 100_000;
/**
 * Handed-over entries written per LevelDB batch. Building a batch runs on the event loop (about
 * 1-2 us per entry here), so an unbounded one after a burst (up to maxPendingKeys) would stall
 * every connection for 100+ ms; bounded, the loop yields between batches.
 */
export const DEFAULT_INDEX_BATCH_MAX_ENTRIES = 1024;
/**
 * When more than this many batches' worth of entries wait, one run takes this many batches at once:
 * each run also waits for its LevelDB write and for the event loop to come round, so under a steady
 * high put rate (batch sends) fixed-size runs fell behind until the hand-over overflowed and the
 * dispatcher had to read the log back (measured: ~100k entries/s at 1,024 per run). A bigger run
 * blocks the loop longer (about 1 us per entry), but only while the index is behind anyway.
 */
export const INDEX_BEHIND_FACTOR = 4;
/**
 * A hand-over without keys only moves the progress mark; that is persisted at most once per this many
 * bytes of log (and at close). Writing it on every run cost a LevelDB batch per turn of the index
 * loop: 0.49 µs per message of keyless 1 KiB puts from 64 writers (a tenth of the store's CPU). After
 * a crash, the mark lags by less than this, and re-dispatch scans that much log again (~50 ms).
 */
export const PROGRESS_ONLY_PERSIST_BYTES = 16 * 1024 * 1024;
/** Written keys kept at the head of `pending` before it is compacted (amortised O(1) per key). */
const COMPACT_AFTER_ENTRIES = 16_384;

export interface IndexDispatcherOptions {
  /** @default DEFAULT_INDEX_BATCH_MAX_ENTRIES */
  maxEntriesPerBatch?: number;
  /** @default DEFAULT_MAX_PENDING_KEYS */
  maxPendingKeys?: number;
  /**
   * Told when more than maxPendingKeys keys wait (`keys` of them): the hand-over is dropped and the
   * index catches up by reading the log, which costs more per message. Once per such episode.
   */
  onFellBehind?: (keys: number) => void;
}

/**
 * Builds the key index off the put path (RocketMQ's IndexService). Normally the writer hands over the
 * keys of what it appended (no re-reading); when that hand-over is missing (after a restart) or grew
 * past its bound (the index fell behind), it reads the commit log from the index's persisted progress
 * mark instead. Either way memory stays bounded and a restart catches up by itself.
 */
export class IndexDispatcher {
  private indexed: number | undefined;
  /** The progress mark the index holds; `indexed` runs ahead of it over stretches without keys. */
  private persisted: number | undefined;
  /**
   * Keys of appends since `pendingFrom`, hashed at hand-over (./hashed-keys says why), covering the
   * log from there to `pendingUpTo`; those before `pendingStart` were written already (a bounded
   * batch leaves the rest in place, so taking a batch never copies the whole backlog).
   */
  private readonly pending = new HashedKeys();
  private pendingStart = 0;
  private pendingFrom: number | undefined;
  private pendingUpTo = 0;
  private overflowed = false;
  private readonly maxEntriesPerBatch: number;
  private readonly maxPendingKeys: number;
  private readonly onFellBehind: ((keys: number) => void) | undefined;

  constructor(
    private readonly commitLog: CommitLog,
    private readonly index: KeyIndex,
    options: IndexDispatcherOptions = {},
  ) {
    const maxEntriesPerBatch = options.maxEntriesPerBatch ?? DEFAULT_INDEX_BATCH_MAX_ENTRIES;
    const maxPendingKeys = options.maxPendingKeys ?? DEFAULT_MAX_PENDING_KEYS;
    assertPositiveInteger('IndexDispatcher', 'options.maxEntriesPerBatch', maxEntriesPerBatch);
    assertPositiveInteger('IndexDispatcher', 'options.maxPendingKeys', maxPendingKeys);
    this.maxEntriesPerBatch = maxEntriesPerBatch;
    this.maxPendingKeys = maxPendingKeys;
    this.onFellBehind = options.onFellBehind;
  }

  /** Offset up to which the index is built. */
  async progress(): Promise<number> {
    if (this.indexed === undefined) this.indexed = this.persisted = await this.index.indexedOffset();
    return this.indexed;
  }

  /** Writes the progress mark if it runs ahead of the one the index holds (at close). */
  async persistProgress(): Promise<void> {
    const indexed = this.indexed;
    if (indexed === undefined || indexed === this.persisted) return;
    await this.index.writeBatch([], indexed);
    this.persisted = indexed;
  }

  /** The writer appended [from, upTo); `entries` are its messages that have keys (or were given by handOverKeys). */
  handOver(entries: readonly KeyIndexEntry[], from: number, upTo: number): void {
    if (this.overflowed) return;
    this.pendingFrom ??= from;
    this.pendingUpTo = upTo;
    this.index.hashEntries(entries, this.pending);
    this.checkOverflow();
  }

  /**
   * One appended message's keys, hashed into the hand-over at once; the append's handOver (with no
   * entries) follows. The writer's way: no entry object per message.
   */
  handOverKeys(topic: string, keys: readonly string[], uniqKey: string | undefined, physicalOffset: number, storeTimestamp: number): void {
    if (this.overflowed) return;
    this.index.hashMessageKeys(topic, keys, uniqKey, physicalOffset, storeTimestamp, this.pending);
  }

  private checkOverflow(): void {
    const waiting = this.pending.length - this.pendingStart;
    if (waiting > this.maxPendingKeys) {
      this.overflowed = true;
      this.pending.clear();
      this.pendingStart = 0;
      this.onFellBehind?.(waiting);
    }
  }

  /** Indexes what was appended since the last run; returns true if more is waiting. */
  async runOnce(signal?: AbortSignal): Promise<boolean> {
    let from = Math.max(await this.progress(), this.commitLog.minOffset());
    const to = this.commitLog.maxOffset();
    if (from >= to || signal?.aborted) return false;
    if (!this.overflowed && this.pendingFrom !== undefined && this.pendingFrom <= from) {
      const pending = this.pending;
      const offsets = pending.offsets;
      // Keys below `from` were indexed by a log scan already (keys are in log order).
      let start = this.pendingStart;
      while (start < pending.length && offsets[start]! < from) start += 1;
      const waiting = pending.length - start;
      const take = waiting > this.maxEntriesPerBatch * INDEX_BEHIND_FACTOR ? this.maxEntriesPerBatch * INDEX_BEHIND_FACTOR : this.maxEntriesPerBatch;
      let end = Math.min(pending.length, start + take);
      // A message's keys go in one batch: the batch's mark must not pass a message half indexed.
      while (end < pending.length && end > start && offsets[end] === offsets[end - 1]) end += 1;
      const entries = pending.slice(start, end);
      let upTo = this.pendingUpTo;
      if (end < pending.length) {
        // The rest stays pending; this batch covers the log up to the first key it leaves out.
        upTo = offsets[end]!;
        this.pendingFrom = upTo;
        this.pendingStart = end;
        if (end > COMPACT_AFTER_ENTRIES && end * 2 > pending.length) {
          pending.dropBefore(end);
          this.pendingStart = 0;
        }
      } else {
        pending.clear();
        this.pendingStart = 0;
        this.pendingFrom = undefined;
      }
      if (entries.length > 0 || upTo - (this.persisted ?? 0) >= PROGRESS_ONLY_PERSIST_BYTES) {
        await this.index.writeHashed(entries, upTo);
        this.persisted = upTo;
      }
      this.indexed = upTo;
      return upTo < this.commitLog.maxOffset();
    }
    const hashed = new HashedKeys();
    const picked: (string | undefined)[] = [];
    let records = 0;
    const stop = scanLog(this.commitLog.log, from, to, (record) => {
      if (records >= RECORDS_PER_BATCH) return false;
      records += 1;
      // The two properties only, not an object of all of them (per record, at tens of thousands a second).
      KEY_PROPERTIES.pickText(record.properties, picked);
      const keys = splitKeys(picked[0]);
      const uniqKey = picked[1];
      if (keys.length > 0 || uniqKey) this.index.hashMessageKeys(record.topic, keys, uniqKey, record.physicalOffset, record.storeTimestamp, hashed);
      return true;
    }, DISPATCH_SCAN);
    if (stop.kind === 'corrupt') throw new Error(`index dispatch met a corrupt record at ${stop.offset}: ${stop.reason}`);
    from = stop.offset;
    await this.index.writeHashed(hashed, from);
    this.indexed = this.persisted = from;
    if (this.overflowed && this.pendingFrom === undefined) this.overflowed = false;
    if (this.overflowed) {
      // Start handing over afresh from the next append; the log covers everything before it.
      this.overflowed = false;
      this.pendingFrom = undefined;
    }
    return from < this.commitLog.maxOffset();
  }

  /**
   * Whether the index loop should run again at once: a whole batch or more is waiting, or the log
   * must be read. A smaller remainder waits for the loop's next turn. Running back to back on
   * remainders wrote a LevelDB batch of the dozen keys appended during the previous batch's write,
   * so a busy broker paid each batch's fixed cost (tens of us on the event loop) every few messages.
   */
  lagging(): boolean {
    const readsLog = this.overflowed || this.pendingFrom === undefined || this.indexed === undefined || this.pendingFrom > this.indexed;
    return readsLog || this.pending.length - this.pendingStart >= this.maxEntriesPerBatch;
  }

  /** Forgets the cached progress (after recovery truncated the index). */
  reset(): void {
    this.indexed = undefined;
    this.persisted = undefined;
  }
}
