import { assertBoolean, assertInteger, assertNonEmptyString, assertNonNegativeInteger, assertStringRecord, withoutUndefined } from './validate';

/** A topic's broker-side configuration (RocketMQ's TopicConfig, as kept by TopicConfigManager). */
export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  /** Bit set of PERM_READ | PERM_WRITE | PERM_INHERIT. */
  perm: number;
  topicFilterType: 'SINGLE_TAG' | 'MULTI_TAG';
  topicSysFlag: number;
  order: boolean;
  attributes?: Record<string, string>;
}

/** A stored topic config read in place (MetadataStore.topicView): read-only, its attributes included. */
export type TopicConfigView = Readonly<Omit<TopicConfig, 'attributes'>> & { readonly attributes?: Readonly<Record<string, string>> };

/** RocketMQ `defaultTopicQueueNums`: queues of a topic created without an explicit count. */
export const DEFAULT_TOPIC_QUEUE_NUMS = 4;

// RocketMQ PermName bits.
export const PERM_READ = 4;
export const PERM_WRITE = 2;
export const PERM_INHERIT = 1;

/** Read and write: what a new topic gets in RocketMQ. */
export const DEFAULT_TOPIC_PERM = PERM_READ | PERM_WRITE;

/** A complete TopicConfig with RocketMQ's defaults for whatever `partial` leaves out. */
export function topicConfigWithDefaults(topicName: string, partial: Partial<TopicConfig> = {}): TopicConfig {
  const config: TopicConfig = {
    readQueueNums: DEFAULT_TOPIC_QUEUE_NUMS,
    writeQueueNums: DEFAULT_TOPIC_QUEUE_NUMS,
    perm: DEFAULT_TOPIC_PERM,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
    ...withoutUndefined(partial),
    topicName,
  };
  validateTopicConfig(config, 'topicConfigWithDefaults');
  return config;
}

/** Throws a TypeError/RangeError naming the first bad field. Also used on records loaded from disk. */
export function validateTopicConfig(config: TopicConfig, where: string): void {
  if (typeof config !== 'object' || config === null) throw new TypeError(`${where}: a topic config must be an object`);
  assertNonEmptyString(where, 'topicName', config.topicName);
  assertNonNegativeInteger(where, `readQueueNums of topic "${config.topicName}"`, config.readQueueNums);
  assertNonNegativeInteger(where, `writeQueueNums of topic "${config.topicName}"`, config.writeQueueNums);
  assertNonNegativeInteger(where, `perm of topic "${config.topicName}"`, config.perm);
  if (config.perm > (PERM_READ | PERM_WRITE | PERM_INHERIT)) {
    throw new RangeError(`${where}: perm of topic "${config.topicName}" must be a combination of PERM_READ, PERM_WRITE and PERM_INHERIT (0..7), got ${config.perm}`);
  }
  if (config.topicFilterType !== 'SINGLE_TAG' && config.topicFilterType !== 'MULTI_TAG') {
    throw new TypeError(`${where}: topicFilterType of topic "${config.topicName}" must be 'SINGLE_TAG' or 'MULTI_TAG'`);
  }
  assertInteger(where, `topicSysFlag of topic "${config.topicName}"`, config.topicSysFlag);
  assertBoolean(where, `order of topic "${config.topicName}"`, config.order);
  if (config.attributes !== undefined) assertStringRecord(where, `attributes of topic "${config.topicName}"`, config.attributes);
}

/** A deep copy of the known fields, so callers can't mutate what the store holds (and vice versa). */
export function copyTopicConfig(config: TopicConfig): TopicConfig {
  const copy: TopicConfig = {
    topicName: config.topicName,
    readQueueNums: config.readQueueNums,
    writeQueueNums: config.writeQueueNums,
    perm: config.perm,
    topicFilterType: config.topicFilterType,
    topicSysFlag: config.topicSysFlag,
    order: config.order,
  };
  if (config.attributes !== undefined) copy.attributes = { ...config.attributes };
  return copy;
}
