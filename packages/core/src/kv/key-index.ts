import type { AbstractSublevel } from 'abstract-level';
import { HashedKeys } from './hashed-keys';
import { KeyKind, hashIndexKey, type KeyHasher } from './key-hash';
import * as layout from './key-index-layout';
import type { GenerationSummary, KeyIndexMeta } from './key-index-layout';
import { validateEntries, validateHashedKeys, type KeyIndexEntry } from './key-index-entry';
import { ActiveGeneration, slotPageRows } from './key-index-generation';
import type { KvDatabase } from './open-level';
import { assertNonEmptyString, assertNonNegativeInteger, assertPositiveInteger, assertTimestamp } from './validate';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and writeEntry and its neighbours run per indexed key.
const {
  ENTRY_BYTES,
  META_KEY,
  SLOTS_PER_PAGE,
  SUMMARY_RANGE,
  entryHashA,
  entryHashB,
  entryOffset,
  entryPrev,
  entryRowKey,
  entryRowRange,
  entryRowsBelow,
  entryTimestamp,
  firstEntryOf,
  parseJson,
  slotPageKey,
  slotPageRange,
  slotPagesBelow,
  summaryKey,
  writeEntry,
} = layout;

export type { KeyIndexEntry } from './key-index-entry';

export interface KeyIndexOptions {
  /**
   * Entries (one per key of a message) per generation; a full generation's slot table is written
   * out and a new one starts. With `slotsPerGeneration` it sets the average chain a lookup walks.
   * @default 1_048_576
   */
  entriesPerGeneration?: number;
  /** Hash slots per generation; the active generation's table is held in memory (4 bytes each). @default 262_144 */
  slotsPerGeneration?: number;
  /** Tests force collisions with a constant hash; the default is hashIndexKey. */
  hasher?: KeyHasher;
}

export const DEFAULT_ENTRIES_PER_GENERATION = 1 << 20;
export const DEFAULT_SLOTS_PER_GENERATION = 1 << 18;

/**
 * A unique key normally has one entry; a producer retry after a lost reply stores a second copy.
 * The cap keeps a pathological producer (one UNIQ_KEY on every message) from making a lookup unbounded.
 */
export const MAX_UNIQ_KEY_COPIES = 64;

/** Whether a candidate offset really is a match: callers read the message and compare its topic and key. */
export type VerifyCandidate = (physicalOffset: number) => boolean;

const ACCEPT_ALL: VerifyCandidate = () => true;

/** Sublevel of the given database that holds the whole index (layout in key-index-layout.ts). */
const SUBLEVEL = 'key-hash-index';
/** Where the one-row-per-key layout of earlier versions lived; dropped on open (the index is rebuilt from the log). */
const OLD_LAYOUT_SUBLEVEL = 'key-index';

type IndexDb = AbstractSublevel<KvDatabase, string | Buffer | Uint8Array, string, Buffer>;
type BatchOp = { type: 'put'; key: string; value: Buffer } | { type: 'del'; key: string };

/**
 * The message key index: RocketMQ's IndexService (hash slots heading chains of entries), stored in
 * LevelDB rows as key-index-layout.ts describes. Stores and queries only; a dispatcher feeds it from
 * the commit log in log order, so it can always be rebuilt. Every write is a single LevelDB batch,
 * so a crash leaves either all of it or none of it.
 *
 * Lookups return candidates whose 64-bit hash matches, newest first; callers pass `verify` to check
 * each against the stored message (a hash collision, or an entry of a message retention removed,
 * is then skipped and does not count towards `maxNum`).
 *
 * Create it with `KeyIndex.open` on an open database; if the database is closed and reopened, open
 * a new KeyIndex (abstract-level sublevels stay closed when their parent reopens).
 */
export class KeyIndex {
  private meta: KeyIndexMeta;
  private sealed: GenerationSummary[] = [];
  private active: ActiveGeneration;
  /** Writes (append, retention, truncation) run one at a time; lookups wait for the one in progress. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Why open() found the index unusable and started it afresh (the store logs it), if it did. */
  rebuiltBecause: string | undefined;

