// Consumer positions on a master that lost part of its log (docs/cluster-modes.md, "A master that
// lost its log"). A master restarted with its store deleted, or after a crash that lost its unflushed
// tail, writes new messages at queue offsets that consumers already read in the lost history. A
// consumer holding such an offset (in memory, or committed while the master was away) would resume
// inside the new history and skip everything below it. The master cannot tell those offsets from
// its own by looking at a request, but it learns that history was lost when its slave turns out to
// be ahead of it; from then on, an offset past where a queue ended when this process started is
// trusted only as far as this master has served that consumer since.
import type { MetadataStore } from '@pulsejet/core';
import type { RemotingLog } from '@pulsejet/remoting';

/** Where each queue ended at startup: the part of the log this master shares with its older history. */
export type QueueEnds = ReadonlyMap<string, number>;

/** The committed offsets the guard moves back when history is lost. */
export type OffsetRows = Pick<MetadataStore, 'listOffsets' | 'commitOffset'>;

/** The consumer whose position is checked: a clustering group, or one channel of a broadcasting group. */
export interface PositionOwner {
  group: string;
  /** Set for a broadcasting group: each of its consumers keeps its own offsets. */
  channelId?: string;
}

export class HistoryLossGuard {
  private lostBecause: string | undefined;
  /**
   * Per owner and queue, the furthest offset this master has served since the loss (a pull reply's
   * nextBeginOffset). Kept for the run (a loss is rare): one entry per group and queue, per channel
   * for broadcasting.
   */
  private readonly served = new Map<string, number>();

  constructor(
    private readonly startEnds: QueueEnds,
    private readonly metadata: OffsetRows,
    private readonly log: RemotingLog,
  ) {}

  /** A guard for a store whose queues end at `queueEnds` (MessageStore.queueEnds(), taken before serving). */
  static atStartup(queueEnds: ReadonlyArray<{ topic: string; queueId: number; maxOffset: number }>, metadata: OffsetRows, log: RemotingLog): HistoryLossGuard {
    const ends = new Map<string, number>();
    for (const end of queueEnds) ends.set(queueKey(end.topic, end.queueId), end.maxOffset);
    return new HistoryLossGuard(ends, metadata, log);
  }

  /** Whether history was lost; until then every position is served as it comes. */
  get lost(): boolean {
    return this.lostBecause !== undefined;
  }

  /** Where a queue ended when this process started (0 for a queue it did not have). */
  startEnd(topic: string, queueId: number): number {
    return this.startEnds.get(queueKey(topic, queueId)) ?? 0;
  }

  /**
   * The master learned that its log lost messages (`reason`). Committed offsets past a queue's start
   * end may number lost messages, so they are moved back to it: those consumers read again what was
   * written since the start (duplicates, never a gap). Idempotent.
   */
  historyLost(reason: string): void {
    if (this.lostBecause !== undefined) return;
    this.lostBecause = reason;
    let moved = 0;
    for (const row of this.metadata.listOffsets()) {
      const end = this.startEnd(row.topic, row.queueId);
      if (row.offset > end) {
        this.metadata.commitOffset(row.group, row.topic, row.queueId, end);
        moved++;
      }
    }
    this.log(
      'warn',
      `this master lost part of its log (${reason}): consumer offsets past where each queue ended at startup are no longer trusted; ` +
        `${moved} committed offsets moved back, and consumers pulling past those ends (beyond what they were served since) are moved back to read what was written since (they may see duplicates)`,
    );
  }

  /**
   * How far an owner's position may be after the loss: inside the part of the log shared with the
   * old history, or up to what this master has served the owner since.
   */
  private limit(owner: PositionOwner, topic: string, queueId: number): number {
    return Math.max(this.startEnd(topic, queueId), this.served.get(ownerKey(owner, topic, queueId)) ?? 0);
  }

  /** Where a pull at `offset` must restart instead (see limit()), or undefined to serve it. */
  pullTarget(owner: PositionOwner, topic: string, queueId: number, offset: number): number | undefined {
    if (this.lostBecause === undefined) return undefined;
    const limit = this.limit(owner, topic, queueId);
    return offset > limit ? limit : undefined;
  }

  /** A pull reply told the owner to read on from `nextBeginOffset`. */
  recordServed(owner: PositionOwner, topic: string, queueId: number, nextBeginOffset: number): void {
    if (this.lostBecause === undefined) return;
    const key = ownerKey(owner, topic, queueId);
    if (nextBeginOffset > (this.served.get(key) ?? 0)) this.served.set(key, nextBeginOffset);
  }

  /** Whether a commit of `offset` may be saved (see limit()): a consumer commits only what it was served. */
  mayCommit(owner: PositionOwner, topic: string, queueId: number, offset: number): boolean {
    return this.lostBecause === undefined || offset <= this.limit(owner, topic, queueId);
  }

  /** The remark for a refused commit. */
  refusedCommitRemark(group: string, topic: string, queueId: number, offset: number): string {
    return (
      `offset ${offset} of ${group} for ${topic}@${queueId} was not saved: this master lost part of its log (${this.lostBecause ?? '?'}), ` +
      `the queue ended at ${this.startEnd(topic, queueId)} when it started, and the group was not served that far since, so that offset may number a lost message. ` +
      `Pull the queue: the master moves the consumer to a valid offset`
    );
  }
}

function queueKey(topic: string, queueId: number): string {
  return `${topic}\u0001${queueId}`;
}

function ownerKey(owner: PositionOwner, topic: string, queueId: number): string {
  return `${owner.group}\u0001${owner.channelId ?? ''}\u0001${topic}\u0001${queueId}`;
}
