// Public API of @pulsejet/core: the commit-log message store. Explicit names only (STYLE.md habit 2).
export { MessageStore } from './store/message-store';
export type { MessageArrivalListener, MessageStoreHooks, StoreStats } from './store/message-store';
export type { EncodedProperties, PutMessageInput, PutMessageResult, StoredPosition, TagsCodeFunction } from './store/put-message';
export type { BatchPutInput } from './store/put-batch';
export { DEFAULT_MAX_MSG_NUMS, DEFAULT_MAX_TOTAL_BYTES } from './store/message-reader';
export type { GetMessageOptions, GetMessageResult } from './store/message-reader';
export type { PutMessageStatus, GetMessageStatus } from './status';
export {
  resolveStoreOptions,
  DEFAULT_MAPPED_FILE_SIZE_COMMIT_LOG,
  DEFAULT_CONSUME_QUEUE_ENTRIES_PER_FILE,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_FLUSH_INTERVAL_COMMIT_LOG,
  DEFAULT_SYNC_FLUSH_TIMEOUT,
  DEFAULT_FLUSH_INTERVAL_CONSUME_QUEUE,
  DEFAULT_FILE_RESERVED_TIME_HOURS,
  DEFAULT_DELETE_WHEN,
  DEFAULT_DISK_MAX_USED_SPACE_RATIO,
  DEFAULT_DISK_SPACE_CLEAN_FORCIBLY_RATIO,
  DEFAULT_CLEAN_RESOURCE_INTERVAL,
  DEFAULT_MAX_WRITE_BATCH_BYTES,
  DEFAULT_MAX_FILTER_MESSAGE_COUNT,
  DEFAULT_STORE_HOST,
} from './options';
export type { MessageStoreOptions, ResolvedStoreOptions, FlushDiskType } from './options';
export { PREFILL_SUFFIX } from './segment/file-segment-directory';
export type { RecoveryReport } from './recovery/recover';
export type { RetentionRun } from './retention/retention';
export type { ScanStop } from './commitlog/log-scanner';
export { ReplicaAppendError, ReplicaErrorCode } from './replica/replica-errors';
export { scanUnits, checkReplicaUnits } from './replica/replica-units';
export type { UnitScan, ReplicaCheck, ReplicaRecord } from './replica/replica-units';
export type { CommitLogOffsetKind } from './replica/replica-offsets';
export { MetadataStore } from './kv/metadata-store';
export type { MetadataStoreOptions } from './kv/metadata-store-options';
export type { MetadataSnapshot } from './kv/metadata-snapshot';
export { topicConfigWithDefaults, DEFAULT_TOPIC_QUEUE_NUMS, PERM_READ, PERM_WRITE, PERM_INHERIT } from './kv/topic-config';
export type { TopicConfig, TopicConfigView } from './kv/topic-config';
export { subscriptionGroupWithDefaults } from './kv/subscription-group-config';
export type { SubscriptionGroupConfig } from './kv/subscription-group-config';
