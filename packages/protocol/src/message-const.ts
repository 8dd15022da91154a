// Property names of a stored message (reference §6.4), as in RocketMQ's
// common/.../message/MessageConst.java and ali-ons' lib/message/message_const.js.
export const MessageConst = {
  KEYS: 'KEYS',
  TAGS: 'TAGS',
  WAIT_STORE_MSG_OK: 'WAIT',
  DELAY_TIME_LEVEL: 'DELAY',
  RETRY_TOPIC: 'RETRY_TOPIC',
  REAL_TOPIC: 'REAL_TOPIC',
  REAL_QUEUE_ID: 'REAL_QID',
  TRANSACTION_PREPARED: 'TRAN_MSG',
  PRODUCER_GROUP: 'PGROUP',
  MIN_OFFSET: 'MIN_OFFSET',
  MAX_OFFSET: 'MAX_OFFSET',
  BUYER_ID: 'BUYER_ID',
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  TRANSFER_FLAG: 'TRANSFER_FLAG',
  CORRECTION_FLAG: 'CORRECTION_FLAG',
  MQ2_FLAG: 'MQ2_FLAG',
  RECONSUME_TIME: 'RECONSUME_TIME',
  MSG_REGION: 'MSG_REGION',
  TRACE_SWITCH: 'TRACE_ON',
  UNIQ_KEY: 'UNIQ_KEY',
  MAX_RECONSUME_TIMES: 'MAX_RECONSUME_TIMES',
  CONSUME_START_TIME: 'CONSUME_START_TIME',
  TRANSACTION_CHECK_TIMES: 'TRANSACTION_CHECK_TIMES',
  CHECK_IMMUNITY_TIME_IN_SECONDS: 'CHECK_IMMUNITY_TIME_IN_SECONDS',
  CLUSTER: 'CLUSTER',
  // Apache's name; ali-ons writes ALI_SHARDING_KEY instead (reference §6.4).
  SHARDING_KEY: '__SHARDINGKEY',
  ALI_SHARDING_KEY: '__SHARDING_KEY',
  // Aliyun-only timed delivery; open-source 4.x ignores it, 5.x uses the TIMER_* names.
  START_DELIVER_TIME: '__STARTDELIVERTIME',
  TIMER_DELIVER_MS: 'TIMER_DELIVER_MS',
  TIMER_DELAY_SEC: 'TIMER_DELAY_SEC',
  TIMER_DELAY_MS: 'TIMER_DELAY_MS',
  CONTENT_TYPE: 'CONTENT_TYPE',
} as const;

/** Separates the keys inside the KEYS property (Java `MessageConst.KEY_SEPARATOR`). */
export const KEY_SEPARATOR = ' ';

/**
 * Names a user property may not use, because the broker or the clients give them a meaning
 * (Java `MessageConst.STRING_HASH_SET`, checked by `Message.putUserProperty`). CONTENT_TYPE is
 * left out: it is a plain user-level hint.
 */
export const SYSTEM_PROPERTY_KEYS: ReadonlySet<string> = new Set<string>(
  Object.values(MessageConst).filter((name) => name !== MessageConst.CONTENT_TYPE),
);
