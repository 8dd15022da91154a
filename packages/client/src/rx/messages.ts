// messages$(): a cold Observable of a topic's messages with explicit ack()/nack().
//
// RxJS has no back-pressure (a slow subscriber never slows a producer down; mergeMap buffers
// without bound), so the Observable never decides how much to fetch. Under it runs a PushConsumer:
// its pull loops stop while the per-queue buffers are full (pullThresholdForQueue /
// pullThresholdSizeForQueue), and a message stays in the buffer until it is acked or nacked, with
// at most consumeConcurrency un-acked messages emitted at a time. So a slow subscriber makes pulling
// pause, never memory grow.
//
//   const sub = messages$('orders', '*', { groupName: 'billing', namesrvAddr }).subscribe(async (msg) => {
//     await handle(msg);
//     msg.ack();            // or msg.nack() to have it redelivered later
//   });
//   ...
//   sub.unsubscribe();      // stops pulling, commits what was acked, leaves the group
import { Observable } from 'rxjs';
import type { ReceivedMessage } from '../message/received-message';
import type { ConsumeResult, ConsumerStats, OrderBy } from '../consumer/consume-types';
import { PushConsumer } from '../consumer/push-consumer';
import { withFields } from '../consumer/retry-topics';
import type { PushConsumerOptions } from '../consumer/push-consumer-options';

/** A received message that must be settled: ack() consumes it, nack() has it redelivered later. */
export interface AckableMessage extends ReceivedMessage {
  /** Marks the message consumed (its offset may be committed). Idempotent; the first of ack/nack wins. */
  ack(): void;
  /** Asks for redelivery (retry topic with back-off, then the DLQ, like a throwing handler). */
  nack(): void;
}

export interface MessagesOptions extends Omit<PushConsumerOptions, 'orderly'> {
  /**
   * Per-key ordered concurrency: messages with the same key are emitted one at a time, the next only
   * after the previous one is settled, in queue order; different keys run in parallel (up to
   * consumeConcurrency). 'keys': the first of the message's KEYS; 'shardingKey': its sharding key.
   * @default none (every message independent)
   */
  orderBy?: OrderBy;
  /**
   * How long unsubscribing waits for emitted messages to be settled before it commits and leaves.
   * Unsettled messages are not committed, so they are delivered again later. @default 0
   */
  awaitTerminationMs?: number;
  /** Called with the consumer's counters every statsIntervalMs while subscribed (monitoring, tests). */
  onStats?: (stats: ConsumerStats) => void;
  /** @default 1000 */
  statsIntervalMs?: number;
}

/**
 * The messages of `topic` matching `expression`, for a consumer of `options.groupName`. Cold: each
 * subscription starts its own consumer, and unsubscribing closes it. Errors at start (invalid
 * options, unreachable nameserver) arrive as the Observable's error.
 */
export function messages$(topic: string, expression: string, options: MessagesOptions): Observable<AckableMessage> {
  return new Observable<AckableMessage>((subscriber) => {
    const { onStats, statsIntervalMs, ...consumerOptions } = options;
    let consumer: PushConsumer;
    try {
      consumer = new PushConsumer({ ...consumerOptions, awaitTerminationMs: options.awaitTerminationMs ?? 0 });
    } catch (error) {
      subscriber.error(error);
      return undefined;
    }
    const unsettled = new Set<(result: ConsumeResult) => void>();
    try {
      consumer.subscribe(topic, expression, (message) => {
        return new Promise<ConsumeResult>((resolve) => {
          let settled = false;
          const settle = (result: ConsumeResult): void => {
            if (settled) return;
            settled = true;
            unsettled.delete(settle);
            resolve(result);
          };
          unsettled.add(settle);
          const ackable = withFields(message, {}, { ack: () => settle('success'), nack: () => settle('later') }) as AckableMessage;
          // After unsubscription nothing is emitted; the message waits in `unsettled` for close.
          if (subscriber.closed) return;
          subscriber.next(ackable);
        });
      });
    } catch (error) {
      subscriber.error(error);
      return undefined;
    }
    consumer.start().catch((error: unknown) => subscriber.error(error));
    const statsTimer = onStats ? setInterval(() => onStats(consumer.stats()), statsIntervalMs ?? 1000) : undefined;
    statsTimer?.unref();
    return () => {
      clearInterval(statsTimer);
      void consumer
        .close()
        .catch(() => undefined)
        .then(() => {
          // The consumer is gone: release the handlers still waiting (their queues are dropped, so
          // nothing is committed or sent back for them; they are redelivered later).
          for (const settle of [...unsettled]) settle('later');
        });
    };
  });
}
