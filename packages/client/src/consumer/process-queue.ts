// The local buffer of one owned queue (Java ProcessQueue): messages pulled but not yet consumed,
// ordered by queue offset. It bounds pulling (count and bytes: the pull loop pauses while it is
// full), and it yields the committable offset: the smallest offset still in flight, or one past
// the largest seen once everything is done. A message finished out of order never moves the
// committed offset past an earlier one still running, so a crash redelivers rather than loses.

/** What the buffer needs to know of a message. */
export interface BufferedMessage {
  readonly queueOffset: number;
  readonly body: Buffer;
}

/** Slots a queue's buffer starts with; it doubles as needed (a pull batch is 32 by default). */
const INITIAL_CAPACITY = 64;

export class ProcessQueue<M extends BufferedMessage = BufferedMessage> {
  // The buffer is a ring of slots in offset order (pulls of one queue are sequential with growing
  // offsets, so puts only ever append). A finished message leaves an empty slot; empty slots at the
  // head are dropped at once, so the head is always the smallest offset still in flight. A Map
  // keyed by offset did the same with a hash table that grew and shrank (reallocating) with every
  // pulled batch: ~240 bytes of garbage per consumed message in a drain.
  private slots: (M | undefined)[] = new Array<M | undefined>(INITIAL_CAPACITY);
  private offsets: number[] = new Array<number>(INITIAL_CAPACITY).fill(0);
  private head = 0;
  /** Slots from head on, finished ones inside the span included. */
  private used = 0;
  private live = 0;
  private bytes = 0;
  /** Largest offset ever put (-1: none); the committable offset when the buffer is empty is this + 1. */
  private maxOffset = -1;
  /** Set when the queue is no longer owned (rebalance, close): its loops stop, its offsets are not committed. */
  dropped = false;
  /** Orderly consumption: whether this client holds the broker lock, and when it was last renewed. */
  locked = false;
  lastLockTimestamp = 0;

  get count(): number {
    return this.live;
  }

  get size(): number {
    return this.bytes;
  }

  /**
   * Adds pulled messages (duplicates and offsets already seen are ignored). Returns the ones added:
   * `messages` itself when all were (the common case, one array less per pull), else a new array.
   */
  put(messages: readonly M[]): readonly M[] {
    let added: M[] | undefined;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      if (message.queueOffset <= this.maxOffset) {
        added ??= messages.slice(0, i);
        continue;
      }
      if (this.used === this.slots.length) this.grow();
      const at = (this.head + this.used) & (this.slots.length - 1);
      this.slots[at] = message;
      this.offsets[at] = message.queueOffset;
      this.used++;
      this.live++;
      this.bytes += message.body.length;
      this.maxOffset = message.queueOffset;
      added?.push(message);
    }
    return added ?? messages;
  }

  /**
   * Removes consumed messages; returns the offset that is now safe to commit (the next offset to
   * consume after a restart).
   */
  remove(messages: readonly M[]): number {
    for (const message of messages) this.take(message.queueOffset);
    return this.committableOffset();
  }

  /** remove() of one message, without an array per consumed message. */
  removeOne(message: M): number {
    this.take(message.queueOffset);
    return this.committableOffset();
  }

  /** Smallest offset still buffered, else one past the largest seen; -1 if nothing was ever put. */
  committableOffset(): number {
    if (this.used > 0) return this.offsets[this.head]!;
    return this.maxOffset < 0 ? -1 : this.maxOffset + 1;
  }

  /** The earliest buffered message (orderly consumption handles it next). */
  first(): M | undefined {
    return this.used > 0 ? this.slots[this.head] : undefined;
  }

  /** Whether pulling should pause: at or over either bound. */
  isFull(maxCount: number, maxBytes: number): boolean {
    return this.live >= maxCount || this.bytes >= maxBytes;
  }

  /** Offset span of what is buffered (Java checks it for orderly-less flow control). */
  span(): number {
    if (this.live === 0) return 0;
    return this.maxOffset - this.committableOffset();
  }

  /** Forgets everything (the queue is dropped); returns what was buffered. */
  clear(): M[] {
    const all: M[] = [];
    for (let i = 0; i < this.used; i++) {
      const message = this.slots[(this.head + i) & (this.slots.length - 1)];
      if (message !== undefined) all.push(message);
    }
    this.slots.fill(undefined);
    this.head = 0;
    this.used = 0;
    this.live = 0;
    this.bytes = 0;
    return all;
  }

  /** Empties the slot of `offset` if it holds a message, then drops finished slots at the head. */
  private take(offset: number): void {
    const at = this.indexOf(offset);
    if (at < 0) return;
    const message = this.slots[at]!;
    this.slots[at] = undefined;
    this.live--;
    this.bytes -= message.body.length;
    const mask = this.slots.length - 1;
    while (this.used > 0 && this.slots[this.head] === undefined) {
      this.head = (this.head + 1) & mask;
      this.used--;
    }
  }

  /** Ring index of the live slot holding `offset`, or -1. Usually the head (messages finish in order). */
  private indexOf(offset: number): number {
    const mask = this.slots.length - 1;
    let low = 0;
    let high = this.used - 1;
    while (low <= high) {
      // The first probe is the head: in-order consumption finds it at once.
      const middle = low === 0 ? 0 : (low + high) >>> 1;
      const at = (this.head + middle) & mask;
      const found = this.offsets[at]!;
      if (found === offset) return this.slots[at] === undefined ? -1 : at;
      if (found < offset) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Doubles the ring (capacities stay powers of two so indexes wrap with a mask), oldest first. */
  private grow(): void {
    const capacity = this.slots.length * 2;
    const slots = new Array<M | undefined>(capacity);
    const offsets = new Array<number>(capacity).fill(0);
    const mask = this.slots.length - 1;
    for (let i = 0; i < this.used; i++) {
      slots[i] = this.slots[(this.head + i) & mask];
      offsets[i] = this.offsets[(this.head + i) & mask]!;
    }
    this.slots = slots;
    this.offsets = offsets;
    this.head = 0;
  }
}
