// What the broker remembers about half messages, persisted in the store's metadata (LevelDB
// `transaction` records, loaded at open). Java keeps the same facts in the store itself: "op" messages
// in RMQ_SYS_TRANS_OP_HALF_TOPIC (which half offsets are done), the consume offsets of the system
// group CID_SYS_RMQ_TRANS (how far the check has settled), and a re-put copy of each checked half
// carrying TRANSACTION_CHECK_TIMES. Here:
//
//   progress          {offset}                   every half queue offset below it is settled
//   op:<queueOffset>  {outcome, commitLogOffset}  a settled half at or above progress
//   check:<queueOffset> {times, commitLogOffset}  an unsettled half that has been checked `times` times
//
// Records below progress are deleted when progress passes them, so the table holds only the halves of
// the window between the oldest unsettled half and the newest one: bounded, because every half is
// settled by its producer or discarded after transactionCheckMax checks. Each record names the half's
// commit-log offset so that a record left from a commit log that recovery cut shorter (and whose queue
// offset a new half then reused) is recognised as stale and ignored.
import type { MetadataStore } from '@pulsejet/core';
import type { BrokerLog } from '../broker-options';

export type TransactionOutcome = 'commit' | 'rollback' | 'discard';

interface OpRecord {
  outcome: TransactionOutcome;
  commitLogOffset: number;
}

interface CheckRecord {
  times: number;
  commitLogOffset: number;
}

const PROGRESS_KEY = 'progress';
const OP_PREFIX = 'op:';
const CHECK_PREFIX = 'check:';
const OUTCOMES: readonly string[] = ['commit', 'rollback', 'discard'];

/** How a half stands: settled with a known outcome, settled long ago (below progress), or open. */
export type HalfState = { kind: 'settled'; outcome: TransactionOutcome } | { kind: 'settled-earlier' } | { kind: 'open'; checkTimes: number };

export class TransactionStateTable {
  private progressOffset = 0;
  private readonly ops = new Map<number, OpRecord>();
  private readonly checks = new Map<number, CheckRecord>();
  /** Per half queue offset: the tail of the operations serialised on it. */
  private readonly locks = new Map<number, Promise<unknown>>();

  constructor(
    private readonly metadata: MetadataStore,
    private readonly log: BrokerLog,
  ) {
    for (const { key, value } of metadata.listTransactionStates()) this.load(key, value);
  }

  /** Every half queue offset below this is settled. */
  get progress(): number {
    return this.progressOffset;
  }

  /** The state of the half at `queueOffset` stored at `commitLogOffset`. */
  stateOf(queueOffset: number, commitLogOffset: number): HalfState {
    if (queueOffset < this.progressOffset) return { kind: 'settled-earlier' };
    const op = this.ops.get(queueOffset);
    if (op !== undefined && op.commitLogOffset === commitLogOffset) return { kind: 'settled', outcome: op.outcome };
    const check = this.checks.get(queueOffset);
    return { kind: 'open', checkTimes: check !== undefined && check.commitLogOffset === commitLogOffset ? check.times : 0 };
  }

  /** Records the outcome of a half (written through before it counts). */
  async settle(queueOffset: number, commitLogOffset: number, outcome: TransactionOutcome): Promise<void> {
    const record: OpRecord = { outcome, commitLogOffset };
    await this.metadata.putTransactionState(OP_PREFIX + queueOffset, { ...record });
    this.ops.set(queueOffset, record);
    if (this.checks.delete(queueOffset)) await this.metadata.deleteTransactionState(CHECK_PREFIX + queueOffset);
  }

  /** Forgets op/check records at `queueOffset` that belong to another half (see the file comment). */
  async dropStale(queueOffset: number, commitLogOffset: number): Promise<void> {
    const op = this.ops.get(queueOffset);
    if (op !== undefined && op.commitLogOffset !== commitLogOffset) {
      this.log('warn', `forgetting a stale transaction outcome for half offset ${queueOffset} (commit-log offset ${op.commitLogOffset}, now ${commitLogOffset})`);
      this.ops.delete(queueOffset);
      await this.metadata.deleteTransactionState(OP_PREFIX + queueOffset);
    }
    const check = this.checks.get(queueOffset);
    if (check !== undefined && check.commitLogOffset !== commitLogOffset) {
      this.checks.delete(queueOffset);
      await this.metadata.deleteTransactionState(CHECK_PREFIX + queueOffset);
    }
  }

