// The lite pull consumer's side of the pull loops (a ConsumeService that runs no handler): pulled
// messages wait in arrival order until poll() takes them. They stay counted in their queue's
// buffer until polled, so the pull loops pause at the same per-queue bounds as a push consumer's.
import type { ReceivedMessage } from '../message/received-message';
import type { ConsumeService } from './consume-context';
import type { QueueEntry } from './queue-entry';

interface Ready {
  entry: QueueEntry;
  message: ReceivedMessage;
}

export class PollBuffer implements ConsumeService {
  private ready: Ready[] = [];
  private waiters: (() => void)[] = [];
  readonly inFlight = 0;

  submit(entry: QueueEntry, messages: readonly ReceivedMessage[]): void {
    for (const message of messages) this.ready.push({ entry, message });
    if (messages.length > 0) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Takes up to `max` messages of queues still owned, waiting up to timeoutMs for the first. */
  async take(max: number, timeoutMs: number): Promise<Ready[]> {
    this.ready = this.ready.filter((r) => !r.entry.pq.dropped);
    if (this.ready.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
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
      this.ready = this.ready.filter((r) => !r.entry.pq.dropped);
    }
    return this.ready.splice(0, max);
  }

  /** Wakes a waiting take() (close). */
  wakeAll(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  drain(): Promise<void> {
    return Promise.resolve();
  }

  stop(): void {
    this.ready = [];
    this.wakeAll();
  }
}
