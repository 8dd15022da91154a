import {
  PROGRESS_KEY,
  SECONDARY_END,
  SECONDARY_PREFIX,
  hex16,
  keyEntryKey,
  keyTimeRange,
  primaryOffsetHex,
  secondaryFrom,
  secondaryRowPrimaries,
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
   * Primary rows (one per indexed key) deleted per LevelDB batch by deleteBelow/truncateFrom; with the
   * secondary rows they empty or rewrite, one batch holds at most twice this many operations. Bounds
   * the memory of one batch however much retention has to delete.
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

/** Primary keys one `o!` row lists at most (a message with more keys gets a row of its own). Bounds a row's size. */
export const ROW_MAX_PRIMARIES = 1024;

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
  /** The root database and the sublevel's full key prefix: writeBatch writes there directly. */
  private readonly root: KvDatabase;
  private readonly prefix: string;
  private readonly deleteChunkSize: number;

  constructor(db: KvDatabase, options: KeyIndexOptions = {}) {
    const chunk = options.deleteChunkSize ?? DEFAULT_KEY_INDEX_DELETE_CHUNK_SIZE;
    assertPositiveInteger('KeyIndex', 'options.deleteChunkSize', chunk);
    const sublevel = db.sublevel(SUBLEVEL);
    this.db = sublevel;
    this.root = sublevel.db;
    this.prefix = sublevel.prefix;
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
    const prefix = this.prefix;
    // One `o!` row per run of messages lists their primaries (one write per key, not two).
    let row: string[] = [];
    let rowOffset = 0;
    const closeRow = (): void => {
      if (row.length > 0) ops.push({ type: 'put', key: prefix + secondaryFrom(rowOffset), value: JSON.stringify(row) });
      row = [];
    };
    for (const entry of entries) {
      validateEntry(entry, indexedUpTo);
      const offset = entry.physicalOffset;
      const value = String(offset);
      // A message's primaries stay in one row, so no two rows of a batch share a first offset.
      if (row.length >= ROW_MAX_PRIMARIES) closeRow();
      const before = row.length;
      for (const key of entry.keys) {
        if (key === '') continue;
        const primary = keyEntryKey(entry.topic, key, entry.storeTimestamp, offset);
        ops.push({ type: 'put', key: prefix + primary, value });
        row.push(primary);
      }
      if (entry.uniqKey !== undefined && entry.uniqKey !== '') {
        const primary = uniqEntryKey(entry.topic, entry.uniqKey, offset);
        ops.push({ type: 'put', key: prefix + primary, value });
        row.push(primary);
      }
      if (before === 0 && row.length > 0) rowOffset = offset;
    }
    closeRow();
    ops.push({ type: 'put', key: prefix + PROGRESS_KEY, value: String(indexedUpTo) });
    // Through the root with the sublevel's prefix written in: the same keys, without the sublevel
    // re-checking and re-prefixing every operation (a few percent of the broker's CPU per message).
    await this.root.batch(ops);
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
    const bound = hex16(minPhysicalOffset);
    return this.deleteRows({ gte: SECONDARY_PREFIX, lt: secondaryFrom(minPhysicalOffset) }, (offsetHex) => offsetHex < bound, []);
  }

  /** Recovery after the log was truncated: deletes entries at or after endOffset; progress becomes min(current, endOffset). */
  async truncateFrom(endOffset: number): Promise<void> {
    assertNonNegativeInteger('KeyIndex.truncateFrom', 'endOffset', endOffset);
    const progress = Math.min(await this.indexedOffset(), endOffset);
    // The row before endOffset may list messages at and after it (a row covers a run of messages).
    const [before] = await this.db.keys({ gte: SECONDARY_PREFIX, lt: secondaryFrom(endOffset), reverse: true, limit: 1 }).all();
    const bound = hex16(endOffset);
    // Progress is lowered in the LAST batch: if we crash part-way, the mark still lies beyond the
    // log's end, which tells recovery the truncation is unfinished and must run again.
    await this.deleteRows({ gte: before ?? secondaryFrom(endOffset), lt: SECONDARY_END }, (offsetHex) => offsetHex >= bound, [
      { type: 'put', key: PROGRESS_KEY, value: String(progress) },
    ]);
  }

  /**
   * Deletes the primaries that `doomed` picks (by their 16-hex offset) from the `o!` rows in `range`,
   * emptying or rewriting those rows in the same batch, at most deleteChunkSize primaries per batch;
   * `finalOps` ride on the last batch. Returns how many messages lost their entries.
   */
  private async deleteRows(range: { gte: string; lt: string }, doomed: (offsetHex: string) => boolean, finalOps: readonly BatchOp[]): Promise<number> {
    let removed = 0;
    let lastOffsetHex = '';
    let ops: BatchOp[] = [];
    let primaries = 0;
    // The iterator reads a snapshot, so the batches written while it walks don't disturb it.
    const iterator = this.db.iterator(range);
    try {
      for (;;) {
        const rows = await iterator.nextv(this.deleteChunkSize);
        if (rows.length === 0) break;
        for (const [rowKey, rowValue] of rows) {
          const listed = secondaryRowPrimaries(rowKey, rowValue);
          const kept = listed.filter((primary) => !doomed(primaryOffsetHex(primary)));
          const dead = listed.filter((primary) => doomed(primaryOffsetHex(primary)));
          let done = 0;
          while (done < dead.length) {
            const take = Math.min(dead.length - done, this.deleteChunkSize - primaries);
            for (const primary of dead.slice(done, done + take)) {
              ops.push({ type: 'del', key: primary });
              // A row lists messages in offset order, so one message's keys are adjacent, also across chunks.
              const offsetHex = primaryOffsetHex(primary);
              if (offsetHex !== lastOffsetHex) {
                removed++;
                lastOffsetHex = offsetHex;
              }
            }
            done += take;
            primaries += take;
            const rest = done < dead.length ? kept.concat(dead.slice(done)) : kept;
            ops.push(rest.length === 0 ? { type: 'del', key: rowKey } : { type: 'put', key: rowKey, value: JSON.stringify(rest) });
            if (primaries >= this.deleteChunkSize) {
              await this.db.batch(ops);
              ops = [];
              primaries = 0;
            }
          }
        }
      }
    } finally {
      await iterator.close();
    }
    ops.push(...finalOps);
    if (ops.length > 0) await this.db.batch(ops);
    return removed;
  }
}

function validateEntry(entry: KeyIndexEntry, indexedUpTo: number): void {
  const where = 'KeyIndex.writeBatch';
  assertNonEmptyString(where, 'entry.topic', entry.topic);
  assertNonNegativeInteger(where, 'entry.physicalOffset', entry.physicalOffset);
  assertNonNegativeInteger(where, 'entry.storeTimestamp', entry.storeTimestamp);
  if (!Array.isArray(entry.keys) || !allStrings(entry.keys)) {
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

function allStrings(values: readonly unknown[]): boolean {
  for (const value of values) if (typeof value !== 'string') return false;
  return true;
}

function assertTimestamp(what: string, value: number): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new RangeError(`KeyIndex.queryByKey: ${what} must be a number of milliseconds, got ${String(value)}`);
  }
}
