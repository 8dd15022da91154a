import {
  PROGRESS_KEY,
  SECONDARY_END,
  SECONDARY_PREFIX,
  keyEntryKey,
  keyTimeRange,
  parseSecondaryKey,
  secondaryFrom,
  secondaryKey,
  uniqEntryKey,
  uniqKeyRange,
} from './key-index-keys';
import type { KvDatabase } from './open-level';
import { assertNonEmptyString, assertNonNegativeInteger, assertPositiveInteger } from './validate';

/** One stored message as the index sees it (RocketMQ's IndexService input from dispatch). */
export interface KeyIndexEntry {
  topic: string;
  /** The message's KEYS, already split (RocketMQ separates them by spaces). Empty strings are skipped. */
  keys: readonly string[];
  /** The UNIQ_KEY property (client-generated message id); absent or empty: not indexed. */
  uniqKey?: string;
  physicalOffset: number;
  storeTimestamp: number;
}

export interface KeyIndexOptions {
  /**
   * Secondary rows removed per LevelDB batch by deleteBelow/truncateFrom (each row deletes itself and
   * one primary row). Bounds the memory of one batch however much retention has to delete.
   * @default 10_000
   */
  deleteChunkSize?: number;
}

export const DEFAULT_KEY_INDEX_DELETE_CHUNK_SIZE = 10_000;

/**
 * A unique key normally has one entry; a producer retry after a lost reply stores a second copy.
 * The cap keeps a pathological producer (one UNIQ_KEY on every message) from making a lookup unbounded.
 */
export const MAX_UNIQ_KEY_COPIES = 64;

/** Sublevel of the given database that holds the whole index (layout in key-index-keys.ts). */
const SUBLEVEL = 'key-index';

type BatchOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

/**
 * The message key index: RocketMQ's IndexService (index files of hash slots) as LevelDB rows.
 * Stores and queries only; a dispatcher feeds it from the commit log, so it can always be rebuilt.
 * Every write is a single LevelDB batch, so a crash leaves either all of it or none of it.
 * Create it on an open database; if the database is closed and reopened, create a new KeyIndex
 * (abstract-level sublevels stay closed when their parent reopens).
 */
export class KeyIndex {
  private readonly db: KvDatabase;
  private readonly deleteChunkSize: number;

  constructor(db: KvDatabase, options: KeyIndexOptions = {}) {
    const chunk = options.deleteChunkSize ?? DEFAULT_KEY_INDEX_DELETE_CHUNK_SIZE;
    assertPositiveInteger('KeyIndex', 'options.deleteChunkSize', chunk);
    this.db = db.sublevel(SUBLEVEL);
    this.deleteChunkSize = chunk;
  }

  /**
   * Writes entries and the new progress mark atomically in ONE LevelDB batch, so after a crash
   * progress never runs ahead of the entries. Idempotent: every row's key is derived from the entry
   * itself (offsets included), so re-writing the same entries (recovery re-dispatch) overwrites
   * rows with identical ones. `indexedUpTo` is exclusive: every entry's physicalOffset is below it.
   */
  async writeBatch(entries: readonly KeyIndexEntry[], indexedUpTo: number): Promise<void> {
    assertNonNegativeInteger('KeyIndex.writeBatch', 'indexedUpTo', indexedUpTo);
    const ops: BatchOp[] = [];
    for (const entry of entries) {
      validateEntry(entry, indexedUpTo);
      const offset = String(entry.physicalOffset);
      const primaries: string[] = [];
      for (const key of entry.keys) {
        if (key !== '') primaries.push(keyEntryKey(entry.topic, key, entry.storeTimestamp, entry.physicalOffset));
      }
      if (entry.uniqKey !== undefined && entry.uniqKey !== '') {
        primaries.push(uniqEntryKey(entry.topic, entry.uniqKey, entry.physicalOffset));
      }
      for (const primary of primaries) {
        ops.push({ type: 'put', key: primary, value: offset });
        ops.push({ type: 'put', key: secondaryKey(entry.physicalOffset, primary), value: '' });
      }
    }
    ops.push({ type: 'put', key: PROGRESS_KEY, value: String(indexedUpTo) });
    await this.db.batch(ops);
  }

  /** Commit-log offset up to which entries have been written (0 when empty). */
  async indexedOffset(): Promise<number> {
    const value = await this.db.get(PROGRESS_KEY);
    return value === undefined ? 0 : Number(value);
  }

