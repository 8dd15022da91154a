// Concurrent consumption (Java ConsumeMessageConcurrentlyService): up to consumeConcurrency handlers
// at once over all owned queues, one message per handler call. Waiting messages are exactly the
// buffered ones, so they are bounded by the per-queue pull thresholds. Optionally ordered per key:
// messages with the same key run one after another in arrival (queue) order, other keys in parallel.
//
// A failed message (clustering) is sent back to the broker (CONSUMER_SEND_MSG_BACK), which stores a
// %RETRY% copy delivered later, or a %DLQ% copy once maxReconsumeTimes is reached; then the
// original counts as consumed. If the send-back fails the message stays buffered and is consumed
// again locally after 5 s with reconsumeTimes + 1 (Java consumeLater). Broadcasting drops it.
import { MessageConst } from '@pulsejet/protocol';
import type { ReceivedMessage } from '../message/received-message';
import { sendMessageBack } from './broker-calls';
import type { ConsumeContext, ConsumeService } from './consume-context';
import type { OrderBy } from './consume-types';
import { Fifo } from './fifo';
import type { QueueEntry } from './queue-entry';
import * as retryTopics from './retry-topics';
import { callHandler } from './run-handler';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call
// (per consumed message here).
const { handlerView, realTopicOf } = retryTopics;

/** Java: a message whose send-back failed is consumed again locally after 5 s. */
export const LOCAL_RETRY_DELAY_MS = 5_000;

interface Item {
  entry: QueueEntry;
  message: ReceivedMessage;
  key: string | undefined;
}

/** The key function of an orderBy option. */
export function orderKeyOf(orderBy: OrderBy | undefined): ((message: ReceivedMessage) => string | undefined) | undefined {
  if (orderBy === undefined) return undefined;
  if (orderBy === 'keys') return (message) => message.keys[0];
  if (orderBy === 'shardingKey') return (message) => message.properties[MessageConst.SHARDING_KEY] ?? message.properties[MessageConst.ALI_SHARDING_KEY];
  return orderBy;
}

export class ConcurrentConsumeService implements ConsumeService {
  private readonly ready = new Fifo<Item>();
  /** key → items waiting behind the one running (present while a message of the key runs). */
  private readonly keyed = new Map<string, Item[]>();
  private active = 0;
  private readonly localRetries = new WeakMap<ReceivedMessage, number>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly idle: (() => void)[] = [];
  private stopped = false;
  private pumping = false;
  private pumpScheduled = false;
  /**
   * Queues with messages whose handlers finished synchronously during the current pump run: their
   * offsets are committed (in memory) and their pull loops notified once when the run ends, not
   * per message (a handler that only counts finishes 32 messages of one queue per run).
   */
  private readonly settled: QueueEntry[] = [];
  /** Messages with the same key are handled one at a time, in order (options.orderBy). */
  private readonly orderKey: ((message: ReceivedMessage) => string | undefined) | undefined;

  constructor(private readonly ctx: ConsumeContext) {
    this.orderKey = orderKeyOf(ctx.options.orderBy);
  }

  get inFlight(): number {
    return this.active;
  }

