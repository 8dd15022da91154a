// Reading every metadata table at open: MetadataStore holds all of it in memory and reads it
// synchronously afterwards.
import type { DataVersion } from '@pulsejet/protocol';
import { ConsumerOffsetTable } from './consumer-offset-table';
import { loadDataVersions } from './data-version';
import type { VersionedTable } from './data-version';
import { decodeConsumerOffset, decodeDataVersionRecord, decodeDelayOffset, decodeGroup, decodeTopic, decodeTransactionState } from './metadata-records';
import type { MetadataSublevels } from './metadata-sublevels';
import type { SubscriptionGroupConfig } from './subscription-group-config';
import type { TopicConfig } from './topic-config';

/** The in-memory tables MetadataStore.open fills. */
export interface MetadataTables {
  topics: Map<string, TopicConfig>;
  groups: Map<string, SubscriptionGroupConfig>;
  versions: Record<VersionedTable, DataVersion>;
  offsets: ConsumerOffsetTable;
  delayOffsets: Map<number, number>;
  transactions: Map<string, string>;
}

/**
 * Fills `tables` from the sublevels. Returns the versioned tables that had no stored version (a
 * store written before versions were kept): the caller stores the initial ones it was given.
 */
export async function loadMetadataTables(sub: MetadataSublevels, tables: MetadataTables): Promise<VersionedTable[]> {
  for (const [key, value] of await sub.topic.iterator().all()) {
    const topic = decodeTopic(key, value);
    tables.topics.set(topic.topicName, topic);
  }
  for (const [key, value] of await sub.group.iterator().all()) {
    const group = decodeGroup(key, value);
    tables.groups.set(group.groupName, group);
  }
  for (const [key, value] of await sub.offset.iterator().all()) {
    const row = decodeConsumerOffset(key, value);
    tables.offsets.set(row.group, row.topic, row.queueId, row.offset, false);
  }
  for (const [key, value] of await sub.delay.iterator().all()) {
    const row = decodeDelayOffset(key, value);
    tables.delayOffsets.set(row.level, row.offset);
  }
  for (const [key, value] of await sub.transaction.iterator().all()) {
    tables.transactions.set(key, decodeTransactionState(key, value));
  }
  return loadDataVersions(await sub.version.iterator().all(), decodeDataVersionRecord, tables.versions);
}
