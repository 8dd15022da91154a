// Public API of @pulsejet/client: Producer, PushConsumer, PullConsumer and RxJS streams over the
// RocketMQ 4.x remoting protocol. Explicit names only (STYLE.md habit 2).
//
// Shared wire types live in @pulsejet/protocol so the broker and this client use one definition:
// HeartbeatData / ConsumerData / ProducerData / SubscriptionData with encodeHeartbeatData and
// parseHeartbeatData (protocol src/client-bodies/heartbeat-data.ts); tag expression ('*', 'A || B')
// -> SubscriptionData with Java String.hashCode codeSet: buildSubscriptionData / parseTagExpression
// (protocol src/client-bodies/subscription-data.ts); the GET_CONSUMER_LIST_BY_GROUP body:
// decodeConsumerIdList; the SEND_BATCH_MESSAGE body: encodeMessageBatch (protocol src/message-batch.ts).
export { ClientError, ClientErrorCode } from './errors';

// Messages (message/): what producers send and consumers receive.
export { JSON_CONTENT_TYPE } from './message/message';
export type { Message, MessageBody, JsonValue } from './message/message';
export { toReceivedMessage, uncompressedBody } from './message/received-message';
export type { ReceivedMessage, MessageView } from './message/received-message';
export { queueKey, compareQueues } from './message/message-queue';
export type { MessageQueue } from './message/message-queue';

// The shared client runtime (instance/): routes, heartbeats, server-to-client requests.
export { ClientInstance } from './instance/client-instance';
export {
  DEFAULT_HEARTBEAT_BROKER_INTERVAL_MS,
  DEFAULT_CLIENT_POLL_NAME_SERVER_INTERVAL_MS,
  DEFAULT_CLIENT_REQUEST_TIMEOUT_MS,
  DEFAULT_CLIENT_IP,
  DEFAULT_SERIALIZE_TYPE,
  defaultClientLog,
  parseNamesrvAddr,
  resolveClientInstanceOptions,
} from './instance/client-instance-options';
export type { ClientInstanceOptions, ResolvedClientInstanceOptions, ClientLog, ClientLogLevel } from './instance/client-instance-options';
export type { ProducerRegistration, ConsumerRegistration, ConsumeType, ConsumeFromWhere } from './instance/registrations';
export { publishQueuesOf, subscribeQueuesOf } from './instance/route-queues';

// Consumers (consumer/, rx/): PushConsumer, rebalance strategies, offset stores, RxJS streams.
export { PushConsumer } from './consumer/push-consumer';
export { PullConsumer, DEFAULT_MAX_POLL_MESSAGES, DEFAULT_POLL_TIMEOUT_MS } from './consumer/pull-consumer';
export type { PullConsumerOptions } from './consumer/pull-consumer';
export {
  DEFAULT_CONSUME_CONCURRENCY,
  DEFAULT_PULL_BATCH_SIZE,
  DEFAULT_PULL_THRESHOLD_FOR_QUEUE,
  DEFAULT_PULL_THRESHOLD_SIZE_FOR_QUEUE,
  DEFAULT_CONSUME_TIMEOUT_MS,
  DEFAULT_MAX_RECONSUME_TIMES,
  DEFAULT_REBALANCE_INTERVAL_MS,
  DEFAULT_PERSIST_OFFSET_INTERVAL_MS,
  resolvePushConsumerOptions,
} from './consumer/push-consumer-options';
export type { PushConsumerOptions, ResolvedPushConsumerOptions } from './consumer/push-consumer-options';
export type { ConsumeResult, MessageHandler, MessageModel, ConsumerLog, ConsumerLogLevel, ConsumerStats, OrderBy } from './consumer/consume-types';
export {
  allocateAveragely,
  allocateAveragelyByCircle,
  allocateConsistentHash,
  resolveAllocateStrategy,
  sortQueues,
  sortCids,
} from './consumer/allocate-strategy';
export type { AllocateStrategy, AllocateStrategyName, QueueRef } from './consumer/allocate-strategy';
export { buildSubscription, matchesTags } from './consumer/subscription';
export type { ConsumerSubscription } from './consumer/subscription';
export { retryTopicOf, dlqTopicOf, isRetryTopic } from './consumer/retry-topics';
export { messages$ } from './rx/messages';
export type { AckableMessage, MessagesOptions } from './rx/messages';

// Producers (producer/).
export { Producer } from './producer/producer';
export type { SendOptions, MessageQueueSelector } from './producer/producer';
export { TransactionProducer, TransactionState } from './producer/transaction-producer';
export type { TransactionProducerOptions, LocalTransaction, TransactionSendResult } from './producer/transaction-producer';
export {
  DEFAULT_SEND_TIMEOUT_MS,
  DEFAULT_RETRY_TIMES_WHEN_SEND_FAILED,
  DEFAULT_COMPRESS_OVER_BYTES,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_TOPIC_QUEUE_NUMS,
  resolveProducerOptions,
} from './producer/producer-options';
export type { ProducerOptions, ResolvedProducerOptions } from './producer/producer-options';
export { RETRIABLE_SEND_CODES } from './producer/send-result';
// The SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE requests a Producer sends, and the header encoding it
// gives them, for tools that speak the protocol directly (bench:broker).
export { sendBatchRequest, sendMessageRequest } from './producer/send-request';
export { applySerializeType } from './instance/request-encoding';
export type { SendHeaderInput } from './producer/send-request';
export type { SendResult, SendStatus, BatchSendResult } from './producer/send-result';
export { queueForShardingKey } from './producer/queue-selector';
export { createUniqueKey, parseUniqueKey } from './producer/unique-key';
