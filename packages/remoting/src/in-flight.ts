// The request/response correlation table of one channel (Java NettyRemotingAbstract.responseTable):
// opaque -> waiter, each with its own timeout, and a hard bound on how many may wait at once so a
// stalled peer can't make us hold unbounded state (STYLE.md habit 10).
//
// Timeouts use ONE timer per table, armed for the earliest deadline, instead of a setTimeout per
// request: most requests are answered long before their deadline, so when the timer fires it
// usually finds nothing expired, scans the live waiters (at most maxInFlight) and re-arms for the
// earliest remaining deadline. Per request that costs a clock read, not a timer insert and removal
// (about 0.4 µs each); deadlines stay exact, unlike Java's 1 s scan. When the table empties the
// timer is only unref'd (cheaper than clearing and re-arming it for one request at a time), so an
// idle table never keeps the process alive, and a waiting one does, as a pending request should.
//
// Waiters are kept in an IntKeyTable, not a Map: see there why a Map whose entries churn makes every
// response outlive the scavenges that should free it.
import type { RemotingCommand } from '@pulsejet/protocol';
import { RemotingError } from './errors';
import { IntKeyTable } from './int-key-table';

/** Requests one channel may have awaiting responses; ali-ons and Java clients stay far below it. */
export const DEFAULT_MAX_IN_FLIGHT = 65_536;

// Opaques are int32 on the wire (Java's AtomicInteger). We stay positive and wrap long before the
// sign bit, skipping any value still waiting so a wrapped counter can't steal another's response.
const MAX_OPAQUE = 0x7fff_ffff;
// setTimeout fires at once for delays above this (and warns); nobody waits 24 days for a reply.
const MAX_TIMER_MS = 0x7fff_ffff;

interface Waiter {
  resolve: (response: RemotingCommand) => void;
  reject: (error: unknown) => void;
  code: number;
  timeoutMs: number;
  /** performance.now() after which the waiter times out. */
  deadline: number;
}

export interface InFlightTableOptions {
  maxInFlight: number;
  /** For messages: who the requests went to. */
  peer: () => string;
  /** Called after a request timed out and was failed (a client may close the channel then). */
  onTimeout?: (opaque: number) => void;
}

export class InFlightTable {
  private readonly waiters = new IntKeyTable<Waiter>();
  private lastOpaque = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Deadline the timer is armed for; Infinity when it isn't. */
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(private readonly options: InFlightTableOptions) {}

  get size(): number {
    return this.waiters.size;
  }

  /** A fresh opaque for an outgoing request or oneway. */
  nextOpaque(): number {
    do {
      this.lastOpaque = this.lastOpaque >= MAX_OPAQUE ? 1 : this.lastOpaque + 1;
    } while (this.waiters.has(this.lastOpaque));
    return this.lastOpaque;
  }

  /**
   * Registers a waiter for the response to a request with `opaque`. Throws TOO_MANY_IN_FLIGHT when
   * the table is full (before anything is sent, so the caller can back off).
   */
  register(opaque: number, code: number, timeoutMs: number): Promise<RemotingCommand> {
    if (this.waiters.size >= this.options.maxInFlight) {
      throw new RemotingError(
        'TOO_MANY_IN_FLIGHT',
        `${this.waiters.size} requests to ${this.options.peer()} already await responses (the limit); wait for some to finish`,
      );
    }
    const deadline = performance.now() + Math.min(timeoutMs, MAX_TIMER_MS);
    if (deadline < this.armedFor) this.arm(deadline);
    else if (this.waiters.size === 0) this.timer?.ref();
    return new Promise<RemotingCommand>((resolve, reject) => {
      this.waiters.set(opaque, { resolve, reject, code, timeoutMs, deadline });
    });
  }

  /** Resolves the waiter `response` answers; false for a response nobody waits for (late, or to a oneway). */
  complete(response: RemotingCommand): boolean {
    const waiter = this.waiters.get(response.opaque);
    if (waiter === undefined) return false;
    this.waiters.delete(response.opaque);
    if (this.waiters.size === 0) this.timer?.unref();
    waiter.resolve(response);
    return true;
  }

  /** Fails one waiter (its request could not be written). */
  fail(opaque: number, error: unknown): void {
    const waiter = this.waiters.get(opaque);
    if (waiter === undefined) return;
    this.waiters.delete(opaque);
    if (this.waiters.size === 0) this.timer?.unref();
    waiter.reject(error);
  }

  /** Fails every waiter, e.g. with CHANNEL_CLOSED when the channel closes. */
  failAll(error: unknown): void {
    this.disarm();
    if (this.waiters.size === 0) return;
    const waiters = this.waiters.values();
    this.waiters.clear();
    for (const waiter of waiters) waiter.reject(error);
  }

  private arm(deadline: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedFor = deadline;
    // +1: timers may fire a fraction of a millisecond early against performance.now().
    this.timer = setTimeout(this.expire, Math.max(0, Math.ceil(deadline - performance.now())) + 1);
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  // An arrow property so setTimeout can take it without a closure per arming.
  private readonly expire = (): void => {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const expired: [number, Waiter][] = [];
    let next = Number.POSITIVE_INFINITY;
    this.waiters.forEach((waiter, opaque) => {
      if (waiter.deadline <= now) expired.push([opaque, waiter]);
      else if (waiter.deadline < next) next = waiter.deadline;
    });
    for (const [opaque] of expired) this.waiters.delete(opaque);
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    for (const [opaque, waiter] of expired) {
      waiter.reject(
        new RemotingError(
          'TIMEOUT',
          `no response to request code ${waiter.code} (opaque ${opaque}) from ${this.options.peer()} within ${waiter.timeoutMs} ms`,
        ),
      );
      this.options.onTimeout?.(opaque);
    }
  };
}
