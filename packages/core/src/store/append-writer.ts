import type { AppendResult } from '../commitlog/append-types';
import type { CommitLog } from '../commitlog/commit-log';
import type { PreparedPut } from './put-message';

interface PendingPut {
  prepared: PreparedPut;
  resolve: (result: AppendResult | Error) => void;
}

/**
 * The single writer. Puts queue here; once per turn of the event loop everything queued (up to
 * maxBatchBytes) is appended with one write call, then handed to `afterAppend` (consume-queue
 * dispatch, arrival notification) before the callers hear back.
 */
export class AppendWriter {
  private pending: PendingPut[] = [];
  private scheduled = false;
  private drained: Array<() => void> = [];

  constructor(
    private readonly commitLog: CommitLog,
    private readonly maxBatchBytes: number,
    private readonly afterAppend: (puts: readonly PreparedPut[], results: readonly AppendResult[]) => void,
  ) {}

  submit(prepared: PreparedPut): Promise<AppendResult | Error> {
    return new Promise((resolve) => {
      this.pending.push({ prepared, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.drain());
      }
    });
  }

  /** Resolves once nothing is queued (close waits for this before its final flush). */
  idle(): Promise<void> {
    if (!this.scheduled && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  queued(): number {
    return this.pending.length;
  }

  private drain(): void {
    let bytes = 0;
    let count = 0;
    while (count < this.pending.length && (count === 0 || bytes + this.pending[count]!.prepared.request.totalSize <= this.maxBatchBytes)) {
      bytes += this.pending[count]!.prepared.request.totalSize;
      count += 1;
    }
    const batch = this.pending.slice(0, count);
    this.pending = this.pending.slice(count);
    try {
      const puts = batch.map((put) => put.prepared);
      const results = this.commitLog.append(puts.map((put) => put.request));
      this.afterAppend(puts, results);
      batch.forEach((put, i) => put.resolve(results[i]!));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const put of batch) put.resolve(failure);
    }
    if (this.pending.length > 0) {
      setImmediate(() => this.drain());
      return;
    }
    this.scheduled = false;
    const waiting = this.drained;
    this.drained = [];
    for (const resolve of waiting) resolve();
  }
}