  private constructor(
    private readonly db: IndexDb,
    private readonly entriesPerGeneration: number,
    private readonly slotsPerGeneration: number,
    private readonly hasher: KeyHasher,
  ) {
    this.meta = { indexedUpTo: 0, floor: 0, activeGeneration: 0, activeSlots: slotsPerGeneration };
    this.active = new ActiveGeneration(0, slotsPerGeneration);
  }

  static async open(db: KvDatabase, options: KeyIndexOptions = {}): Promise<KeyIndex> {
    const entries = options.entriesPerGeneration ?? DEFAULT_ENTRIES_PER_GENERATION;
    const slots = options.slotsPerGeneration ?? DEFAULT_SLOTS_PER_GENERATION;
    assertPositiveInteger('KeyIndex.open', 'options.entriesPerGeneration', entries);
    assertPositiveInteger('KeyIndex.open', 'options.slotsPerGeneration', slots);
    if (entries >= 2 ** 32 || slots >= 2 ** 32) throw new RangeError('KeyIndex.open: entriesPerGeneration and slotsPerGeneration must be below 2^32');
    const index = new KeyIndex(db.sublevel<string, Buffer>(SUBLEVEL, { valueEncoding: 'buffer' }) as IndexDb, entries, slots, options.hasher ?? hashIndexKey);
    const old = db.sublevel(OLD_LAYOUT_SUBLEVEL);
    if ((await old.keys({ limit: 1 }).all()).length > 0) {
      await old.clear();
      await index.db.clear();
      index.rebuiltBecause = 'the key index was in the layout of an earlier version';
    }
    try {
      await index.load();
    } catch (error) {
      // The index is derived data: rather than refuse to start, begin again and let dispatch rebuild it.
      await index.db.clear();
      await index.load();
      index.rebuiltBecause = (error as Error).message;
    }
    return index;
  }

  /**
   * Appends entries and the new progress mark atomically in ONE LevelDB batch, so after a crash
   * progress never runs ahead of the entries. Entries come in commit-log order; those below the
   * current mark are skipped (re-dispatch after a restart writes nothing twice). `indexedUpTo` is
   * exclusive: every entry's physicalOffset is below it.
   */
  async writeBatch(entries: readonly KeyIndexEntry[], indexedUpTo: number): Promise<void> {
    assertNonNegativeInteger('KeyIndex.writeBatch', 'indexedUpTo', indexedUpTo);
    validateEntries(entries, indexedUpTo);
    const keys = new HashedKeys(Math.max(1, entries.length));
    keys.addEntries(entries, this.hasher);
    await this.exclusive(() => this.append(keys, indexedUpTo));
  }

  /**
   * writeBatch for keys hashed ahead (hashEntries): the store's hand-over keeps its waiting entries
   * hashed. `keys` must not change until the returned promise settles.
   */
  async writeHashed(keys: HashedKeys, indexedUpTo: number): Promise<void> {
    assertNonNegativeInteger('KeyIndex.writeHashed', 'indexedUpTo', indexedUpTo);
    validateHashedKeys(keys, indexedUpTo);
    await this.exclusive(() => this.append(keys, indexedUpTo));
  }

  /** Hashes the indexed keys of `entries` into `into`, with this index's hasher (for writeHashed). */
  hashEntries(entries: readonly KeyIndexEntry[], into: HashedKeys): void {
    into.addEntries(entries, this.hasher);
  }

  /** hashEntries for one message's keys, given as fields (no entry object per message). */
  hashMessageKeys(topic: string, keys: readonly string[], uniqKey: string | undefined, physicalOffset: number, storeTimestamp: number, into: HashedKeys): void {
    into.addMessage(this.hasher, topic, keys, uniqKey, physicalOffset, storeTimestamp);
  }

  /** Commit-log offset up to which entries have been written (0 when empty). */
  async indexedOffset(): Promise<number> {
    await this.settled();
    return this.meta.indexedUpTo;
  }