  submit(entry: QueueEntry, messages: readonly ReceivedMessage[]): void {
    for (const message of messages) this.enqueue({ entry, message, key: this.orderKey?.(message) });
    // Handlers run after the caller's synchronous work (the pull loop asks for the next batch
    // first), all that are ready in one go.
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      queueMicrotask(this.scheduledPump);
    }
  }

  private readonly scheduledPump = (): void => {
    this.pumpScheduled = false;
    this.pump();
  };

  private enqueue(item: Item): void {
    if (item.key !== undefined) {
      const waiting = this.keyed.get(item.key);
      if (waiting) {
        waiting.push(item);
        return;
      }
      this.keyed.set(item.key, []);
    }
    this.ready.push(item);
  }

  private pump(): void {
    // A handler can make pump run again inside this loop (e.g. by closing the consumer); the
    // outer loop carries on with whatever is ready then.
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped && this.active < this.ctx.options.consumeConcurrency && this.ready.length > 0) {
        const item = this.ready.shift()!;
        if (item.entry.pq.dropped) {
          this.releaseKey(item);
          continue;
        }
        this.active++;
        item.entry.activeHandlers++;
        this.start(item);
      }
    } finally {
      this.pumping = false;
      this.commitSettled();
    }
  }

  private commitSettled(): void {
    const { settled } = this;
    for (let i = 0; i < settled.length; i++) this.committed(settled[i]!);
    settled.length = 0;
  }

  /**
   * Runs the handler of one item. A synchronous success is finished here, with no promise at all
   * (the common case of a fast consumer, per message); anything else completes asynchronously.
   */
  private start(item: Item): void {
    const { entry, message } = item;
    const { ctx } = this;
    const reconsumeTimes = this.localRetries.get(message) ?? message.reconsumeTimes;
    const handler = ctx.handlerOf(realTopicOf(message));
    let outcome: boolean | Promise<boolean> = true;
    if (handler === undefined) {
      ctx.log('warn', `no handler for topic ${realTopicOf(message)} (message ${message.msgId}); it is acknowledged without handling`);
    } else {
      outcome = callHandler(handler, handlerView(message, reconsumeTimes), ctx.options.consumeTimeoutMs, ctx.log);
    }
    if (outcome === true) {
      // pump() (start's only caller) commits the queue's offset when its run ends.
      ctx.counters.consumed++;
      entry.pq.removeOne(message);
      const { settled } = this;
      if (settled[settled.length - 1] !== entry && !settled.includes(entry)) settled.push(entry);
      this.release(item);
      return;
    }
    void this.completeLater(item, reconsumeTimes, outcome);
  }

  /** The rest of start() for a handler still running or one that failed; frees the slot after. */
  private async completeLater(item: Item, reconsumeTimes: number, outcome: false | Promise<boolean>): Promise<void> {
    try {
      if (await outcome) {
        this.ctx.counters.consumed++;
        this.finish(item.entry, item.message);
      } else {
        await this.retry(item, reconsumeTimes);
      }
    } finally {
      this.release(item);
      this.pump();
    }
  }

  /** A handler's slot is free again. */
  private release(item: Item): void {
    this.active--;
    item.entry.activeHandlers--;
    this.releaseKey(item);
    this.notifyIdle();
  }

  /** The next message of the same key may run now. */
  private releaseKey(item: Item): void {
    if (item.key === undefined) return;
    const waiting = this.keyed.get(item.key);
    const next = waiting?.shift();
    if (next) this.ready.push(next);
    else this.keyed.delete(item.key);
  }

  /** A failed message: sent back to the broker for a later retry (clustering), else dropped. */
  private async retry(item: Item, reconsumeTimes: number): Promise<void> {
    const { entry, message } = item;
    const { ctx } = this;
    ctx.counters.retried++;
    if (ctx.options.messageModel === 'BROADCASTING') {
      ctx.log('warn', `broadcasting consumer dropped failed message ${message.msgId} of ${realTopicOf(message)} (broadcasting has no retry)`);
      this.finish(entry, message);
      return;
    }
    if (entry.pq.dropped) return;
    try {
      await sendMessageBack(ctx.client, message.queue.brokerName, message.queue.topic, {
        commitLogOffset: message.commitLogOffset,
        group: ctx.options.groupName,
        delayLevel: 0,
        originMsgId: message.offsetMsgId,
        originTopic: realTopicOf(message),
        maxReconsumeTimes: ctx.options.maxReconsumeTimes,
      });
      this.finish(entry, message);
    } catch (error) {
      ctx.log('warn', `send-back of ${message.msgId} failed (${error instanceof Error ? error.message : String(error)}); consuming it again locally in ${LOCAL_RETRY_DELAY_MS} ms`);
      this.localRetries.set(message, reconsumeTimes + 1);
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        if (!entry.pq.dropped && !this.stopped) this.submit(entry, [message]);
      }, LOCAL_RETRY_DELAY_MS);
      timer.unref();
      this.retryTimers.add(timer);
    }
  }

  private finish(entry: QueueEntry, message: ReceivedMessage): void {
    entry.pq.removeOne(message);
    this.committed(entry);
  }

  /** Messages of the queue are done: the in-memory offset moves up to its buffer's head, its pull loop may go on. */
  private committed(entry: QueueEntry): void {
    const offset = entry.pq.committableOffset();
    if (!entry.pq.dropped && offset >= 0) this.ctx.offsetStore.update(entry.mq, offset, true);
    entry.signal.notify();
  }

  private notifyIdle(): void {
    if (this.idle.length === 0) return; // the common case, once per consumed message
    const waiters = this.idle.splice(0);
    for (const waiter of waiters) waiter();
  }

  async drain(timeoutMs: number, entry?: QueueEntry): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const busy = (): boolean => (entry ? entry.activeHandlers > 0 : this.active > 0);
    while (busy() && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        timer.unref();
        this.idle.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  stop(): void {
    this.stopped = true;
    this.ready.clear();
    this.keyed.clear();
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
  }
}
