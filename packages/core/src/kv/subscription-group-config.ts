import { assertBoolean, assertNonEmptyString, assertNonNegativeInteger, withoutUndefined } from './validate';

/** A consumer group's broker-side configuration (RocketMQ's SubscriptionGroupConfig). */
export interface SubscriptionGroupConfig {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  /** Queues of the group's %RETRY% topic. */
  retryQueueNums: number;
  /** Redeliveries before a message goes to the group's %DLQ% topic. */
  retryMaxTimes: number;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
}

// RocketMQ SubscriptionGroupConfig field defaults.
export const DEFAULT_GROUP_RETRY_QUEUE_NUMS = 1;
export const DEFAULT_GROUP_RETRY_MAX_TIMES = 16;
/** MixAll.MASTER_ID. */
export const DEFAULT_GROUP_BROKER_ID = 0;
/** Read from slave 1 when the master is slow to serve this group. */
export const DEFAULT_GROUP_WHICH_BROKER_WHEN_CONSUME_SLOWLY = 1;

/** A complete SubscriptionGroupConfig with RocketMQ's defaults for whatever `partial` leaves out. */
export function subscriptionGroupWithDefaults(groupName: string, partial: Partial<SubscriptionGroupConfig> = {}): SubscriptionGroupConfig {
  const config: SubscriptionGroupConfig = {
    consumeEnable: true,
    consumeFromMinEnable: true,
    consumeBroadcastEnable: true,
    retryQueueNums: DEFAULT_GROUP_RETRY_QUEUE_NUMS,
    retryMaxTimes: DEFAULT_GROUP_RETRY_MAX_TIMES,
    brokerId: DEFAULT_GROUP_BROKER_ID,
    whichBrokerWhenConsumeSlowly: DEFAULT_GROUP_WHICH_BROKER_WHEN_CONSUME_SLOWLY,
    notifyConsumerIdsChangedEnable: true,
    ...withoutUndefined(partial),
    groupName,
  };
  validateSubscriptionGroup(config, 'subscriptionGroupWithDefaults');
  return config;
}

/** Throws a TypeError/RangeError naming the first bad field. Also used on records loaded from disk. */
export function validateSubscriptionGroup(config: SubscriptionGroupConfig, where: string): void {
  if (typeof config !== 'object' || config === null) throw new TypeError(`${where}: a subscription group config must be an object`);
  assertNonEmptyString(where, 'groupName', config.groupName);
  const of = ` of group "${config.groupName}"`;
  assertBoolean(where, `consumeEnable${of}`, config.consumeEnable);
  assertBoolean(where, `consumeFromMinEnable${of}`, config.consumeFromMinEnable);
  assertBoolean(where, `consumeBroadcastEnable${of}`, config.consumeBroadcastEnable);
  assertNonNegativeInteger(where, `retryQueueNums${of}`, config.retryQueueNums);
  assertNonNegativeInteger(where, `retryMaxTimes${of}`, config.retryMaxTimes);
  assertNonNegativeInteger(where, `brokerId${of}`, config.brokerId);
  assertNonNegativeInteger(where, `whichBrokerWhenConsumeSlowly${of}`, config.whichBrokerWhenConsumeSlowly);
  assertBoolean(where, `notifyConsumerIdsChangedEnable${of}`, config.notifyConsumerIdsChangedEnable);
}

/** A copy of the known fields, so callers can't mutate what the store holds (and vice versa). */
export function copySubscriptionGroup(config: SubscriptionGroupConfig): SubscriptionGroupConfig {
  return {
    groupName: config.groupName,
    consumeEnable: config.consumeEnable,
    consumeFromMinEnable: config.consumeFromMinEnable,
    consumeBroadcastEnable: config.consumeBroadcastEnable,
    retryQueueNums: config.retryQueueNums,
    retryMaxTimes: config.retryMaxTimes,
    brokerId: config.brokerId,
    whichBrokerWhenConsumeSlowly: config.whichBrokerWhenConsumeSlowly,
    notifyConsumerIdsChangedEnable: config.notifyConsumerIdsChangedEnable,
  };
}