  /**
   * Physical offsets of messages of `topic` with key `key` stored in [begin, end] ms, newest first
   * (commit-log order), at most maxNum that `verify` accepts.
   */
  async queryByKey(topic: string, key: string, maxNum: number, beginTimestamp: number, endTimestamp: number, verify: VerifyCandidate = ACCEPT_ALL): Promise<number[]> {
    assertNonEmptyString('KeyIndex.queryByKey', 'topic', topic);
    assertNonEmptyString('KeyIndex.queryByKey', 'key', key);
    assertNonNegativeInteger('KeyIndex.queryByKey', 'maxNum', maxNum);
    assertTimestamp('KeyIndex.queryByKey', 'beginTimestamp', beginTimestamp);
    assertTimestamp('KeyIndex.queryByKey', 'endTimestamp', endTimestamp);
    if (maxNum === 0 || beginTimestamp > endTimestamp) return [];
    await this.settled();
    return this.lookup(KeyKind.KEY, topic, key, maxNum, beginTimestamp, endTimestamp, verify);
  }

  /** Physical offsets (normally one; a producer retry may store two copies) for a unique key, oldest first. */
  async queryByUniqKey(topic: string, uniqKey: string, verify: VerifyCandidate = ACCEPT_ALL): Promise<number[]> {
    assertNonEmptyString('KeyIndex.queryByUniqKey', 'topic', topic);
    assertNonEmptyString('KeyIndex.queryByUniqKey', 'uniqKey', uniqKey);
    await this.settled();
    const newestFirst = await this.lookup(KeyKind.UNIQ_KEY, topic, uniqKey, MAX_UNIQ_KEY_COPIES, -Infinity, Infinity, verify);
    return newestFirst.reverse();
  }

  /**
   * Retention: entries below minPhysicalOffset are never returned again, and every generation lying
   * wholly below it is deleted. Returns how many entries (one per key) were deleted.
   */
  async deleteBelow(minPhysicalOffset: number): Promise<number> {
    assertNonNegativeInteger('KeyIndex.deleteBelow', 'minPhysicalOffset', minPhysicalOffset);
    return this.exclusive(async () => {
      const meta = { ...this.meta, floor: Math.max(this.meta.floor, minPhysicalOffset) };
      const doomed = this.sealed.filter((summary) => summary.maxOffset < minPhysicalOffset);
      let removed = doomed.reduce((sum, summary) => sum + summary.count, 0);
      const ops: BatchOp[] = doomed.map((summary) => ({ type: 'del', key: summaryKey(summary.generation) }));
      const active = this.active;
      const activeDoomed = active.count > 0 && active.maxOffset < minPhysicalOffset;
      if (activeDoomed) {
        // Everything indexed is below the floor: start the next generation, so the old one can go.
        removed += active.count;
        meta.activeGeneration = active.generation + 1;
        meta.activeSlots = this.slotsPerGeneration;
      }
      if (ops.length === 0 && !activeDoomed && meta.floor === this.meta.floor) return 0;
      ops.push(this.metaOp(meta));
      await this.db.batch(ops);
      this.meta = meta;
      this.sealed = this.sealed.filter((summary) => summary.maxOffset >= minPhysicalOffset);
      if (activeDoomed) this.active = new ActiveGeneration(meta.activeGeneration, meta.activeSlots);
      // The summaries went first (in the batch above): rows below the oldest generation left are
      // unreachable now, and dropping them is safe to interrupt (open() drops them too).
      await this.dropRowsBelowOldest();
      return removed;
    });
  }

  /**
   * Recovery after the log was truncated: deletes entries at or after endOffset; progress becomes
   * min(current, endOffset). The mark is lowered in the last batch: if we crash part-way it still
   * lies beyond the log's end, and the store's recovery runs the truncation again.
   */
  async truncateFrom(endOffset: number): Promise<void> {
    assertNonNegativeInteger('KeyIndex.truncateFrom', 'endOffset', endOffset);
    await this.exclusive(async () => {
      for (;;) {
        const last = this.sealed.at(-1);
        if (this.active.count === 0 && last !== undefined && last.maxOffset >= endOffset) {
          // The newest sealed generation reaches past the end: it becomes the active one again.
          const meta = { ...this.meta, activeGeneration: last.generation, activeSlots: last.slots };
          await this.db.batch([{ type: 'del', key: summaryKey(last.generation) }, this.metaOp(meta)]);
          await this.db.clear(slotPageRange(last.generation));
          await this.load();
          continue;
        }
        if (this.active.count === 0 || this.active.maxOffset < endOffset) break;
        await this.cutActiveAt(endOffset);
        await this.load();
      }
      const meta = { ...this.meta, indexedUpTo: Math.min(this.meta.indexedUpTo, endOffset) };
      await this.db.batch([this.metaOp(meta)]);
      this.meta = meta;
    });
  }

