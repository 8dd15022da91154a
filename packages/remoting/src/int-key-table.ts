// A hash table of values keyed by int32, for keys that churn: each entry is inserted and deleted
// again moments later, hundreds of thousands of times a second (a channel's requests awaiting their
// responses, by opaque).
//
// Why not a Map: V8's Map (an OrderedHashMap) appends entries and allocates a new table whenever its
// entry array is full, which under insert/delete churn is every few dozen inserts, and the replaced
// table keeps its entries and a pointer to its successor (for iterators still walking it). As soon as
// one table has reached the old generation (the channel sat idle through two scavenges, as every
// connection does at start-up), each successor table, the waiters in it, their promises and the
// responses that resolved them are referenced from an old object: every scavenge keeps them, they are
// promoted, and only a mark-compact frees them. bench:remoting's client (64 requests of 1 KiB in
// flight) promoted 1.4-1.9 MB per scavenge of ~12 MB and ran ~10 mark-compacts a second; a toy loop
// of promises keyed in a Map went from ~2 KB promoted per scavenge to 3 MB and a quarter of its
// throughput once the Map's table had been promoted before the load started.
//
// This table allocates only when it grows or shrinks, and a deleted entry's slot is cleared, so an old
// table references nothing but the entries live in it. Open addressing with linear probing in Robin
// Hood order (within a run, entries stay sorted by home slot), so a deletion shifts back only the
// displaced entries that follow it and stops at the first entry sitting in its home slot. Keys are
// their own hash: opaques are consecutive, so consecutive keys take consecutive home slots and a run
// of requests in flight costs no probing at all.
const EMPTY = 0;
const FULL = 1;
const MIN_CAPACITY = 8;
/**
 * Tables of up to this many slots never shrink. A channel's requests in flight swing from a few dozen
 * to none and back with every burst of responses; shrinking on the way down would reallocate twice
 * per burst. 1,024 slots hold 13 KiB.
 */
const SHRINK_FLOOR = 1024;

export class IntKeyTable<V> {
  private keys: Int32Array;
  private state: Uint8Array;
  private slots: (V | undefined)[];
  private mask: number;
  private count = 0;
  private readonly minCapacity: number;
  /** Powers of two both, so halving a larger table never goes below either. */
  private readonly shrinkFloor: number;

  /** @param initialCapacity slots to start with (rounded up to a power of two, at least 8). */
  constructor(initialCapacity = 64) {
    this.minCapacity = powerOfTwoAtLeast(Math.max(MIN_CAPACITY, initialCapacity));
    this.shrinkFloor = Math.max(SHRINK_FLOOR, this.minCapacity);
    this.keys = new Int32Array(this.minCapacity);
    this.state = new Uint8Array(this.minCapacity);
    this.slots = new Array<V | undefined>(this.minCapacity).fill(undefined);
    this.mask = this.minCapacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Slots allocated (the table grows at half full, and shrinks below an eighth down to 1,024 slots). */
  get capacity(): number {
    return this.mask + 1;
  }

  get(key: number): V | undefined {
    const slot = this.find(key);
    return slot < 0 ? undefined : this.slots[slot];
  }

  has(key: number): boolean {
    return this.find(key) >= 0;
  }

  set(key: number, value: V): void {
    const existing = this.find(key);
    if (existing >= 0) {
      this.slots[existing] = value;
      return;
    }
    this.insertNew(key, value);
    this.count += 1;
    if (this.count * 2 > this.capacity) this.resize(this.capacity * 2);
  }

  delete(key: number): boolean {
    let hole = this.find(key);
    if (hole < 0) return false;
    // Backward shift: the entries after the hole that are away from home move back one slot, up to
    // the first empty slot or entry at home (Robin Hood order guarantees none beyond it needs to).
    let next = (hole + 1) & this.mask;
    while (this.state[next] === FULL && (this.keys[next]! & this.mask) !== next) {
      this.keys[hole] = this.keys[next]!;
      this.slots[hole] = this.slots[next];
      hole = next;
      next = (next + 1) & this.mask;
    }
    this.state[hole] = EMPTY;
    this.slots[hole] = undefined;
    this.count -= 1;
    if (this.capacity > this.shrinkFloor && this.count * 8 < this.capacity) this.resize(this.capacity / 2);
    return true;
  }

  /** Empties the table in place (its capacity stays). */
  clear(): void {
    this.state.fill(EMPTY);
    this.slots.fill(undefined);
    this.count = 0;
  }

  /** The values, in slot order: a copy, so the caller may change the table while it goes through them. */
  values(): V[] {
    const out: V[] = [];
    for (let slot = 0; slot <= this.mask; slot += 1) {
      if (this.state[slot] === FULL) out.push(this.slots[slot] as V);
    }
    return out;
  }

  /** Calls `visit` for every entry, in slot order. The table must not change during the walk. */
  forEach(visit: (value: V, key: number) => void): void {
    for (let slot = 0; slot <= this.mask; slot += 1) {
      if (this.state[slot] === FULL) visit(this.slots[slot] as V, this.keys[slot]!);
    }
  }

  /** The slot holding `key`, or -1. Stops early where the key would have displaced an entry. */
  private find(key: number): number {
    let slot = key & this.mask;
    for (let distance = 0; this.state[slot] === FULL; distance += 1) {
      if (this.keys[slot] === key) return slot;
      if (((slot - (this.keys[slot]! & this.mask)) & this.mask) < distance) return -1;
      slot = (slot + 1) & this.mask;
    }
    return -1;
  }

  /** Inserts a key known to be absent; a richer entry (closer to home) yields its slot to a poorer one. */
  private insertNew(key: number, value: V): void {
    let slot = key & this.mask;
    let distance = 0;
    let carriedKey = key;
    let carriedValue = value;
    while (this.state[slot] === FULL) {
      const residentDistance = (slot - (this.keys[slot]! & this.mask)) & this.mask;
      if (residentDistance < distance) {
        const residentKey = this.keys[slot]!;
        const residentValue = this.slots[slot] as V;
        this.keys[slot] = carriedKey;
        this.slots[slot] = carriedValue;
        carriedKey = residentKey;
        carriedValue = residentValue;
        distance = residentDistance;
      }
      slot = (slot + 1) & this.mask;
      distance += 1;
    }
    this.keys[slot] = carriedKey;
    this.state[slot] = FULL;
    this.slots[slot] = carriedValue;
  }

  private resize(capacity: number): void {
    const { keys, state, slots: values } = this;
    this.keys = new Int32Array(capacity);
    this.state = new Uint8Array(capacity);
    this.slots = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.count = 0;
    for (let slot = 0; slot < state.length; slot += 1) {
      if (state[slot] === FULL) {
        this.insertNew(keys[slot]!, values[slot] as V);
        this.count += 1;
      }
    }
    // The old array may be in the old generation by now: emptied, it keeps nothing alive.
    values.fill(undefined);
  }
}

function powerOfTwoAtLeast(n: number): number {
  let power = 1;
  while (power < n) power *= 2;
  return power;
}
