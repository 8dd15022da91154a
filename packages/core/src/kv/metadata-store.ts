import type { DataVersion } from '@pulsejet/protocol';
import { ConsumerOffsetTable, type ConsumerOffset } from './consumer-offset-table';
import { copyDataVersion, initialDataVersion, nextDataVersion } from './data-version';
import type { VersionedTable } from './data-version';
import { KvErrorCode, kvError } from './kv-errors';
import { loadMetadataTables } from './metadata-load';
import { encodeTransactionState } from './metadata-records';
import { validateSnapshot } from './metadata-snapshot';
import type { MetadataSnapshot } from './metadata-snapshot';
import { resolveMetadataStoreOptions } from './metadata-store-options';
import type { MetadataStoreOptions, ResolvedMetadataStoreOptions } from './metadata-store-options';
import { metadataSublevels, type KvSublevel, type MetaOp, type MetadataSublevels } from './metadata-sublevels';
import type { KvDatabase } from './open-level';
import { copySubscriptionGroup, validateSubscriptionGroup } from './subscription-group-config';
import type { SubscriptionGroupConfig } from './subscription-group-config';
import { copyTopicConfig, validateTopicConfig, type TopicConfigView } from './topic-config';
import type { TopicConfig } from './topic-config';
import { assertNonEmptyString, assertNonNegativeInteger, assertPositiveInteger } from './validate';

/**
 * The broker's metadata in one LevelDB: RocketMQ's TopicConfigManager, SubscriptionGroupManager,
 * ConsumerOffsetManager and ScheduleMessageService offsets, plus transaction bookkeeping.
 *
 * Everything is loaded into memory at open and read synchronously. Topics, groups and transaction
 * records are written through (the promise resolves once LevelDB has them). Consumer and delay
 * offsets are the hot path: a commit only updates memory and is persisted by the periodic flush,
 * flush() or close() — a crash loses at most one interval of commits, which consumers tolerate by
 * re-consuming (RocketMQ makes the same trade with its JSON files).
 *
 * All LevelDB writes go through one queue so they reach disk in call order: a flush can never
 * resurrect offsets that a later deleteOffsets removed.
 *
 * The topic and subscription group tables each have a data version (Java TopicConfigManager's and
 * SubscriptionGroupManager's, saved in topics.json and subscriptionGroup.json), written in the same
 * batch as every change of its table, so a restart never moves it backwards and whoever compares
 * versions (a slave, a nameserver) sees exactly what the table holds.
 */