  private async append(keys: HashedKeys, indexedUpTo: number): Promise<void> {
    const from = this.meta.indexedUpTo;
    const { hashA, hashB, offsets, timestamps, length } = keys;
    // Keys below the mark were written before (re-dispatch after a restart); they are in log order.
    let next = 0;
    while (next < length && offsets[next]! < from) next += 1;
    const ops: BatchOp[] = [];
    while (next < length) {
      if (this.active.count >= this.entriesPerGeneration) this.seal(ops);
      // One row per run of entries within a generation.
      const rowEntries = Math.min(length - next, this.entriesPerGeneration - this.active.count);
      const row = Buffer.allocUnsafe(rowEntries * ENTRY_BYTES);
      const rowView = new DataView(row.buffer, row.byteOffset, row.byteLength);
      const rowFirst = this.active.count;
      for (let i = 0; i < rowEntries; i++, next++) {
        const offset = offsets[next]!;
        const timestamp = timestamps[next]!;
        const prev = this.active.link(hashA[next]!, offset, timestamp);
        writeEntry(rowView, i * ENTRY_BYTES, hashA[next]!, hashB[next]!, offset, timestamp, prev);
      }
      ops.push({ type: 'put', key: entryRowKey(this.active.generation, rowFirst), value: row });
    }
    const meta = { ...this.meta, indexedUpTo: Math.max(from, indexedUpTo), activeGeneration: this.active.generation, activeSlots: this.active.slots.length };
    ops.push(this.metaOp(meta));
    try {
      await this.db.batch(ops);
    } catch (error) {
      // The in-memory slots already link the lost entries: reread the state the database kept.
      await this.load();
      throw error;
    }
    this.meta = meta;
  }

  /** Writes the full active generation's slot table and summary into `ops`, and starts the next one. */
  private seal(ops: BatchOp[]): void {
    const full = this.active;
    for (const row of slotPageRows(full)) ops.push({ type: 'put', ...row });
    const summary = full.summary();
    ops.push({ type: 'put', key: summaryKey(full.generation), value: Buffer.from(JSON.stringify(summary)) });
    this.sealed.push(summary);
    this.active = new ActiveGeneration(full.generation + 1, this.slotsPerGeneration);
  }

  /** Candidates newest first: the active generation, then the sealed ones from the newest. */
  private async lookup(kind: KeyKind, topic: string, key: string, maxNum: number, begin: number, end: number, verify: VerifyCandidate): Promise<number[]> {
    const hashes = new Uint32Array(2);
    this.hasher(kind, topic, key, hashes);
    const [hashA, hashB] = hashes as unknown as [number, number];
    const floor = this.meta.floor;
    const found: number[] = [];
    let lastChecked = -1;
    const active = this.active;
    const generations: GenerationSummary[] = [active.summary(), ...[...this.sealed].reverse()];
    for (const generation of generations) {
      if (found.length >= maxNum) break;
      if (generation.count === 0 || generation.maxOffset < floor || generation.maxTimestamp < begin || generation.minTimestamp > end) continue;
      const slot = hashA % generation.slots;
      let next = generation.generation === active.generation ? active.slots[slot]! : await this.sealedHead(generation.generation, slot);
      let row: { first: number; value: Buffer } | undefined;
      while (next !== 0 && found.length < maxNum) {
        const entry = next - 1;
        if (row === undefined || entry < row.first || entry >= row.first + row.value.length / ENTRY_BYTES) row = await this.rowContaining(generation.generation, entry);
        if (row === undefined) break;
        const at = (entry - row.first) * ENTRY_BYTES;
        const offset = entryOffset(row.value, at);
        const timestamp = entryTimestamp(row.value, at);
        // Offsets only fall along a walk, so a message matched twice (its key and unique key collide)
        // shows up as the same offset twice in a row: it is checked and returned once.
        if (offset !== lastChecked && entryHashA(row.value, at) === hashA && entryHashB(row.value, at) === hashB && timestamp >= begin && timestamp <= end && offset >= floor) {
          lastChecked = offset;
          if (verify(offset)) found.push(offset);
        }
        const prev = entryPrev(row.value, at);
        // Chains only point back; anything else is damage, and ends the walk rather than loop.
        if (prev >= next) break;
        next = prev;
      }
    }
    return found;
  }

