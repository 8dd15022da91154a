// Held (long-polling) pulls, Java PullRequestHoldService + NotifyMessageArrivingListener (reference
// §7). A pull that would answer PULL_NOT_FOUND is parked under topic@queueId; it is answered when a
// matching message arrives, when its suspend time is up, when the service closes, or dropped when
// its channel closes. Each held pull is a pending promise, so the connection keeps serving other
// requests meanwhile (reference §2.1).
import type { ResolvedPullHoldOptions } from './pull-hold-options';

/** One parked pull. `answer` re-runs the pull without suspending and resolves the waiting request. */
export interface HeldPull {
  readonly topic: string;
  readonly queueId: number;
  /** The offset the pull asked for: only messages from here on can wake it. */
  readonly offset: number;
  readonly channelId: string;
  /** Epoch ms at which it is answered even if nothing arrived. */
  readonly deadline: number;
  /** Whether a message with this consume-queue tag code may match the subscription. */
  matches(tagsCode: number): boolean;
  /** Answers the request with a fresh (non-suspending) pull; at most one of answer/drop is called, once. */
  answer(): void;
  /** Settles the request without work: its channel is gone, so nothing will be delivered. */
  drop(): void;
}

export interface PullHoldServiceDeps {
  /** Current max offset of a queue, for the periodic check of missed wake-ups. */
  maxOffsetOf(topic: string, queueId: number): number;
  now?: () => number;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

export class PullHoldService {
  private readonly byQueue = new Map<string, Set<HeldPull>>();
  private heldCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly now: () => number;

  constructor(
    private readonly options: ResolvedPullHoldOptions,
    private readonly deps: PullHoldServiceDeps,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** Starts the periodic check; idempotent. */
  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.check(), this.options.checkIntervalMillis);
    this.timer.unref();
  }

  get size(): number {
    return this.heldCount;
  }

  /** How long a pull asking for `suspendTimeoutMillis` is held. */
  holdMillis(suspendTimeoutMillis: number): number {
    if (!this.options.longPollingEnable) return this.options.shortPollingMillis;
    return Math.min(Math.max(suspendTimeoutMillis, 0), this.options.maxSuspendMillis);
  }

  /** Parks a pull; false when the service is closed or full (the caller answers at once). */
  hold(pull: HeldPull): boolean {
    if (this.closed || this.heldCount >= this.options.maxHeldRequests) return false;
    const key = queueKey(pull.topic, pull.queueId);
    let set = this.byQueue.get(key);
    if (!set) {
      set = new Set();
      this.byQueue.set(key, set);
    }
    set.add(pull);
    this.heldCount += 1;
    return true;
  }

  /**
   * A message was stored (the store's arrival listener): wakes the queue's pulls that wait below
   * `nextQueueOffset` and whose subscription may match `tagsCode` (undefined: any).
   */
  notifyMessageArriving(topic: string, queueId: number, nextQueueOffset: number, tagsCode: number | undefined): void {
    const set = this.byQueue.get(queueKey(topic, queueId));
    if (!set) return;
    for (const pull of set) {
      if (nextQueueOffset > pull.offset && (tagsCode === undefined || pull.matches(tagsCode))) this.release(pull);
    }
  }

  /** Timeouts, and arrivals a wake-up missed (Java checkHoldRequest). Runs every checkIntervalMillis. */
  check(): void {
    const now = this.now();
    for (const set of [...this.byQueue.values()]) {
      for (const pull of [...set]) {
        if (now >= pull.deadline) {
          this.release(pull);
          continue;
        }
        // Java passes a null tag code here: anything new wakes the pull, whose re-run then filters.
        if (this.deps.maxOffsetOf(pull.topic, pull.queueId) > pull.offset) this.release(pull);
      }
    }
  }

  /**
   * Forgets the pulls of a closed channel. Each is still settled (cheaply), so the dispatcher frees
   * its processing slot; the answer is dropped with the channel.
   */
  dropChannel(channelId: string): void {
    for (const [key, set] of [...this.byQueue]) {
      for (const pull of [...set]) {
        if (pull.channelId !== channelId) continue;
        this.remove(key, set, pull);
        pull.drop();
      }
    }
  }

  /** Answers every held pull and stops the timer; idempotent. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.closed = true;
    for (const set of [...this.byQueue.values()]) for (const pull of [...set]) this.release(pull);
  }

  private release(pull: HeldPull): void {
    const key = queueKey(pull.topic, pull.queueId);
    const set = this.byQueue.get(key);
    if (!set || !set.has(pull)) return;
    this.remove(key, set, pull);
    try {
      pull.answer();
    } catch (error) {
      this.deps.log('error', `answering a held pull of ${key} failed: ${String(error)}`);
    }
  }

  private remove(key: string, set: Set<HeldPull>, pull: HeldPull): void {
    if (!set.delete(pull)) return;
    this.heldCount -= 1;
    if (set.size === 0) this.byQueue.delete(key);
  }
}

/** Java's "topic@queueId" key. */
export function queueKey(topic: string, queueId: number): string {
  return `${topic}@${queueId}`;
}
