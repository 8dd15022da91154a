// Per-group counters of finished deliveries, and promises that resolve when a count is reached:
// what tests (and health checks) wait on instead of sleeping. The message path only increments a
// number and, when someone is waiting on that group, checks their targets.
import { PulsejetConfigError, PulsejetConfigErrorCode } from '../errors';

export interface GroupStats {
  /** Deliveries acknowledged (handler resolved, its Observable completed, or the stream emitted it). */
  acked: number;
  /** Deliveries that failed (threw, errored) and were handed back for a retry. */
  failed: number;
}

interface Waiter {
  field: keyof GroupStats;
  target: number;
  resolve: () => void;
}

export class GroupCounters implements GroupStats {
  acked = 0;
  failed = 0;
  private waiters: Waiter[] = [];

  ack(): void {
    this.acked++;
    if (this.waiters.length > 0) this.check();
  }

  fail(): void {
    this.failed++;
    if (this.waiters.length > 0) this.check();
  }

  wait(field: keyof GroupStats, target: number): Promise<void> {
    if (this[field] >= target) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ field, target, resolve }));
  }

  private check(): void {
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (this[waiter.field] >= waiter.target) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }
}

/** Waits that end when something happened, never after a fixed sleep; each has a timeout. */
export interface Until {
  /** Resolves once `group` has acknowledged `count` deliveries in total since start; rejects after timeoutMs. */
  consumed(group: string, count: number, timeoutMs?: number): Promise<GroupStats>;
  /** Resolves once `count` deliveries of `group` have failed (been sent back for a retry) since start. */
  failed(group: string, count: number, timeoutMs?: number): Promise<GroupStats>;
}

export const DEFAULT_UNTIL_TIMEOUT_MS = 30_000;

export class ConsumptionStats {
  private readonly groups = new Map<string, GroupCounters>();

  counters(group: string): GroupCounters {
    let counters = this.groups.get(group);
    if (!counters) {
      counters = new GroupCounters();
      this.groups.set(group, counters);
    }
    return counters;
  }

  snapshot(group: string): GroupStats {
    const counters = this.groups.get(group);
    return { acked: counters?.acked ?? 0, failed: counters?.failed ?? 0 };
  }

  readonly until: Until = {
    consumed: (group, count, timeoutMs) => this.waitFor(group, 'acked', count, timeoutMs),
    failed: (group, count, timeoutMs) => this.waitFor(group, 'failed', count, timeoutMs),
  };

  private async waitFor(group: string, field: keyof GroupStats, count: number, timeoutMs = DEFAULT_UNTIL_TIMEOUT_MS): Promise<GroupStats> {
    const counters = this.groups.get(group);
    if (!counters) {
      throw new PulsejetConfigError(PulsejetConfigErrorCode.NOT_CONFIGURED, `no consumer group ${group} was started; the groups are: ${[...this.groups.keys()].join(', ') || 'none'}`);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const now = this.snapshot(group);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} ${field} deliveries of group ${group} (acked ${now.acked}, failed ${now.failed})`));
      }, timeoutMs);
    });
    try {
      await Promise.race([counters.wait(field, count), timeout]);
      return this.snapshot(group);
    } finally {
      clearTimeout(timer);
    }
  }
}
