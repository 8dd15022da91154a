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

export class ProcessQueue<M extends BufferedMessage = BufferedMessage> {
  /** Insertion order is offset order: pulls of one queue are sequential with growing offsets. */
  private readonly messages = new Map<number, M>();
  private bytes = 0;
  /** Largest offset ever put (-1: none); the committable offset when the buffer is empty is this + 1. */
  private maxOffset = -1;
  /** Set when the queue is no longer owned (rebalance, close): its loops stop, its offsets are not committed. */
  dropped = false;
  /** Orderly consumption: whether this client holds the broker lock, and when it was last renewed. */
  locked = false;
  lastLockTimestamp = 0;
  lastPullTimestamp = Date.now();
  lastConsumeTimestamp = Date.now();

  get count(): number {
    return this.messages.size;
  }

  get size(): number {
    return this.bytes;
  }

  /** Adds pulled messages (duplicates and offsets already seen are ignored). Returns the ones added. */
  put(messages: readonly M[]): M[] {
    const added: M[] = [];
    for (const message of messages) {
      if (message.queueOffset <= this.maxOffset || this.messages.has(message.queueOffset)) continue;
      this.messages.set(message.queueOffset, message);
      this.bytes += message.body.length;
      this.maxOffset = message.queueOffset;
      added.push(message);
    }
    return added;
  }

  /**
   * Removes consumed messages; returns the offset that is now safe to commit (the next offset to
   * consume after a restart).
   */
  remove(messages: readonly M[]): number {
    for (const message of messages) {
      if (this.messages.delete(message.queueOffset)) this.bytes -= message.body.length;
    }
    this.lastConsumeTimestamp = Date.now();
    return this.committableOffset();
  }

  /** remove() of one message, without an array per consumed message. */
  removeOne(message: M): number {
    if (this.messages.delete(message.queueOffset)) this.bytes -= message.body.length;
    this.lastConsumeTimestamp = Date.now();
    return this.committableOffset();
  }

  /** Smallest offset still buffered, else one past the largest seen; -1 if nothing was ever put. */
  committableOffset(): number {
    for (const offset of this.messages.keys()) return offset;
    return this.maxOffset < 0 ? -1 : this.maxOffset + 1;
  }

  /** The earliest buffered message (orderly consumption handles it next). */
  first(): M | undefined {
    for (const message of this.messages.values()) return message;
    return undefined;
  }

  /** Whether pulling should pause: at or over either bound. */
  isFull(maxCount: number, maxBytes: number): boolean {
    return this.messages.size >= maxCount || this.bytes >= maxBytes;
  }

  /** Offset span of what is buffered (Java checks it for orderly-less flow control). */
  span(): number {
    if (this.messages.size === 0) return 0;
    return this.maxOffset - this.committableOffset();
  }

  /** Forgets everything (the queue is dropped); returns what was buffered. */
  clear(): M[] {
    const all = [...this.messages.values()];
    this.messages.clear();
    this.bytes = 0;
    return all;
  }
}
