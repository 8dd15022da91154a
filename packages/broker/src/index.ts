// Public API of @pulsejet/broker: the broker runtime. Explicit names only (STYLE.md habit 2).
export { BrokerController } from './broker-controller';
export type { BrokerControllerDeps } from './broker-controller';
export {
  resolveBrokerOptions,
  parseNamesrvAddr,
  silentBrokerLog,
  BROKER_ROLES,
  DEFAULT_BROKER_CLUSTER_NAME,
  DEFAULT_BROKER_NAME,
  DEFAULT_BROKER_LISTEN_PORT,
  DEFAULT_BROKER_IP,
  DEFAULT_BIND_ADDRESS,
  DEFAULT_TRANSACTION_CHECK_INTERVAL_MS,
  DEFAULT_TRANSACTION_TIMEOUT_MS,
  DEFAULT_TRANSACTION_CHECK_MAX,
  DEFAULT_SLAVE_SYNCHRONIZE_INTERVAL_MS,
  DEFAULT_ACCESS_MESSAGE_IN_MEMORY_MAX_RATIO,
} from './broker-options';
export type { BrokerOptions, ResolvedBrokerOptions, BrokerRole, BrokerLog, BrokerLogLevel, BrokerStoreOptions } from './broker-options';
export type { BrokerContext } from './broker-context';
export { TopicConfigManager } from './topic/topic-config-manager';
export type { TopicChangeListener, TopicConfigOptions } from './topic/topic-config-manager';
export {
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  SCHEDULE_TOPIC,
  SCHEDULE_TOPIC_QUEUE_NUMS,
  SELF_TEST_TOPIC,
  OFFSET_MOVED_EVENT,
  RMQ_SYS_TRANS_HALF_TOPIC,
  RMQ_SYS_TRANS_OP_HALF_TOPIC,
  TRANS_CHECK_MAX_TIME_TOPIC,
  RETRY_GROUP_TOPIC_PREFIX,
  DLQ_GROUP_TOPIC_PREFIX,
  retryTopicOf,
  dlqTopicOf,
  isRetryTopic,
  isNotAllowedSendTopic,
} from './topic/system-topics';
export { parseSendMessageHeader, SEND_MESSAGE_V2_KEYS } from './send/send-message-header';
export type { SendMessageRequestHeader } from './send/send-message-header';
export { PUT_STATUS_RESPONSE_CODE, isStoredStatus } from './send/put-status';
export { createSendMessageProcessor, rewriteForStore } from './send/send-message-processor';
export { DEFAULT_MSG_REGION } from './send/send-reply-fields';
export { createSendBatchMessageProcessor } from './send/send-batch-processor';
export { encodeMessageBatch, decodeMessageBatch, BatchDecodeError } from './send/message-batch-codec';
export type { BatchEntry } from './send/message-batch-codec';
export { registerOffsetProcessors, queryConsumerOffset } from './offset/offset-processors';
export { registerAdminProcessors } from './admin/admin-processors';
export { registerGroupProcessors, parseSubscriptionGroupBody, subscriptionGroupToJson } from './admin/group-processors';
export { registerQueryProcessors, QUERY_MESSAGE_MAX_NUM, QUERY_MESSAGE_DEFAULT_MAX_NUM, UNIQUE_MSG_QUERY_FLAG } from './admin/query-processors';
export { registerSyncProcessors } from './admin/sync-processors';
export { SlaveSynchronize } from './slave/slave-synchronize';
export type { SlaveSynchronizeOptions, SlaveSyncReport } from './slave/slave-synchronize';
export {
  encodeConsumerOffsets,
  decodeConsumerOffsets,
  encodeDelayOffsets,
  decodeDelayOffsets,
  decodeTopicConfigs,
  decodeSubscriptionGroups,
  SyncBodyError,
} from './slave/sync-bodies';
export type { OffsetRow, DelayOffsetRow } from './slave/sync-bodies';
export { awaitReplica } from './send/replica-wait';
export { registerStatsProcessors, formatRuntime, BROKER_VERSION_DESC } from './admin/stats-processors';
export { HeaderError, HeaderReader } from './remoting/header-fields';
export { DEFAULT_MESSAGE_DELAY_LEVEL, parseMessageDelayLevel, effectiveDelayLevel } from './schedule/delay-levels';
export { rewriteDelayed, scheduleAwareTagsCode, timerTargetOf, hopLevel, TIMER_OUT_MS } from './schedule/schedule-rewrite';
export { ScheduleMessageService, DEFAULT_SCHEDULE_INTERVAL_MS, deliveryInputOf } from './schedule/schedule-message-service';
export type { ScheduleMessageServiceOptions } from './schedule/schedule-message-service';
export { createConsumerSendMsgBackProcessor, parseConsumerSendMsgBackHeader } from './retry/consumer-send-back-processor';
export type { ConsumerSendMsgBackHeader } from './retry/consumer-send-back-processor';
export { RebalanceLockManager, DEFAULT_REBALANCE_LOCK_MAX_LIVE_TIME_MS } from './lock/rebalance-lock-manager';
export type { LockedQueue, RebalanceLockManagerOptions } from './lock/rebalance-lock-manager';
export { registerLockProcessors } from './lock/lock-processors';
export {
  parseLockBatchRequestBody,
  encodeLockBatchRequestBody,
  parseLockBatchResponseBody,
  encodeLockBatchResponseBody,
  LockBodyError,
} from './lock/lock-batch-body';
export type { LockBatchRequestBody } from './lock/lock-batch-body';
export { isHalfMessageSend, toHalfMessage, committedMessageOf, checkMaxTimeMessageOf, realDestinationOf, producerGroupOf } from './transaction/half-message';
export { parseEndTransactionHeader } from './transaction/end-transaction-header';
export type { EndTransactionRequestHeader, EndTransactionType } from './transaction/end-transaction-header';
export { checkTransactionStateRequest } from './transaction/check-transaction-state';
export { TransactionStateTable } from './transaction/transaction-state-table';
export type { TransactionOutcome, HalfState } from './transaction/transaction-state-table';
export { TransactionalMessageService } from './transaction/transactional-message-service';
export type { TransactionalMessageServiceOptions, EndTransactionResult } from './transaction/transactional-message-service';
export { createEndTransactionProcessor } from './transaction/end-transaction-processor';
export { TransactionCheckService } from './transaction/transaction-check-service';
export type { TransactionCheckServiceOptions } from './transaction/transaction-check-service';
export { startTransactions } from './transaction/start-transactions';
export type { TransactionsHandle } from './transaction/start-transactions';
