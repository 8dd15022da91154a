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
 * Once this many puts are queued, they are written as soon as the code that queued them returns (a
 * microtask) instead of at the end of the event loop's poll phase. A socket read hands the broker up
 * to 64 KiB of requests, and one poll phase reads a connection until it is empty: with 256 sends of
 * 1 KiB in flight, half the writes took all 256 at once, so the producer waited for the whole window
 * to be written and answered while the broker then waited for the producer's next window (both ~80%
 * busy, a quarter of the two cores idle). Written per read instead, the first answers leave while
 * later requests are still being read. Measured in one broker child with the threshold switched every
 * second (ABBA, 12 quads of 1 s slices, 1 KiB single sends from 256 in flight), messages per second
 * against writing once per turn: 32 puts 1.02x, 1.08x, 1.09x and, with the limit below, 1.09x in four
 * runs (the first on a slowed host, where the broker's thread is busy throughout anyway); 64 puts 1.08x and 1.10x (32 against 64:
 * 1.01x; 128 against 64: 0.95x); 1 KiB SYNC_FLUSH 1.03x. Counted in puts, not bytes: a 64 KiB
 * threshold wrote every read's 4 batches of 64 messages apart and cut batch sends to 0.78x (the key
 * index's LevelDB loop fell behind into re-reading the log); 32 puts are 2,048 batched messages, more
 * than 16 batches in flight hold, so batch sends still write once per turn (1.01x).
 */
const WRITE_EARLY_AFTER_PUTS = 32;
/**
 * Early writes allowed per turn of the event loop; past them the turn's puts wait for its end as
 * before. An early write answers its puts in microtasks, and callers that put again at once (an
 * embedding app's loop of 32 or more concurrent puts) would otherwise put, write and answer in one
 * unbroken chain of microtasks: timers and sockets would never run again. A broker reading 256
 * requests of 1 KiB in one turn makes ~5 early writes.
 */
const MAX_EARLY_WRITES_PER_TURN = 16;

/**
 * The single writer. Puts queue here; everything queued (up to maxBatchBytes) is appended with one
 * write call once per turn of the event loop, or sooner once WRITE_EARLY_AFTER_PUTS are waiting, then
 * handed to `afterAppend` (consume-queue dispatch, arrival notification) before the callers hear
 * back. Each put costs one promise: the one submit returns, resolved by `complete` with the final
 * result.
 */
export class AppendWriter {
  private pending: PendingPut[] = [];
  /** A drain is due at the end of the event loop's poll phase (setImmediate). */
  private scheduled = false;
  /** A drain is due once the current code returns (queueMicrotask). */
  private writingEarly = false;
  /** Early drains since the last scheduled one (MAX_EARLY_WRITES_PER_TURN). */
  private earlyWrites = 0;
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
      if (this.pending.length >= WRITE_EARLY_AFTER_PUTS && !this.writingEarly && this.earlyWrites < MAX_EARLY_WRITES_PER_TURN) {
        this.writingEarly = true;
        queueMicrotask(this.drainEarly);
      }
      this.scheduleDrain();
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

  private scheduleDrain(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.drainScheduled);
  }

  private readonly drainEarly = (): void => {
    this.writingEarly = false;
    this.earlyWrites += 1;
    // The submit that queued this also scheduled the turn's drain, which takes what is left past
    // maxBatchBytes and tells idle()'s waiters.
    if (this.pending.length > 0) this.writeBatch();
  };

  private readonly drainScheduled = (): void => {
    this.scheduled = false;
    this.earlyWrites = 0;
    if (this.pending.length > 0) this.writeBatch();
    // What is left past maxBatchBytes (or put by afterAppend's listeners) waits for the next turn.
    if (this.pending.length > 0) this.scheduleDrain();
    else if (!this.scheduled) this.notifyIdle();
  };

  /** Writes what is queued, up to maxBatchBytes, and answers those puts. */
  private writeBatch(): void {
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
  }

  private notifyIdle(): void {
    const waiting = this.drained;
    this.drained = [];
    for (const resolve of waiting) resolve();
  }
}
