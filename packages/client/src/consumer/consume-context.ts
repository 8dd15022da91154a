// What the pieces of a push consumer share (pull loops, consume services, rebalance).
import type { ReceivedMessage } from '../message/received-message';
import type { ConsumerClient } from './consumer-client';
import type { ConsumerLog, MessageHandler } from './consume-types';
import type { OffsetStore } from './offset-store';
import type { ResolvedPushConsumerOptions } from './push-consumer-options';
import type { QueueEntry } from './queue-entry';
import type { ConsumerSubscription } from './subscription';

export interface ConsumeContext {
  readonly client: ConsumerClient;
  readonly options: ResolvedPushConsumerOptions;
  readonly offsetStore: OffsetStore;
  readonly log: ConsumerLog;
  /** False once close() began: loops stop, no new handler starts. */
  isRunning(): boolean;
  subscriptionOf(topic: string): ConsumerSubscription | undefined;
  /** The handler of a real (user) topic. */
  handlerOf(topic: string): MessageHandler | undefined;
  counters: { consumed: number; retried: number };
  /** Restarts a queue at `offset` with an empty buffer (after OFFSET_ILLEGAL; Java drops the queue). */
  resetQueue(entry: QueueEntry, offset: number): void;
}

export interface ConsumeService {
  /** Hands newly buffered messages of a queue to the handlers. */
  submit(entry: QueueEntry, messages: readonly ReceivedMessage[]): void;
  /** Handlers running now. */
  readonly inFlight: number;
  /** Waits until the handlers of this queue (or all, when omitted) are done, at most timeoutMs. */
  drain(timeoutMs: number, entry?: QueueEntry): Promise<void>;
  /** Forgets what has not started and cancels local retries (close). */
  stop(): void;
}
