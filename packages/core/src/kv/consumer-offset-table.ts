/** One committed consumer offset (RocketMQ ConsumerOffsetManager's `topic@group` → queueId → offset). */
export interface ConsumerOffset {
  group: string;
  topic: string;
  queueId: number;
  offset: number;
}

/**
 * The in-memory consumer offset table, plus the set of rows changed since they were last written.
 * Nested by group then topic because the broker asks "offsets of this group" and "groups of this
 * topic" (rebalance, lag); a commit is the hot path and only touches maps.
 */
export class ConsumerOffsetTable {
  private readonly byGroup = new Map<string, Map<string, Map<number, number>>>();
  /**
   * Rows written in memory but not yet on disk, nested as byGroup is (no empty maps or sets kept).
   * Not a set of storage keys: a commit comes with nearly every pull of a push consumer, and building
   * its key (JSON of an array) took 3.1% of a broker's main thread in the end-to-end row's profile;
   * keys are built once per row when the rows are written.
   */
  private readonly dirty = new Map<string, Map<string, Set<number>>>();

  /** The LevelDB key of one row: JSON keeps arbitrary group and topic names unambiguous. */
  static storageKey(group: string, topic: string, queueId: number): string {
    return JSON.stringify([group, topic, queueId]);
  }

  /** Sets an offset; `markDirty: false` is for rows read from disk, which are already persisted. */
  set(group: string, topic: string, queueId: number, offset: number, markDirty = true): void {
    let topics = this.byGroup.get(group);
    if (topics === undefined) this.byGroup.set(group, (topics = new Map()));
    let queues = topics.get(topic);
    if (queues === undefined) topics.set(topic, (queues = new Map()));
    queues.set(queueId, offset);
    if (markDirty) this.markDirty(group, topic, queueId);
  }

  private markDirty(group: string, topic: string, queueId: number): void {
    let topics = this.dirty.get(group);
    if (topics === undefined) this.dirty.set(group, (topics = new Map()));
    let queues = topics.get(topic);
    if (queues === undefined) topics.set(topic, (queues = new Set()));
    queues.add(queueId);
  }

  get(group: string, topic: string, queueId: number): number | undefined {
    return this.byGroup.get(group)?.get(topic)?.get(queueId);
  }

  ofGroup(group: string): Array<{ topic: string; queueId: number; offset: number }> {
    const result: Array<{ topic: string; queueId: number; offset: number }> = [];
    for (const [topic, queues] of this.byGroup.get(group) ?? []) {
      for (const [queueId, offset] of queues) result.push({ topic, queueId, offset });
    }
    return result;
  }

  groupsOfTopic(topic: string): string[] {
    const groups: string[] = [];
    for (const [group, topics] of this.byGroup) if (topics.has(topic)) groups.push(group);
    return groups;
  }

  all(): ConsumerOffset[] {
    const result: ConsumerOffset[] = [];
    for (const group of this.byGroup.keys()) {
      for (const row of this.ofGroup(group)) result.push({ group, ...row });
    }
    return result;
  }

  /** Removes a group's rows (of one topic, or all) and returns them, so a failed delete can put them back. */
  remove(group: string, topic?: string): ConsumerOffset[] {
    const topics = this.byGroup.get(group);
    if (topics === undefined) return [];
    const removed: ConsumerOffset[] = [];
    const dirtyTopics = this.dirty.get(group);
    for (const [name, queues] of topics) {
      if (topic !== undefined && name !== topic) continue;
      for (const [queueId, offset] of queues) removed.push({ group, topic: name, queueId, offset });
      topics.delete(name);
      dirtyTopics?.delete(name);
    }
    if (topics.size === 0) this.byGroup.delete(group);
    if (dirtyTopics?.size === 0) this.dirty.delete(group);
    return removed;
  }

  /** Rows to write now; the dirty set is cleared (call `restoreDirty` if the write fails). */
  takeDirty(): Array<{ key: string; offset: number }> {
    const rows: Array<{ key: string; offset: number }> = [];
    for (const [group, topics] of this.dirty) {
      for (const [topic, queueIds] of topics) {
        for (const queueId of queueIds) {
          const offset = this.get(group, topic, queueId);
          if (offset !== undefined) rows.push({ key: ConsumerOffsetTable.storageKey(group, topic, queueId), offset });
        }
      }
    }
    this.dirty.clear();
    return rows;
  }

  hasDirty(): boolean {
    return this.dirty.size > 0;
  }

  /** Marks the rows of these storage keys (from takeDirty) as not yet written again. */
  restoreDirty(keys: Iterable<string>): void {
    for (const key of keys) {
      const [group, topic, queueId] = JSON.parse(key) as [string, string, number];
      this.markDirty(group, topic, queueId);
    }
  }

  clear(): void {
    this.byGroup.clear();
    this.dirty.clear();
  }
}
