import { ConsumerOffsetTable } from './consumer-offset-table';
import { copySubscriptionGroup, validateSubscriptionGroup } from './subscription-group-config';
import type { SubscriptionGroupConfig } from './subscription-group-config';
import { copyTopicConfig, validateTopicConfig } from './topic-config';
import type { TopicConfig } from './topic-config';
import { assertNonEmptyString, assertNonNegativeInteger, assertPositiveInteger } from './validate';

/**
 * The whole replicable broker metadata, as a master hands it to a slave (RocketMQ's slave syncs
 * topic configs, subscription groups, consumer offsets and delay offsets). Transaction bookkeeping
 * is local to the broker that checks its half messages, so it is not part of a snapshot.
 */
export interface MetadataSnapshot {
  topics: TopicConfig[];
  groups: SubscriptionGroupConfig[];
  offsets: Array<{ group: string; topic: string; queueId: number; offset: number }>;
  delayOffsets: Array<{ level: number; offset: number }>;
}

/** Validated copies of a snapshot's rows; duplicates are rejected because which one wins would be arbitrary. */
export function validateSnapshot(snapshot: MetadataSnapshot): MetadataSnapshot {
  const where = 'MetadataStore.importSnapshot';
  if (typeof snapshot !== 'object' || snapshot === null) throw new TypeError(`${where}: the snapshot must be an object`);
  for (const field of ['topics', 'groups', 'offsets', 'delayOffsets'] as const) {
    if (!Array.isArray(snapshot[field])) throw new TypeError(`${where}: snapshot.${field} must be an array`);
  }
  const unique = (what: string, keys: string[]): void => {
    const seen = new Set<string>();
    for (const key of keys) {
      if (seen.has(key)) throw new RangeError(`${where}: snapshot.${what} lists ${key} twice`);
      seen.add(key);
    }
  };
  snapshot.topics.forEach((topic) => validateTopicConfig(topic, where));
  unique('topics', snapshot.topics.map((topic) => JSON.stringify(topic.topicName)));
  snapshot.groups.forEach((group) => validateSubscriptionGroup(group, where));
  unique('groups', snapshot.groups.map((group) => JSON.stringify(group.groupName)));
  for (const row of snapshot.offsets) {
    assertNonEmptyString(where, 'offsets[].group', row.group);
    assertNonEmptyString(where, 'offsets[].topic', row.topic);
    assertNonNegativeInteger(where, 'offsets[].queueId', row.queueId);
    assertNonNegativeInteger(where, 'offsets[].offset', row.offset);
  }
  unique('offsets', snapshot.offsets.map((row) => ConsumerOffsetTable.storageKey(row.group, row.topic, row.queueId)));
  for (const row of snapshot.delayOffsets) {
    assertPositiveInteger(where, 'delayOffsets[].level', row.level);
    assertNonNegativeInteger(where, 'delayOffsets[].offset', row.offset);
  }
  unique('delayOffsets', snapshot.delayOffsets.map((row) => `level ${row.level}`));
  return {
    topics: snapshot.topics.map(copyTopicConfig),
    groups: snapshot.groups.map(copySubscriptionGroup),
    offsets: snapshot.offsets.map(({ group, topic, queueId, offset }) => ({ group, topic, queueId, offset })),
    delayOffsets: snapshot.delayOffsets.map(({ level, offset }) => ({ level, offset })),
  };
}