  private async sealedHead(generation: number, slot: number): Promise<number> {
    const page = await this.db.get(slotPageKey(generation, Math.floor(slot / SLOTS_PER_PAGE)));
    const at = (slot % SLOTS_PER_PAGE) * 4;
    return page === undefined || page.length < at + 4 ? 0 : page.readUInt32LE(at);
  }

  /** The `e!` row holding entry number `entry` of a generation: the last row starting at or before it. */
  private async rowContaining(generation: number, entry: number): Promise<{ first: number; value: Buffer } | undefined> {
    const rows = await this.db.iterator({ gte: entryRowKey(generation, 0), lte: entryRowKey(generation, entry), reverse: true, limit: 1 }).all();
    const found = rows[0];
    if (found === undefined) return undefined;
    const [key, value] = found;
    return { first: firstEntryOf(key), value };
  }

  /** Deletes the active generation's entries at and after `endOffset` (rows after the cut, and the cut row's tail). */
  private async cutActiveAt(endOffset: number): Promise<void> {
    const ops: BatchOp[] = [];
    for await (const [key, value] of this.db.iterator(entryRowRange(this.active.generation))) {
      const entries = value.length / ENTRY_BYTES;
      let keep = 0;
      while (keep < entries && entryOffset(value, keep * ENTRY_BYTES) < endOffset) keep += 1;
      if (keep === entries) continue;
      ops.push(keep === 0 ? { type: 'del', key } : { type: 'put', key, value: Buffer.from(value.subarray(0, keep * ENTRY_BYTES)) });
    }
    await this.db.batch(ops);
  }

  /** Reads the meta row, the sealed generations' summaries, and rebuilds the active generation's slots. */
  private async load(): Promise<void> {
    const raw = await this.db.get(META_KEY);
    const meta = raw === undefined ? { indexedUpTo: 0, floor: 0, activeGeneration: 0, activeSlots: this.slotsPerGeneration } : parseJson<KeyIndexMeta>('meta', raw);
    const sealed = (await this.db.values(SUMMARY_RANGE).all()).map((value) => parseJson<GenerationSummary>('generation summary', value));
    const counts = [meta.indexedUpTo, meta.floor, meta.activeGeneration, ...sealed.flatMap((summary) => [summary.generation, summary.count])];
    const slotCounts = [meta.activeSlots, ...sealed.map((summary) => summary.slots)];
    if (!counts.every((n) => Number.isSafeInteger(n) && n >= 0) || !slotCounts.every((n) => Number.isSafeInteger(n) && n > 0)) {
      throw new Error('key index meta or generation summary holds an impossible number; the index was damaged and is rebuilt from the commit log');
    }
    const active = new ActiveGeneration(meta.activeGeneration, meta.activeSlots);
    for await (const [key, value] of this.db.iterator(entryRowRange(meta.activeGeneration))) {
      if (firstEntryOf(key) !== active.count || value.length % ENTRY_BYTES !== 0) {
        throw new Error(`key index row ${key} does not follow entry ${active.count} of its generation; the index was damaged and is rebuilt from the commit log`);
      }
      for (let at = 0; at < value.length; at += ENTRY_BYTES) active.link(entryHashA(value, at), entryOffset(value, at), entryTimestamp(value, at));
    }
    this.meta = meta;
    this.sealed = sealed;
    this.active = active;
    await this.dropRowsBelowOldest();
  }

  /** Rows of generations older than every one still listed (left behind if retention was interrupted). */
  private async dropRowsBelowOldest(): Promise<void> {
    const oldest = this.sealed[0]?.generation ?? this.active.generation;
    await this.db.clear(entryRowsBelow(oldest));
    await this.db.clear(slotPagesBelow(oldest));
  }

  private metaOp(meta: KeyIndexMeta): BatchOp {
    return { type: 'put', key: META_KEY, value: Buffer.from(JSON.stringify(meta)) };
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async settled(): Promise<void> {
    await this.tail;
  }
}