  /** Physical offsets of messages of `topic` with key `key` stored in [begin, end] ms, newest first, at most maxNum. */
  async queryByKey(topic: string, key: string, maxNum: number, beginTimestamp: number, endTimestamp: number): Promise<number[]> {
    assertNonEmptyString('KeyIndex.queryByKey', 'topic', topic);
    assertNonEmptyString('KeyIndex.queryByKey', 'key', key);
    assertNonNegativeInteger('KeyIndex.queryByKey', 'maxNum', maxNum);
    assertTimestamp('beginTimestamp', beginTimestamp);
    assertTimestamp('endTimestamp', endTimestamp);
    // Timestamps are whole milliseconds, so a fractional or out-of-range bound is rounded inwards.
    const begin = Math.max(0, Math.ceil(beginTimestamp));
    const end = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(endTimestamp));
    if (maxNum === 0 || begin > end) return [];
    const values = await this.db.values({ ...keyTimeRange(topic, key, begin, end), reverse: true, limit: maxNum }).all();
    return values.map(Number);
  }

  /** Physical offsets (normally one; a producer retry may store two copies) for a unique key, oldest first. */
  async queryByUniqKey(topic: string, uniqKey: string): Promise<number[]> {
    assertNonEmptyString('KeyIndex.queryByUniqKey', 'topic', topic);
    assertNonEmptyString('KeyIndex.queryByUniqKey', 'uniqKey', uniqKey);
    const values = await this.db.values({ ...uniqKeyRange(topic, uniqKey), limit: MAX_UNIQ_KEY_COPIES }).all();
    return values.map(Number);
  }

  /**
   * Retention: deletes every entry whose physicalOffset < minPhysicalOffset, walking the `o!` rows
   * (ordered by offset) in bounded chunks. Returns how many entries (messages) were removed.
   */
  async deleteBelow(minPhysicalOffset: number): Promise<number> {
    assertNonNegativeInteger('KeyIndex.deleteBelow', 'minPhysicalOffset', minPhysicalOffset);
    return this.deleteRange(SECONDARY_PREFIX, secondaryFrom(minPhysicalOffset), []);
  }

  /** Recovery after the log was truncated: deletes entries at or after endOffset; progress becomes min(current, endOffset). */
  async truncateFrom(endOffset: number): Promise<void> {
    assertNonNegativeInteger('KeyIndex.truncateFrom', 'endOffset', endOffset);
    const progress = Math.min(await this.indexedOffset(), endOffset);
    // Progress is lowered in the LAST batch: if we crash part-way, the mark still lies beyond the
    // log's end, which tells recovery the truncation is unfinished and must run again.
    await this.deleteRange(secondaryFrom(endOffset), SECONDARY_END, [{ type: 'put', key: PROGRESS_KEY, value: String(progress) }]);
  }

  /** Deletes the `o!` rows in [gte, lt) and their primaries, chunk by chunk; `finalOps` ride on the last batch. */
  private async deleteRange(gte: string, lt: string, finalOps: readonly BatchOp[]): Promise<number> {
    let removed = 0;
    let lastOffsetHex = '';
    for (;;) {
      // Each chunk deletes what it read, so the next scan starts again at `gte`.
      const rows = await this.db.keys({ gte, lt, limit: this.deleteChunkSize }).all();
      const ops: BatchOp[] = [];
      for (const row of rows) {
        const { offsetHex, primaryKey } = parseSecondaryKey(row);
        // Rows of one message are adjacent (same offset prefix), also across chunk boundaries.
        if (offsetHex !== lastOffsetHex) {
          removed++;
          lastOffsetHex = offsetHex;
        }
        ops.push({ type: 'del', key: primaryKey }, { type: 'del', key: row });
      }
      const last = rows.length < this.deleteChunkSize;
      if (last) ops.push(...finalOps);
      if (ops.length > 0) await this.db.batch(ops);
      if (last) return removed;
    }
  }
}

function validateEntry(entry: KeyIndexEntry, indexedUpTo: number): void {
  const where = 'KeyIndex.writeBatch';
  assertNonEmptyString(where, 'entry.topic', entry.topic);
  assertNonNegativeInteger(where, 'entry.physicalOffset', entry.physicalOffset);
  assertNonNegativeInteger(where, 'entry.storeTimestamp', entry.storeTimestamp);
  if (!Array.isArray(entry.keys) || !entry.keys.every((key) => typeof key === 'string')) {
    throw new TypeError(`${where}: entry.keys must be an array of strings (topic "${entry.topic}", offset ${entry.physicalOffset})`);
  }
  if (entry.uniqKey !== undefined && typeof entry.uniqKey !== 'string') {
    throw new TypeError(`${where}: entry.uniqKey must be a string when present (offset ${entry.physicalOffset})`);
  }
  if (entry.physicalOffset >= indexedUpTo) {
    throw new RangeError(
      `${where}: entry at offset ${entry.physicalOffset} is not below indexedUpTo ${indexedUpTo}; ` +
        'indexedUpTo is the exclusive end of the dispatched range (the next offset to index).',
    );
  }
}

function assertTimestamp(what: string, value: number): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new RangeError(`KeyIndex.queryByKey: ${what} must be a number of milliseconds, got ${String(value)}`);
  }
}
