// System topic names and rules (Java TopicValidator, MixAll).

/** The default topic clients name in `defaultTopic`; auto-created topics inherit from it. */
export const AUTO_CREATE_TOPIC_KEY_TOPIC = 'TBW102';
/** Where delayed messages wait (reference §6.4); 18 queues, one per delay level. */
export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';
export const SCHEDULE_TOPIC_QUEUE_NUMS = 18;
export const SELF_TEST_TOPIC = 'SELF_TEST_TOPIC';
export const OFFSET_MOVED_EVENT = 'OFFSET_MOVED_EVENT';
export const RMQ_SYS_TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
export const RMQ_SYS_TRANS_OP_HALF_TOPIC = 'RMQ_SYS_TRANS_OP_HALF_TOPIC';
export const TRANS_CHECK_MAX_TIME_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';

export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';

// Producers may not send to these directly (Java TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET).
const NOT_ALLOWED_SEND: ReadonlySet<string> = new Set([SCHEDULE_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC, TRANS_CHECK_MAX_TIME_TOPIC, SELF_TEST_TOPIC, OFFSET_MOVED_EVENT]);

export function isNotAllowedSendTopic(topic: string): boolean {
  return NOT_ALLOWED_SEND.has(topic);
}

export function retryTopicOf(group: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + group;
}

export function dlqTopicOf(group: string): string {
  return DLQ_GROUP_TOPIC_PREFIX + group;
}

export function isRetryTopic(topic: string): boolean {
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
}
