// Runs at most `maxConcurrency` tasks at once and queues at most `maxQueued` more; beyond that it
// refuses, so the caller can answer SYSTEM_BUSY at once instead of queueing without bound (the
// Java broker's bounded thread-pool queues and their RejectedExecutionException).

/** A task reports completion by returning a promise; a plain return means it finished synchronously. */
export type LimitedTask = () => PromiseLike<unknown> | void;

export class ConcurrencyLimiter {
  private running = 0;
  // FIFO as an array plus head index: O(1) shift without Array#shift's copying on long queues.
  private queue: (LimitedTask | undefined)[] = [];
  private head = 0;
  private draining = false;

  constructor(
    readonly maxConcurrency: number,
    readonly maxQueued: number,
  ) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Runs `task` now or queues it; false (and nothing happens) when both slots and queue are full. */
  tryRun(task: LimitedTask): boolean {
    if (this.running < this.maxConcurrency && this.queued === 0) {
      this.start(task);
      return true;
    }
    return this.tryQueue(task);
  }

  /**
   * tryRun for the hot path: `task(a, b, c)` runs at once when a slot is free, with no closure
   * allocated; only a request that has to wait pays for one.
   */
  tryRunWith<A, B, C>(task: (a: A, b: B, c: C) => PromiseLike<unknown> | void, a: A, b: B, c: C): boolean {
    if (this.running < this.maxConcurrency && this.queued === 0) {
      this.running += 1;
      this.settle(this.call(task, a, b, c));
      return true;
    }
    return this.tryQueue(() => task(a, b, c));
  }

  private tryQueue(task: LimitedTask): boolean {
    if (this.queued >= this.maxQueued) return false;
    this.queue.push(task);
    return true;
  }

  private call<A, B, C>(task: (a: A, b: B, c: C) => PromiseLike<unknown> | void, a: A, b: B, c: C): PromiseLike<unknown> | void {
    try {
      return task(a, b, c);
    } catch {
      // Tasks handle their own errors; a throw here still frees the slot.
      return undefined;
    }
  }

  private settle(result: PromiseLike<unknown> | void): void {
    if (result !== undefined && typeof result.then === 'function') result.then(this.release, this.release);
    else this.release();
  }

  private start(task: LimitedTask): void {
    this.running += 1;
    let result: PromiseLike<unknown> | void;
    try {
      result = task();
    } catch {
      result = undefined;
    }
    this.settle(result);
  }

  private readonly release = (): void => {
    this.running -= 1;
    // Synchronous tasks release from inside start(); the flag turns that recursion into this loop.
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.running < this.maxConcurrency && this.queued > 0) {
        const next = this.queue[this.head]!;
        this.queue[this.head] = undefined;
        this.head += 1;
        if (this.head === this.queue.length) {
          this.queue = [];
          this.head = 0;
        } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        this.start(next);
      }
    } finally {
      this.draining = false;
    }
  };
}
