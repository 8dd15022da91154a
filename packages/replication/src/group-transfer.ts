/** What a SYNC_MASTER put waiting for its slave hears (RocketMQ's PutMessageStatus names). */
export type ReplicaWaitResult = 'OK' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

interface Waiter {
  offset: number;
  deadline: number;
  resolve: (result: ReplicaWaitResult) => void;
  settled: boolean;
}

/**
 * Group transfer (RocketMQ's HAService.GroupTransferService): SYNC_MASTER puts wait until a slave
 * has acknowledged their end offset. All waits share two structures instead of a timer each: an
 * array sorted by offset (puts arrive in append order, so inserting is nearly always a push), where
 * an ack releases a prefix; and a min-heap by deadline behind one timer, for the timeouts.
 */
export class GroupTransfer {
  private byOffset: Waiter[] = [];
  private head = 0;
  private readonly byDeadline: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private waiting = 0;

  /** Resolves 'OK' once ack(≥ offset) is called, 'FLUSH_SLAVE_TIMEOUT' after `timeoutMs`. */
  wait(offset: number, timeoutMs: number): Promise<ReplicaWaitResult> {
    return new Promise((resolve) => {
      const waiter: Waiter = { offset, deadline: Date.now() + timeoutMs, resolve, settled: false };
      this.insertByOffset(waiter);
      this.pushDeadline(waiter);
      this.waiting += 1;
      this.armTimer();
    });
  }

  /** A slave has everything below `offset`: releases every wait it covers. */
  ack(offset: number): void {
    while (this.head < this.byOffset.length && this.byOffset[this.head]!.offset <= offset) {
      this.settle(this.byOffset[this.head]!, 'OK');
      this.head += 1;
    }
    this.compact();
  }

  /** Answers every wait with `result` (the master is closing). */
  releaseAll(result: ReplicaWaitResult): void {
    for (let i = this.head; i < this.byOffset.length; i += 1) this.settle(this.byOffset[i]!, result);
    this.byOffset = [];
    this.head = 0;
    this.byDeadline.length = 0;
    this.clearTimer();
  }

  /** Waits not yet answered. */
  pending(): number {
    return this.waiting;
  }

  private settle(waiter: Waiter, result: ReplicaWaitResult): void {
    if (waiter.settled) return;
    waiter.settled = true;
    this.waiting -= 1;
    waiter.resolve(result);
  }

  private insertByOffset(waiter: Waiter): void {
    const list = this.byOffset;
    if (list.length === this.head || list[list.length - 1]!.offset <= waiter.offset) {
      list.push(waiter);
      return;
    }
    let lo = this.head;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.offset <= waiter.offset) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, waiter);
  }

  private pushDeadline(waiter: Waiter): void {
    const heap = this.byDeadline;
    heap.push(waiter);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (heap[parent]!.deadline <= heap[i]!.deadline) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private popDeadline(): Waiter | undefined {
    const heap = this.byDeadline;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left]!.deadline < heap[smallest]!.deadline) smallest = left;
        if (right < heap.length && heap[right]!.deadline < heap[smallest]!.deadline) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top;
  }

  private armTimer(): void {
    // Settled waits leave the heap lazily: drop them from the top so the timer aims at a live one.
    while (this.byDeadline.length > 0 && this.byDeadline[0]!.settled) this.popDeadline();
    const next = this.byDeadline[0];
    if (!next) {
      this.clearTimer();
      return;
    }
    if (this.timer && this.timerAt <= next.deadline) return;
    this.clearTimer();
    this.timerAt = next.deadline;
    this.timer = setTimeout(() => this.expire(), Math.max(0, next.deadline - Date.now()));
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    while (this.byDeadline.length > 0 && this.byDeadline[0]!.deadline <= now) this.settle(this.popDeadline()!, 'FLUSH_SLAVE_TIMEOUT');
    this.compact();
    this.armTimer();
  }

  private compact(): void {
    while (this.head < this.byOffset.length && this.byOffset[this.head]!.settled) this.head += 1;
    if (this.head === this.byOffset.length) {
      this.byOffset = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.byOffset.length) {
      this.byOffset = this.byOffset.slice(this.head);
      this.head = 0;
    }
    if (this.waiting === 0) {
      this.byDeadline.length = 0;
      this.clearTimer();
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
