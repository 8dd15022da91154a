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

// Held pulls are kept per queue in arrays that stay in the map while the queue is quiet; the
// periodic check sweeps the empty ones. A Map entry added and deleted for every held pull (a
// long-polling consumer parks one per message at low rates) made the Map allocate a new table every
// few dozen holds, and a replaced table keeps its entries: once the Map was old, every held pull and
// what it references outlived the scavenges (packages/remoting/src/int-key-table.ts explains).
// Measured with bench:broker's end-to-end load (1 KiB at 5,000 msg/s, 8 queues; 9 s rounds after a
// first one): 115-141 B per message promoted by the broker before, 4-8 B after, scavenges 71-77 ms
// per round before, 41-54 ms after.
export class PullHoldService {
  private readonly byQueue = new Map<string, HeldPull[]>();
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
    let held = this.byQueue.get(key);
    if (!held) {
      held = [];
      this.byQueue.set(key, held);
    }
    held.push(pull);
    this.heldCount += 1;
    return true;
  }

  /**
   * A message was stored (the store's arrival listener): wakes the queue's pulls that wait below
   * `nextQueueOffset` and whose subscription may match `tagsCode` (undefined: any).
   */
  notifyMessageArriving(topic: string, queueId: number, nextQueueOffset: number, tagsCode: number | undefined): void {
    // Called for every stored message: with no pull held (consumers busy, or none) skip building the key.
    if (this.heldCount === 0) return;
    const held = this.byQueue.get(queueKey(topic, queueId));
    if (!held || held.length === 0) return;
    // Walked from the end: releasing removes the pull from `held`, and answering never holds again.
    for (let i = held.length - 1; i >= 0; i -= 1) {
      const pull = held[i]!;
      if (nextQueueOffset > pull.offset && (tagsCode === undefined || pull.matches(tagsCode))) this.release(held, pull);
    }
  }

  /** Timeouts, and arrivals a wake-up missed (Java checkHoldRequest). Runs every checkIntervalMillis. */
  check(): void {
    const now = this.now();
    for (const [key, held] of [...this.byQueue]) {
      if (held.length === 0) {
        this.byQueue.delete(key);
        continue;
      }
      for (const pull of [...held]) {
        // Java passes a null tag code for a grown queue: anything new wakes the pull, whose re-run then filters.
        if (now >= pull.deadline || this.deps.maxOffsetOf(pull.topic, pull.queueId) > pull.offset) this.release(held, pull);
      }
    }
  }

  /**
   * Forgets the pulls of a closed channel. Each is still settled (cheaply), so the dispatcher frees
   * its processing slot; the answer is dropped with the channel.
   */
  dropChannel(channelId: string): void {
    for (const held of [...this.byQueue.values()]) {
      for (const pull of [...held]) {
        if (pull.channelId !== channelId) continue;
        this.remove(held, pull);
        pull.drop();
      }
    }
  }

  /** Answers every held pull and stops the timer; idempotent. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.closed = true;
    for (const held of [...this.byQueue.values()]) for (const pull of [...held]) this.release(held, pull);
  }

  /** Answers `pull` once, taking it out of `held`, the array of its queue. */
  private release(held: HeldPull[], pull: HeldPull): void {
    if (!this.remove(held, pull)) return;
    try {
      pull.answer();
    } catch (error) {
      this.deps.log('error', `answering a held pull of ${queueKey(pull.topic, pull.queueId)} failed: ${String(error)}`);
    }
  }

  /** Takes `pull` out of its queue's array (a queue holds a few pulls at most); false when it was not there. */
  private remove(held: HeldPull[], pull: HeldPull): boolean {
    const index = held.indexOf(pull);
    if (index < 0) return false;
    held.splice(index, 1);
    this.heldCount -= 1;
    return true;
  }
}

/** Java's "topic@queueId" key. */
export function queueKey(topic: string, queueId: number): string {
  return `${topic}@${queueId}`;
}
