// Index entries already hashed, in columns of numbers: what the key index writes, and what the
// store's hand-over keeps while entries wait for the index loop.
//
// Why numbers and not KeyIndexEntry objects: the index loop runs every 100 ms, so at tens of
// thousands of puts a second the entries waiting for it outlive a scavenge or two. As objects (each
// with its topic, its keys array and the UNIQ_KEY string, a slice that keeps the whole decoded
// properties string alive) they were copied and promoted: a broker taking 1 KiB sends with UNIQ_KEY
// from 256 in flight promoted 146-183 bytes per message and spent 425-456 ms in scavenges per 6 s;
// with columns, 3 bytes and 234-249 ms. Columns hold 24 bytes per key and nothing the GC traces.
import { KeyKind, type KeyHasher } from './key-hash';
import { isIndexedKey, type KeyIndexEntry } from './key-index-entry';

const INITIAL_CAPACITY = 1024;

export class HashedKeys {
  /** Slot hash and check hash of each key (see key-hash.ts). */
  hashA: Uint32Array;
  hashB: Uint32Array;
  /** Commit-log offset and store timestamp of the key's message. */
  offsets: Float64Array;
  timestamps: Float64Array;
  length = 0;
  private readonly scratch = new Uint32Array(2);

  constructor(capacity = INITIAL_CAPACITY) {
    this.hashA = new Uint32Array(capacity);
    this.hashB = new Uint32Array(capacity);
    this.offsets = new Float64Array(capacity);
    this.timestamps = new Float64Array(capacity);
  }

  /** Hashes and appends the indexed keys of `entries` (KEYS without empty and repeated ones, then UNIQ_KEY). */
  addEntries(entries: readonly KeyIndexEntry[], hasher: KeyHasher): void {
    for (const entry of entries) this.addMessage(hasher, entry.topic, entry.keys, entry.uniqKey, entry.physicalOffset, entry.storeTimestamp);
  }

  /** addEntries for one message, given its fields rather than an entry (the store's hand-over per append). */
  addMessage(hasher: KeyHasher, topic: string, keys: readonly string[], uniqKey: string | undefined, offset: number, timestamp: number): void {
    for (let i = 0; i < keys.length; i++) if (isIndexedKey(keys, i)) this.addKey(hasher, KeyKind.KEY, topic, keys[i]!, offset, timestamp);
    if (uniqKey) this.addKey(hasher, KeyKind.UNIQ_KEY, topic, uniqKey, offset, timestamp);
  }

  addKey(hasher: KeyHasher, kind: KeyKind, topic: string, key: string, offset: number, timestamp: number): void {
    const scratch = this.scratch;
    hasher(kind, topic, key, scratch);
    this.push(scratch[0]!, scratch[1]!, offset, timestamp);
  }

  push(hashA: number, hashB: number, offset: number, timestamp: number): void {
    if (this.length === this.offsets.length) this.resize(this.length * 2);
    const at = this.length;
    this.hashA[at] = hashA;
    this.hashB[at] = hashB;
    this.offsets[at] = offset;
    this.timestamps[at] = timestamp;
    this.length = at + 1;
  }

  /** A copy of keys [start, end): what a write takes, so later hand-overs and compaction cannot touch it. */
  slice(start: number, end: number): HashedKeys {
    const copy = new HashedKeys(Math.max(1, end - start));
    copy.hashA.set(this.hashA.subarray(start, end));
    copy.hashB.set(this.hashB.subarray(start, end));
    copy.offsets.set(this.offsets.subarray(start, end));
    copy.timestamps.set(this.timestamps.subarray(start, end));
    copy.length = end - start;
    return copy;
  }

  /** Drops keys [0, start), moving the rest to the front (the arrays keep their size). */
  dropBefore(start: number): void {
    const rest = this.length - start;
    this.hashA.copyWithin(0, start, this.length);
    this.hashB.copyWithin(0, start, this.length);
    this.offsets.copyWithin(0, start, this.length);
    this.timestamps.copyWithin(0, start, this.length);
    this.length = rest;
  }

  clear(): void {
    this.length = 0;
  }

  private resize(capacity: number): void {
    const grow = <T extends Uint32Array | Float64Array>(old: T, fresh: T): T => {
      fresh.set(old.subarray(0, this.length));
      return fresh;
    };
    this.hashA = grow(this.hashA, new Uint32Array(capacity));
    this.hashB = grow(this.hashB, new Uint32Array(capacity));
    this.offsets = grow(this.offsets, new Float64Array(capacity));
    this.timestamps = grow(this.timestamps, new Float64Array(capacity));
  }
}
