import type { AppendResult } from '../commitlog/append-types';
import type { CommitLog } from '../commitlog/commit-log';
import type { PreparedPut, PutMessageResult } from './put-message';

interface PendingPut {
  prepared: PreparedPut;
  resolve: (result: PutMessageResult) => void;
}

/** Turns an append's outcome into the caller's answer (at once, or after a flush). */
export type CompletePut = (put: PreparedPut, appended: AppendResult | Error, resolve: (result: PutMessageResult) => void) => void;

/**
 * The single writer. Puts queue here; once per turn of the event loop everything queued (up to
 * maxBatchBytes) is appended with one write call, then handed to `afterAppend` (consume-queue
 * dispatch, arrival notification) before the callers hear back. Each put costs one promise: the
 * one submit returns, resolved by `complete` with the final result.
 */
export class AppendWriter {
  private pending: PendingPut[] = [];
  private scheduled = false;
  private drained: Array<() => void> = [];

  constructor(
    private readonly commitLog: CommitLog,
    private readonly maxBatchBytes: number,
    private readonly afterAppend: (puts: readonly PreparedPut[], results: readonly AppendResult[]) => void,
    private readonly complete: CompletePut,
  ) {}

  submit(prepared: PreparedPut): Promise<PutMessageResult> {
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
    const batch = count === this.pending.length ? this.pending : this.pending.slice(0, count);
    this.pending = count === this.pending.length ? [] : this.pending.slice(count);
    const puts = batch.map((put) => put.prepared);
    let results: AppendResult[] | Error;
    try {
      results = this.commitLog.append(puts.map((put) => put.request));
      this.afterAppend(puts, results);
    } catch (error) {
      results = error instanceof Error ? error : new Error(String(error));
    }
    for (let i = 0; i < batch.length; i += 1) {
      const put = batch[i]!;
      this.complete(put.prepared, results instanceof Error ? results : results[i]!, put.resolve);
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
