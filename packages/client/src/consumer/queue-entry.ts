// One owned queue: its buffer, where its pull loop is, and a signal that wakes the loop when the
// buffer has room again (flow control without polling).
import type { MessageQueue } from '../message/message-queue';
import type { ReceivedMessage } from '../message/received-message';
import { ProcessQueue } from './process-queue';

/** A one-shot wake-up that waiters await with a timeout; notify() wakes all current waiters. */
export class Signal {
  private waiters: (() => void)[] = [];

  wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      const waiters = this.waiters;
      function done(): void {
        clearTimeout(timer);
        const index = waiters.indexOf(done);
        if (index >= 0) waiters.splice(index, 1);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  notify(): void {
    // Called for every consumed message; nobody waits most of the time, so allocate nothing then.
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

export class QueueEntry {
  readonly pq = new ProcessQueue<ReceivedMessage>();
  readonly signal = new Signal();
  /** Broker id the last pull suggested (0: the master). */
  brokerId = 0;
  /**
   * Handlers of this queue's messages running now (the concurrent consume service counts them
   * here rather than in a Map, which reallocated its table as the count went 0 -> 1 -> 0 per message).
   */
  activeHandlers = 0;
  /** The running pull loop, awaited when the queue is removed. */
  loop: Promise<void> | undefined;

  constructor(
    readonly mq: MessageQueue,
    /** Next offset to pull. */
    public nextOffset: number,
  ) {}

  drop(): void {
    this.pq.dropped = true;
    this.signal.notify();
  }
}

/** Resolves after `ms`, or early when `signal` fires; never keeps the process alive. */
export function sleep(ms: number, wake?: Signal): Promise<void> {
  if (wake) return wake.wait(ms);
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