  /** Records that an open half has now been checked `times` times. */
  async countCheck(queueOffset: number, commitLogOffset: number, times: number): Promise<void> {
    const record: CheckRecord = { times, commitLogOffset };
    await this.metadata.putTransactionState(CHECK_PREFIX + queueOffset, { ...record });
    this.checks.set(queueOffset, record);
  }

  /**
   * Moves progress over settled halves below `limit` (the offsets a check round has examined) and
   * over offsets below `minOffset` (removed by retention), persists it, then forgets the records it
   * passed. Progress is written first, so a crash in between only leaves records that init() drops.
   */
  async advance(minOffset: number, limit: number): Promise<void> {
    let next = Math.max(this.progressOffset, minOffset);
    while (next < limit && this.ops.has(next)) next += 1;
    if (next === this.progressOffset) return;
    await this.metadata.putTransactionState(PROGRESS_KEY, { offset: next });
    this.progressOffset = next;
    await this.forgetBelow(next);
  }

  /** Runs `task` once earlier tasks on the same half have finished: a half is resolved by one party at a time. */
  withLock<T>(queueOffset: number, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(queueOffset) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    this.locks.set(queueOffset, tail);
    void tail.then(() => {
      if (this.locks.get(queueOffset) === tail) this.locks.delete(queueOffset);
    });
    return run;
  }

  /** How many records the table holds (tests: it must not grow without bound). */
  size(): { ops: number; checks: number } {
    return { ops: this.ops.size, checks: this.checks.size };
  }

  private async forgetBelow(offset: number): Promise<void> {
    for (const [queueOffset] of [...this.ops]) {
      if (queueOffset >= offset) continue;
      this.ops.delete(queueOffset);
      await this.metadata.deleteTransactionState(OP_PREFIX + queueOffset);
    }
    for (const [queueOffset] of [...this.checks]) {
      if (queueOffset >= offset) continue;
      this.checks.delete(queueOffset);
      await this.metadata.deleteTransactionState(CHECK_PREFIX + queueOffset);
    }
  }

  private load(key: string, value: Record<string, unknown>): void {
    if (key === PROGRESS_KEY) {
      if (isOffset(value['offset'])) this.progressOffset = value['offset'];
      return;
    }
    const queueOffset = key.startsWith(OP_PREFIX) ? Number(key.slice(OP_PREFIX.length)) : key.startsWith(CHECK_PREFIX) ? Number(key.slice(CHECK_PREFIX.length)) : NaN;
    const commitLogOffset = value['commitLogOffset'];
    if (!isOffset(queueOffset) || !isOffset(commitLogOffset)) {
      this.log('warn', `ignoring an unreadable transaction record ${key}: ${JSON.stringify(value)}`);
      return;
    }
    if (key.startsWith(OP_PREFIX)) {
      const outcome = value['outcome'];
      if (typeof outcome === 'string' && OUTCOMES.includes(outcome)) this.ops.set(queueOffset, { outcome: outcome as TransactionOutcome, commitLogOffset });
    } else if (isOffset(value['times'])) {
      this.checks.set(queueOffset, { times: value['times'], commitLogOffset });
    }
  }

  /**
   * Drops records a crash left below progress (see advance), and pulls progress back to the end of
   * the half queue when recovery cut the commit log shorter than the progress written before the
   * crash: the queue offsets past the end will be given to new halves, which must not count as settled.
   * Called once after construction.
   */
  async init(halfQueueMaxOffset: number): Promise<void> {
    if (this.progressOffset > halfQueueMaxOffset) {
      this.log('warn', `transaction check progress ${this.progressOffset} is past the end of the half queue (${halfQueueMaxOffset}) after recovery; moving it back`);
      await this.metadata.putTransactionState(PROGRESS_KEY, { offset: halfQueueMaxOffset });
      this.progressOffset = halfQueueMaxOffset;
    }
    await this.forgetBelow(this.progressOffset);
  }
}

function isOffset(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
