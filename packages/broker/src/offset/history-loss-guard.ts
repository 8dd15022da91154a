// Consumer positions on a master that lost part of its log (docs/cluster-modes.md, "A master that
// lost its log"). A master restarted with its store deleted, or after a crash that lost its unflushed
// tail, writes new messages at queue offsets that consumers already read in the lost history. A
// consumer holding such an offset (in memory, or committed while the master was away) would resume
// inside the new history and skip everything below it. The master cannot tell those offsets from
// its own by looking at a request, but it learns that history was lost when its slave turns out to
// be ahead of it; from then on, an offset past where a queue ended when this process started is
// trusted only once this master has set it itself.
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
   * Owners and queues whose position this master set, or found inside the shared part, since the loss.
   * Kept for the run (a loss is rare): one entry per group and queue, per channel for broadcasting.
   */
  private readonly confirmed = new Set<string>();

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
        `${moved} committed offsets moved back, and consumers pulling past those ends are moved back once, to read what was written since (they may see duplicates)`,
    );
  }

  /**
   * Where a pull at `offset` must restart instead (the queue's start end), or undefined to serve it.
   * A position is checked once per owner and queue: what this master answers is trusted after.
   */
  pullTarget(owner: PositionOwner, topic: string, queueId: number, offset: number): number | undefined {
    if (this.lostBecause === undefined) return undefined;
    const key = ownerKey(owner, topic, queueId);
    if (this.confirmed.has(key)) return undefined;
    this.confirmed.add(key);
    const end = this.startEnd(topic, queueId);
    return offset > end ? end : undefined;
  }

  /** Whether a commit of `offset` may be saved: not one past the start end from an owner not yet moved. */
  mayCommit(owner: PositionOwner, topic: string, queueId: number, offset: number): boolean {
    if (this.lostBecause === undefined) return true;
    return offset <= this.startEnd(topic, queueId) || this.confirmed.has(ownerKey(owner, topic, queueId));
  }

  /** An owner was given a position by this master (QUERY_CONSUMER_OFFSET answers a saved, checked offset). */
  confirm(owner: PositionOwner, topic: string, queueId: number): void {
    if (this.lostBecause !== undefined) this.confirmed.add(ownerKey(owner, topic, queueId));
  }

  /** The remark for a refused commit. */
  refusedCommitRemark(group: string, topic: string, queueId: number, offset: number): string {
    return (
      `offset ${offset} of ${group} for ${topic}@${queueId} was not saved: this master lost part of its log (${this.lostBecause ?? '?'}), ` +
      `and the queue ended at ${this.startEnd(topic, queueId)} when it started, so that offset may number a lost message. ` +
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
