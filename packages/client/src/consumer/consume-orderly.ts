// Orderly consumption (Java ConsumeMessageOrderlyService): per queue, one message at a time in
// queue order, and only while this client holds the queue's lock on the broker (LOCK_BATCH_MQ,
// renewed by the push consumer). A failed message is retried in place after
// suspendCurrentQueueTimeMs, so later messages of the queue wait behind it; once it has failed
// maxReconsumeTimes times it is sent to %DLQ%<group> and the queue moves on.
import type { ReceivedMessage } from '../message/received-message';
import { queueKey } from '../message/message-queue';
import { sendMessageBack } from './broker-calls';
import type { ConsumeContext, ConsumeService } from './consume-context';
import { sleep, type QueueEntry } from './queue-entry';
import { handlerView, realTopicOf } from './retry-topics';
import { runHandler } from './run-handler';

/** The broker's lock lives 60 s; a client stops consuming a queue whose lock it has not renewed for 30 s (Java REBALANCE_LOCK_MAX_LIVE_TIME). */
export const LOCK_MAX_LIVE_MS = 30_000;

export function lockValid(entry: QueueEntry, now = Date.now()): boolean {
  return entry.pq.locked && now - entry.pq.lastLockTimestamp <= LOCK_MAX_LIVE_MS;
}

export class OrderlyConsumeService implements ConsumeService {
  private readonly loops = new Map<string, { entry: QueueEntry; done: Promise<void> }>();
  private readonly localRetries = new WeakMap<ReceivedMessage, number>();
  private active = 0;
  private stopped = false;

  constructor(private readonly ctx: ConsumeContext) {}

  get inFlight(): number {
    return this.active;
  }

  submit(entry: QueueEntry, _messages: readonly ReceivedMessage[]): void {
    if (this.stopped) return;
    const key = queueKey(entry.mq);
    const running = this.loops.get(key);
    if (running && running.entry === entry) return;
    const done = this.loop(entry).finally(() => {
      if (this.loops.get(key)?.entry === entry) this.loops.delete(key);
      // Messages that arrived while the loop was ending.
      if (!this.stopped && !entry.pq.dropped && entry.pq.count > 0 && lockValid(entry)) this.submit(entry, []);
    });
    this.loops.set(key, { entry, done });
  }

  private async loop(entry: QueueEntry): Promise<void> {
    const { ctx } = this;
    while (!this.stopped && !entry.pq.dropped && ctx.isRunning()) {
      if (!lockValid(entry)) return; // the lock renewal resubmits once the lock is back
      const message = entry.pq.first();
      if (message === undefined) return;
      const reconsumeTimes = this.localRetries.get(message) ?? message.reconsumeTimes;
      const handler = ctx.handlerOf(realTopicOf(message));
      let ok = true;
      this.active++;
      try {
        if (handler) ok = await runHandler(handler, handlerView(message, reconsumeTimes), ctx.options.consumeTimeoutMs, ctx.log);
        else ctx.log('warn', `no handler for topic ${realTopicOf(message)} (message ${message.msgId}); it is acknowledged without handling`);
      } finally {
        this.active--;
      }
      if (ok) {
        ctx.counters.consumed++;
        this.finish(entry, message);
        continue;
      }
      ctx.counters.retried++;
      if (reconsumeTimes >= ctx.options.maxReconsumeTimes) {
        try {
          // delayLevel -1: straight to the DLQ (the stored reconsumeTimes is still the original's).
          await sendMessageBack(ctx.client, message.queue.brokerName, message.queue.topic, {
            commitLogOffset: message.commitLogOffset,
            group: ctx.options.groupName,
            delayLevel: -1,
            originMsgId: message.offsetMsgId,
            originTopic: realTopicOf(message),
            maxReconsumeTimes: ctx.options.maxReconsumeTimes,
          });
          this.finish(entry, message);
          continue;
        } catch (error) {
          ctx.log('warn', `orderly: moving ${message.msgId} to the DLQ failed (${error instanceof Error ? error.message : String(error)}); retrying it in place`);
        }
      }
      this.localRetries.set(message, reconsumeTimes + 1);
      await sleep(ctx.options.suspendCurrentQueueTimeMs);
    }
  }

  /** Orderly offsets advance even for a queue being removed: removal waits for this handler and then commits. */
  private finish(entry: QueueEntry, message: ReceivedMessage): void {
    const offset = entry.pq.remove([message]);
    if (offset >= 0) this.ctx.offsetStore.update(entry.mq, offset, true);
    entry.signal.notify();
  }

  async drain(timeoutMs: number, entry?: QueueEntry): Promise<void> {
    const loops = [...this.loops.values()].filter((l) => entry === undefined || l.entry === entry).map((l) => l.done);
    if (loops.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(loops),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  stop(): void {
    this.stopped = true;
  }
}
