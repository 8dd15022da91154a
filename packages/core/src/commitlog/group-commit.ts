/** What group commit needs of the commit log. */
export interface Flushable {
  /** Offset below which everything is durable. */
  flushed(): number;
  /** fsyncs what was written; resolves with the new flushed offset. */
  flush(): Promise<number>;
}

interface Waiter {
  offset: number;
  deadline: number;
  resolve: (flushed: boolean) => void;
}

/**
 * SYNC_FLUSH group commit (RocketMQ's GroupCommitService): a put waits until an fsync covers its end
 * offset. One fsync runs at a time on the thread pool while appends continue; every waiter it covers
 * is released at once, so concurrent puts share fsyncs. A waiter not covered within `timeoutMs` is
 * released with `false` (the store answers FLUSH_DISK_TIMEOUT; the data stays in the log).
 */
export class GroupCommit {
  /** FIFO in append order, so offsets and deadlines are both non-decreasing. */
  private waiters: Waiter[] = [];
  private head = 0;
  private flushing = false;
  private timer: NodeJS.Timeout | undefined;
  private flushCount = 0;

  constructor(
    private readonly commitLog: Flushable,
    private readonly timeoutMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Resolves true once `offset` is durable, false on timeout. */
  waitFor(offset: number): Promise<boolean> {
    if (offset <= this.commitLog.flushed()) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.waiters.push({ offset, deadline: Date.now() + this.timeoutMs, resolve });
      this.armTimer();
      this.kick();
    });
  }

  /** How many fsyncs group commit has issued (the benchmark reports fsyncs per second). */
  fsyncs(): number {
    return this.flushCount;
  }

  /** Releases every waiter with false (store closing after a failed flush). */
  abandon(): void {
    for (let i = this.head; i < this.waiters.length; i += 1) this.waiters[i]!.resolve(false);
    this.waiters = [];
    this.head = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  pending(): number {
    return this.waiters.length - this.head;
  }

  private kick(): void {
    if (this.flushing || this.pending() === 0) return;
    this.flushing = true;
    this.flushCount += 1;
    this.commitLog.flush().then(
      (flushed) => {
        this.flushing = false;
        this.release(flushed);
        this.kick();
      },
      (error: unknown) => {
        this.flushing = false;
        this.onError(error);
        // Waiters stay; the timeout answers them if the device keeps failing.
        setTimeout(() => this.kick(), 10).unref();
      },
    );
  }

  private release(flushed: number): void {
    while (this.head < this.waiters.length && this.waiters[this.head]!.offset <= flushed) {
      this.waiters[this.head]!.resolve(true);
      this.head += 1;
    }
    this.compact();
  }

  private armTimer(): void {
    if (this.timer || this.pending() === 0) return;
    const delay = Math.max(0, this.waiters[this.head]!.deadline - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      while (this.head < this.waiters.length && this.waiters[this.head]!.deadline <= now) {
        this.waiters[this.head]!.resolve(false);
        this.head += 1;
      }
      this.compact();
      this.armTimer();
    }, delay);
    this.timer.unref();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
    if (this.pending() === 0) {
      this.waiters = [];
      this.head = 0;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
