// The handler contract of push consumers: a handler that resolves acknowledges; one that throws or
// returns 'later' asks for a retry (a %RETRY% copy in clustering mode, redelivered with a growing
// delay and a higher reconsumeTimes; after maxReconsumeTimes it goes to %DLQ%<group>).
import type { ConsumeFromWhere } from '../instance/registrations';
import type { ReceivedMessage } from '../message/received-message';

export type { ConsumeFromWhere };

/** What a handler may return: nothing (or 'success') acknowledges; 'later' asks for a retry. */
export type ConsumeResult = 'success' | 'later';

export type MessageHandler = (message: ReceivedMessage) => Promise<ConsumeResult | void> | ConsumeResult | void;

export type MessageModel = 'CLUSTERING' | 'BROADCASTING';

export type ConsumerLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type ConsumerLog = (level: ConsumerLogLevel, message: string) => void;

/** Per-key ordering: which key a message belongs to ('keys': its first key; 'shardingKey': the producer's). */
export type OrderBy = 'keys' | 'shardingKey' | ((message: ReceivedMessage) => string | undefined);

/** The consumer's own counters (buffers and handlers), e.g. to check that memory stays bounded. */
export interface ConsumerStats {
  /** Queues this consumer owns now. */
  queues: number;
  /** Messages pulled and not yet finished (buffered + in the handler), summed over queues. */
  bufferedMessages: number;
  /** Their body bytes. */
  bufferedBytes: number;
  /** The largest bufferedMessages / bufferedBytes of any one queue. */
  maxQueueMessages: number;
  maxQueueBytes: number;
  /** Handlers running now. */
  inFlight: number;
  /** Totals since start. */
  consumed: number;
  retried: number;
}