export class MetadataStore {
  private readonly topics = new Map<string, TopicConfig>();
  private readonly groups = new Map<string, SubscriptionGroupConfig>();
  private readonly versions: Record<VersionedTable, DataVersion> = { topic: initialDataVersion(), group: initialDataVersion() };
  private readonly offsets = new ConsumerOffsetTable();
  private readonly delayOffsets = new Map<number, number>();
  private readonly dirtyDelayLevels = new Set<number>();
  /** JSON text: each read parses a fresh copy, and what memory holds is exactly what reload gives. */
  private readonly transactions = new Map<string, string>();
  private readonly sub: MetadataSublevels;
  private writeTail: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private periodicFlushRunning = false;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly db: KvDatabase,
    private readonly options: ResolvedMetadataStoreOptions,
  ) {
    this.sub = metadataSublevels(db);
  }

  /** Loads all metadata from `db` (which stays owned by the caller) and starts the offset flush timer. */
  static async open(db: KvDatabase, options?: MetadataStoreOptions): Promise<MetadataStore> {
    const store = new MetadataStore(db, resolveMetadataStoreOptions(options));
    await store.load();
    store.timer = setInterval(() => store.periodicFlush(), store.options.offsetFlushIntervalMs);
    // A pending flush must never keep the process alive; close() does the final flush.
    store.timer.unref();
    return store;
  }

  // --- topics -------------------------------------------------------------------------------------

  getTopic(name: string): TopicConfig | undefined {
    const config = this.topics.get(name);
    return config === undefined ? undefined : copyTopicConfig(config);
  }

  /**
   * The stored config itself, for hot paths that only read it (every send checks its topic): no
   * copy, which getTopic makes. Safe to hold: a put or delete replaces the stored object, it never
   * changes one in place, so a view keeps the values it had.
   */
  topicView(name: string): TopicConfigView | undefined {
    return this.topics.get(name);
  }

  listTopics(): TopicConfig[] {
    return [...this.topics.values()].map(copyTopicConfig);
  }

  async putTopic(config: TopicConfig): Promise<void> {
    this.assertOpen('putTopic');
    validateTopicConfig(config, 'MetadataStore.putTopic');
    const copy = copyTopicConfig(config);
    // Every put is a new version, changed or not, as in Java's updateTopicConfig.
    const op: MetaOp = { type: 'put', sublevel: this.sub.topic, key: copy.topicName, value: JSON.stringify(copy) };
    return this.serial(() => this.writeVersioned('topic', op, () => this.topics.set(copy.topicName, copy)));
  }

  /** Resolves to false when there was no such topic. Consumer offsets of the topic are left to deleteOffsets. */
  async deleteTopic(name: string): Promise<boolean> {
    this.assertOpen('deleteTopic');
    assertNonEmptyString('MetadataStore.deleteTopic', 'name', name);
    return this.serial(async () => {
      if (!this.topics.has(name)) return false;
      await this.writeVersioned('topic', { type: 'del', sublevel: this.sub.topic, key: name }, () => this.topics.delete(name));
      return true;
    });
  }

  /** The topic table's data version (REGISTER_BROKER's and GET_ALL_TOPIC_CONFIG's "dataVersion"); a copy. */
  topicDataVersion(): DataVersion {
    return { ...this.versions.topic };
  }

  /** Sets the topic table's version: a slave takes its master's after copying its topics (Java SlaveSynchronize.syncTopicConfig). */
  setTopicDataVersion(version: DataVersion): Promise<void> {
    return this.setDataVersion('topic', version, 'setTopicDataVersion');
  }

  // --- subscription groups ------------------------------------------------------------------------

  getGroup(name: string): SubscriptionGroupConfig | undefined {
    const config = this.groups.get(name);
    return config === undefined ? undefined : copySubscriptionGroup(config);
  }

  listGroups(): SubscriptionGroupConfig[] {
    return [...this.groups.values()].map(copySubscriptionGroup);
  }

  async putGroup(config: SubscriptionGroupConfig): Promise<void> {
    this.assertOpen('putGroup');
    validateSubscriptionGroup(config, 'MetadataStore.putGroup');
    const copy = copySubscriptionGroup(config);
    // Every put is a new version, changed or not, as in Java's updateSubscriptionGroupConfig.
    const op: MetaOp = { type: 'put', sublevel: this.sub.group, key: copy.groupName, value: JSON.stringify(copy) };
    return this.serial(() => this.writeVersioned('group', op, () => this.groups.set(copy.groupName, copy)));
  }

  async deleteGroup(name: string): Promise<boolean> {
    this.assertOpen('deleteGroup');
    assertNonEmptyString('MetadataStore.deleteGroup', 'name', name);
    return this.serial(async () => {
      if (!this.groups.has(name)) return false;
      await this.writeVersioned('group', { type: 'del', sublevel: this.sub.group, key: name }, () => this.groups.delete(name));
      return true;
    });
  }

  /** The group table's data version (GET_ALL_SUBSCRIPTIONGROUP_CONFIG's "dataVersion"); a copy. */
  groupDataVersion(): DataVersion {
    return { ...this.versions.group };
  }

  /** Sets the group table's version: a slave takes its master's after copying its groups (Java assignNewOne). */
  setGroupDataVersion(version: DataVersion): Promise<void> {
    return this.setDataVersion('group', version, 'setGroupDataVersion');
  }

  // --- consumer offsets ---------------------------------------------------------------------------

  /** Stores `offset` as given: it may move backwards (an admin reset), but must be a non-negative integer. */
  commitOffset(group: string, topic: string, queueId: number, offset: number): void {
    this.assertOpen('commitOffset');
    const where = 'MetadataStore.commitOffset';
    assertNonEmptyString(where, 'group', group);
    assertNonEmptyString(where, 'topic', topic);
    assertNonNegativeInteger(where, 'queueId', queueId);
    assertNonNegativeInteger(where, 'offset', offset);
    this.offsets.set(group, topic, queueId, offset);
  }

  queryOffset(group: string, topic: string, queueId: number): number | undefined {
    return this.offsets.get(group, topic, queueId);
  }

  offsetsOfGroup(group: string): Array<{ topic: string; queueId: number; offset: number }> {
    return this.offsets.ofGroup(group);
  }

  groupsOfTopic(topic: string): string[] {
    return this.offsets.groupsOfTopic(topic);
  }

  /** Every committed offset, of every group (a copy). */
  listOffsets(): ConsumerOffset[] {
    return this.offsets.all();
  }

  /** Forgets a group's offsets (of one topic, or all) in memory now and on disk when this resolves. */
  async deleteOffsets(group: string, topic?: string): Promise<void> {
    this.assertOpen('deleteOffsets');
    assertNonEmptyString('MetadataStore.deleteOffsets', 'group', group);
    if (topic !== undefined) assertNonEmptyString('MetadataStore.deleteOffsets', 'topic', topic);
    // Removed from memory at call time, so a commit made after this call survives it.
    const removed = this.offsets.remove(group, topic);
    return this.serial(async () => {
      // A row committed again since the call is live: its next flush writes it, so don't delete it.
      const gone = removed.filter((row) => this.offsets.get(row.group, row.topic, row.queueId) === undefined);
      if (gone.length === 0) return;
      const keys = gone.map((row) => ConsumerOffsetTable.storageKey(row.group, row.topic, row.queueId));
      try {
        await this.write(keys.map((key): MetaOp => ({ type: 'del', sublevel: this.sub.offset, key })));
      } catch (error) {
        // Disk still has them; put them back so memory and disk agree.
        for (const row of gone) {
          if (this.offsets.get(row.group, row.topic, row.queueId) === undefined) this.offsets.set(row.group, row.topic, row.queueId, row.offset, false);
        }
        throw error;
      }
    });
  }

  // --- delay-level progress (ScheduleMessageService) ----------------------------------------------

  /** Levels are RocketMQ's 1-based delay levels (level 0 means "not delayed" and has no progress). */
  setDelayOffset(level: number, offset: number): void {
    this.assertOpen('setDelayOffset');
    assertPositiveInteger('MetadataStore.setDelayOffset', 'level', level);
    assertNonNegativeInteger('MetadataStore.setDelayOffset', 'offset', offset);
    this.delayOffsets.set(level, offset);
    this.dirtyDelayLevels.add(level);
  }

  getDelayOffset(level: number): number | undefined {
    return this.delayOffsets.get(level);
  }

  listDelayOffsets(): Array<{ level: number; offset: number }> {
    return [...this.delayOffsets].sort(([a], [b]) => a - b).map(([level, offset]) => ({ level, offset }));
  }

  // --- transaction bookkeeping --------------------------------------------------------------------

  /** `value` must be a JSON object; what is stored (and read back) is its JSON form. */
  async putTransactionState(key: string, value: Record<string, unknown>): Promise<void> {
    this.assertOpen('putTransactionState');
    assertNonEmptyString('MetadataStore.putTransactionState', 'key', key);
    const json = encodeTransactionState(value, `MetadataStore.putTransactionState("${key}")`);
    return this.serial(async () => {
      await this.write([{ type: 'put', sublevel: this.sub.transaction, key, value: json }]);
      this.transactions.set(key, json);
    });
  }

  getTransactionState(key: string): Record<string, unknown> | undefined {
    const json = this.transactions.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as Record<string, unknown>);
  }

  async deleteTransactionState(key: string): Promise<void> {
    this.assertOpen('deleteTransactionState');
    assertNonEmptyString('MetadataStore.deleteTransactionState', 'key', key);
    return this.serial(async () => {
      await this.write([{ type: 'del', sublevel: this.sub.transaction, key }]);
      this.transactions.delete(key);
    });
  }

  listTransactionStates(): Array<{ key: string; value: Record<string, unknown> }> {
    return [...this.transactions].map(([key, json]) => ({ key, value: JSON.parse(json) as Record<string, unknown> }));
  }

  // --- replication --------------------------------------------------------------------------------

  /** Copies of everything a slave mirrors, in a stable order. */
  exportSnapshot(): MetadataSnapshot {
    const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    return {
      topics: this.listTopics().sort((a, b) => byName(a.topicName, b.topicName)),
      groups: this.listGroups().sort((a, b) => byName(a.groupName, b.groupName)),
      offsets: this.offsets
        .all()
        .sort((a, b) => byName(a.group, b.group) || byName(a.topic, b.topic) || a.queueId - b.queueId),
      delayOffsets: this.listDelayOffsets(),
    };
  }

  /**
   * Replaces topics, groups, consumer offsets and delay offsets with the snapshot's, in one atomic
   * batch (a slave mirrors its master; transaction records are kept). The snapshot is validated
   * first: an invalid one changes nothing.
   */
  async importSnapshot(snapshot: MetadataSnapshot): Promise<void> {
    this.assertOpen('importSnapshot');
    const incoming = validateSnapshot(snapshot);
    return this.serial(async () => {
      const ops: MetaOp[] = [];
      const del = (sublevel: KvSublevel, key: string): number => ops.push({ type: 'del', sublevel, key });
      const put = (sublevel: KvSublevel, key: string, value: string): number => ops.push({ type: 'put', sublevel, key, value });
      for (const name of this.topics.keys()) del(this.sub.topic, name);
      for (const name of this.groups.keys()) del(this.sub.group, name);
      for (const row of this.offsets.all()) del(this.sub.offset, ConsumerOffsetTable.storageKey(row.group, row.topic, row.queueId));
      for (const level of this.delayOffsets.keys()) del(this.sub.delay, String(level));
      // Puts come after the deletes: in a batch the last operation on a key wins.
      for (const topic of incoming.topics) put(this.sub.topic, topic.topicName, JSON.stringify(topic));
      for (const group of incoming.groups) put(this.sub.group, group.groupName, JSON.stringify(group));
      for (const row of incoming.offsets) put(this.sub.offset, ConsumerOffsetTable.storageKey(row.group, row.topic, row.queueId), String(row.offset));
      for (const row of incoming.delayOffsets) put(this.sub.delay, String(row.level), String(row.offset));
      // Topics and groups were replaced: new versions, so whoever compares versions re-reads them.
      const topicVersion = nextDataVersion(this.versions.topic);
      const groupVersion = nextDataVersion(this.versions.group);
      ops.push(this.versionOp('topic', topicVersion), this.versionOp('group', groupVersion));
      await this.write(ops);
      this.versions.topic = topicVersion;
      this.versions.group = groupVersion;

      this.topics.clear();
      for (const topic of incoming.topics) this.topics.set(topic.topicName, topic);
      this.groups.clear();
      for (const group of incoming.groups) this.groups.set(group.groupName, group);
      this.offsets.clear();
      for (const row of incoming.offsets) this.offsets.set(row.group, row.topic, row.queueId, row.offset, false);
      this.delayOffsets.clear();
      this.dirtyDelayLevels.clear();
      for (const row of incoming.delayOffsets) this.delayOffsets.set(row.level, row.offset);
    });
  }

  // --- lifecycle ----------------------------------------------------------------------------------

  /** Writes dirty consumer and delay offsets now, in one batch. On failure they stay dirty. */
  flush(): Promise<void> {
    return this.serial(async () => {
      const rows = this.offsets.takeDirty();
      const levels = [...this.dirtyDelayLevels];
      this.dirtyDelayLevels.clear();
      const ops: MetaOp[] = rows.map((row) => ({ type: 'put', sublevel: this.sub.offset, key: row.key, value: String(row.offset) }));
      for (const level of levels) {
        const offset = this.delayOffsets.get(level);
        if (offset !== undefined) ops.push({ type: 'put', sublevel: this.sub.delay, key: String(level), value: String(offset) });
      }
      if (ops.length === 0) return;
      try {
        await this.write(ops);
      } catch (cause) {
        this.offsets.restoreDirty(rows.map((row) => row.key));
        for (const level of levels) this.dirtyDelayLevels.add(level);
        throw kvError(KvErrorCode.FLUSH_FAILED, `MetadataStore: writing ${ops.length} offsets failed; they stay in memory and the next flush retries them.`, cause);
      }
    });
  }

  /** Idempotent: stops the flush timer and writes dirty offsets. Does not close the database (its owner does). */
  close(): Promise<void> {
    if (this.closing === undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.closing = this.flush();
    }
    return this.closing;
  }

  private periodicFlush(): void {
    if (this.periodicFlushRunning || (!this.offsets.hasDirty() && this.dirtyDelayLevels.size === 0)) return;
    this.periodicFlushRunning = true;
    this.flush()
      .catch((error: unknown) => this.options.onFlushError?.(error))
      .finally(() => {
        this.periodicFlushRunning = false;
      });
  }

  /**
   * Every write is a batch on the database we were given, naming the sublevel per operation: a
   * sublevel object stays closed if its parent is closed and reopened, the parent does not.
   */
  private write(ops: MetaOp[]): Promise<void> {
    return this.db.batch(ops);
  }

  /** Writes `op` with the table's next version in one batch; `apply` updates memory once LevelDB has both. */
  private async writeVersioned(table: VersionedTable, op: MetaOp, apply: () => void): Promise<void> {
    const version = nextDataVersion(this.versions[table]);
    await this.write([op, this.versionOp(table, version)]);
    apply();
    this.versions[table] = version;
  }

  private versionOp(table: VersionedTable, version: DataVersion): MetaOp {
    return { type: 'put', sublevel: this.sub.version, key: table, value: JSON.stringify(version) };
  }

  private async setDataVersion(table: VersionedTable, version: DataVersion, operation: string): Promise<void> {
    this.assertOpen(operation);
    const copy = copyDataVersion(version, `MetadataStore.${operation}`);
    return this.serial(async () => {
      await this.write([this.versionOp(table, copy)]);
      this.versions[table] = copy;
    });
  }

  /** Runs LevelDB writes one after another, in call order, whatever each one's outcome. */
  private serial<T>(write: () => Promise<T>): Promise<T> {
    const result = this.writeTail.then(write);
    this.writeTail = result.catch(() => undefined);
    return result;
  }

  private assertOpen(operation: string): void {
    if (this.closing !== undefined) throw kvError(KvErrorCode.CLOSED, `MetadataStore.${operation}: the store is closed; open a new MetadataStore.`);
  }

  private async load(): Promise<void> {
    const { topics, groups, versions, offsets, delayOffsets, transactions } = this;
    const unstored = await loadMetadataTables(this.sub, { topics, groups, versions, offsets, delayOffsets, transactions });
    if (unstored.length > 0) await this.write(unstored.map((table) => this.versionOp(table, this.versions[table])));
  }
}
