// Decoding of the rows MetadataStore keeps in LevelDB. Every sublevel holds one kind of record:
//
//   topic!<topicName>                    -> TopicConfig as JSON
//   group!<groupName>                    -> SubscriptionGroupConfig as JSON
//   consumer-offset![group,topic,queue]  -> offset (decimal); the key is a JSON array so any names work
//   delay-offset!<level>                 -> offset (decimal)
//   transaction!<key>                    -> a JSON object
//   data-version!topic                   -> the topic table's DataVersion as JSON
//   data-version!group                   -> the group table's DataVersion as JSON
//                                           {"stateVersion":0,"timestamp":ms,"counter":n}
//
// A row that does not decode is not skipped: silently losing a topic or an offset is worse than a
// broker that refuses to start and says which row is damaged.
import type { DataVersion } from '@pulsejet/protocol';
import { ConsumerOffsetTable } from './consumer-offset-table';
import { copyDataVersion } from './data-version';
import { KvErrorCode, kvError } from './kv-errors';
import type { ConsumerOffset } from './consumer-offset-table';
import { copySubscriptionGroup, validateSubscriptionGroup } from './subscription-group-config';
import type { SubscriptionGroupConfig } from './subscription-group-config';
import { copyTopicConfig, validateTopicConfig } from './topic-config';
import type { TopicConfig } from './topic-config';
import { assertNonEmptyString, assertNonNegativeInteger, assertPositiveInteger } from './validate';

export function decodeTopic(key: string, value: string): TopicConfig {
  return decoding('topic', key, () => {
    const config = JSON.parse(value) as TopicConfig;
    validateTopicConfig(config, 'topic record');
    if (config.topicName !== key) throw new Error(`it names topic "${config.topicName}"`);
    return copyTopicConfig(config);
  });
}

export function decodeGroup(key: string, value: string): SubscriptionGroupConfig {
  return decoding('group', key, () => {
    const config = JSON.parse(value) as SubscriptionGroupConfig;
    validateSubscriptionGroup(config, 'group record');
    if (config.groupName !== key) throw new Error(`it names group "${config.groupName}"`);
    return copySubscriptionGroup(config);
  });
}

export function decodeConsumerOffset(key: string, value: string): ConsumerOffset {
  return decoding('consumer-offset', key, () => {
    const parsed: unknown = JSON.parse(key);
    if (!Array.isArray(parsed) || parsed.length !== 3) throw new Error('the key is not [group, topic, queueId]');
    const [group, topic, queueId] = parsed as unknown[];
    assertNonEmptyString('consumer offset', 'group', group);
    assertNonEmptyString('consumer offset', 'topic', topic);
    assertNonNegativeInteger('consumer offset', 'queueId', queueId);
    const offset = decodeOffset(value);
    if (ConsumerOffsetTable.storageKey(group, topic, queueId) !== key) throw new Error('the key is not in canonical form');
    return { group, topic, queueId, offset };
  });
}

export function decodeDelayOffset(key: string, value: string): { level: number; offset: number } {
  return decoding('delay-offset', key, () => {
    const level = Number(key);
    assertPositiveInteger('delay offset', 'level', level);
    return { level, offset: decodeOffset(value) };
  });
}

export function decodeDataVersionRecord(key: string, value: string): DataVersion {
  return decoding('data-version', key, () => copyDataVersion(JSON.parse(value) as DataVersion, 'data version record'));
}

/** The stored (and returned) form of a transaction record: its JSON text. */
export function encodeTransactionState(value: Record<string, unknown>, where: string): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${where}: the value must be a plain object`);
  try {
    return JSON.stringify(value);
  } catch (cause) {
    throw new TypeError(`${where}: the value must be JSON-serializable (no cycles, no BigInt)`, { cause });
  }
}

/** Returns the JSON text itself, after checking it is an object. */
export function decodeTransactionState(key: string, value: string): string {
  return decoding('transaction', key, () => {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the value is not a JSON object');
    return value;
  });
}

function decodeOffset(value: string): number {
  // Number('') is 0, so check the text is digits before trusting the conversion.
  if (!/^\d+$/.test(value)) throw new Error(`the offset ${JSON.stringify(value)} is not a decimal integer`);
  const offset = Number(value);
  assertNonNegativeInteger('offset record', 'offset', offset);
  return offset;
}

function decoding<T>(sublevel: string, key: string, decode: () => T): T {
  try {
    return decode();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw kvError(
      KvErrorCode.CORRUPT_RECORD,
      `MetadataStore: the ${sublevel} row ${JSON.stringify(key)} is corrupt (${reason}). ` +
        'Restore the metadata database from a backup or a slave, or delete that row to drop it.',
      cause,
    );
  }
}
