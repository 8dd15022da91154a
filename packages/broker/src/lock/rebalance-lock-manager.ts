// Queue locks of orderly consumers (Java RebalanceLockManager): per consumer group, which client
// holds each message queue. A lock lives rebalanceLockMaxLiveTime after its last lock/renew; after
// that another client of the group may take it over.

/** A message queue as clients name it (Java MessageQueue). */
export interface LockedQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

interface LockEntry {
  clientId: string;
  lastUpdate: number;
}

/** RocketMQ rocketmq.broker.rebalance.lockMaxLiveTime. */
export const DEFAULT_REBALANCE_LOCK_MAX_LIVE_TIME_MS = 60_000;

export interface RebalanceLockManagerOptions {
  /** How long a lock lives without renewal, ms. @default 60000 */
  maxLiveTimeMs?: number;
  /** Clock used when a call passes no time. @default Date.now */
  now?: () => number;
}

function keyOf(mq: LockedQueue): string {
  return JSON.stringify([mq.topic, mq.brokerName, mq.queueId]);
}

export class RebalanceLockManager {
  readonly maxLiveTimeMs: number;
  private readonly clock: () => number;
  private readonly groups = new Map<string, Map<string, LockEntry>>();

  constructor(options: RebalanceLockManagerOptions = {}) {
    this.maxLiveTimeMs = options.maxLiveTimeMs ?? DEFAULT_REBALANCE_LOCK_MAX_LIVE_TIME_MS;
    if (!(this.maxLiveTimeMs > 0)) throw new RangeError(`RebalanceLockManager: maxLiveTimeMs must be > 0, got ${this.maxLiveTimeMs}`);
    this.clock = options.now ?? Date.now;
  }

  /**
   * Locks each queue for clientId where it can: a free queue, one it already holds (renewed), or one
   * whose holder's lock expired (taken over). Returns the queues clientId now holds, each once.
   */
  tryLockBatch(group: string, mqs: readonly LockedQueue[], clientId: string, now: number = this.clock()): LockedQueue[] {
    let table = this.groups.get(group);
    if (!table) {
      table = new Map();
      this.groups.set(group, table);
    }
    const locked = new Map<string, LockedQueue>();
    for (const mq of mqs) {
      const key = keyOf(mq);
      if (locked.has(key)) continue;
      const entry = table.get(key);
      if (entry === undefined || entry.clientId === clientId || this.isExpired(entry, now)) {
        table.set(key, { clientId, lastUpdate: now });
        locked.set(key, { topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId });
      }
    }
    if (table.size === 0) this.groups.delete(group);
    return [...locked.values()];
  }

  /** Releases the queues clientId holds; locks held by other clients are left alone. */
  unlockBatch(group: string, mqs: readonly LockedQueue[], clientId: string): void {
    const table = this.groups.get(group);
    if (!table) return;
    for (const mq of mqs) {
      const key = keyOf(mq);
      if (table.get(key)?.clientId === clientId) table.delete(key);
    }
    if (table.size === 0) this.groups.delete(group);
  }

  /** The client holding a live lock on mq in group, if any. */
  holderOf(group: string, mq: LockedQueue, now: number = this.clock()): string | undefined {
    const entry = this.groups.get(group)?.get(keyOf(mq));
    return entry === undefined || this.isExpired(entry, now) ? undefined : entry.clientId;
  }

  private isExpired(entry: LockEntry, now: number): boolean {
    return now - entry.lastUpdate > this.maxLiveTimeMs;
  }
}
