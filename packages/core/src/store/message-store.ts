import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageConst, ServiceLoop, decodeStoredRecord, tagsHashCode, type StoredMessage } from '@pulsejet/protocol';
import type { AppendResult } from '../commitlog/append-types';
import { CommitLog } from '../commitlog/commit-log';
import { GroupCommit } from '../commitlog/group-commit';
import { SegmentedLog } from '../commitlog/segmented-log';
import { ConsumeQueueTable } from '../consumequeue/consume-queue-table';
import { FileQueueDirectories, MemoryQueueDirectories } from '../consumequeue/queue-directories';
import { KeyIndex, type KeyIndexEntry } from '../kv/key-index';
import { MetadataStore } from '../kv/metadata-store';
import { openLevel, type KvDatabase } from '../kv/open-level';
import { resolveStoreOptions, type MessageStoreOptions, type ResolvedStoreOptions } from '../options';
import { createAbortFile, readCheckpoint, removeAbortFile, writeCheckpoint } from '../recovery/checkpoint';
import { recoverStore, type RecoveryReport } from '../recovery/recover';
import { Retention, fileSystemUsageRatio, type RetentionRun } from '../retention/retention';
import { FileSegmentDirectory } from '../segment/file-segment-directory';
import { MemorySegmentDirectory } from '../segment/memory-segment-directory';
import { appendReplicatedUnits } from '../replica/replica-append';
import { classifyCommitLogOffset, type CommitLogOffsetKind } from '../replica/replica-offsets';
import { AppendWriter } from './append-writer';
import { IndexDispatcher } from './index-dispatcher';
import { indexLagReport } from './index-lag-report';
import { getMessage, type GetMessageOptions, type GetMessageResult } from './message-reader';
import * as putMessage from './put-message';
import type { PreparedPut, PutLimits, PutMessageInput, PutMessageResult, TagsCodeFunction } from './put-message';
import * as putBatch from './put-batch';
import type { BatchPutInput } from './put-batch';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and these run per put.
const { preparePut, storedPositions } = putMessage;
const { prepareBatchPut } = putBatch;

/** Told after each append, so long-polling pulls can wake (the broker's MessageArrivingListener). */
export type MessageArrivalListener = (topic: string, queueId: number, nextQueueOffset: number, tagsCode: number) => void;

export interface MessageStoreHooks {
  /** Consume-queue tag code of a message. @default hash of TAGS (delay topics override it with a delivery time) */
  tagsCodeOf?: TagsCodeFunction;
}

/** Counters for monitoring and the benchmarks. */
export interface StoreStats {
  commitLogMinOffset: number;
  commitLogMaxOffset: number;
  commitLogFlushedOffset: number;
  fsyncs: number;
  pendingFlushWaiters: number;
  queuedPuts: number;
}

const INDEX_INTERVAL_MS = 100;

/**
 * The message store (RocketMQ's DefaultMessageStore): a commit log, consume queues, a key index and
 * broker metadata, with flush, recovery and retention. Open it with MessageStore.open(); the same API
 * runs on files or, with `memory: true`, entirely in memory.
 */
export class MessageStore {
  readonly options: ResolvedStoreOptions;
  readonly metadata: MetadataStore;
  /** What recovery did at open (undefined for a memory store). */
  readonly recovery: RecoveryReport | undefined;

  private readonly writer: AppendWriter;
  private readonly groupCommit: GroupCommit;
  private readonly loops: ServiceLoop[] = [];
  private readonly indexLoop: ServiceLoop;
  private readonly listeners = new Set<MessageArrivalListener>();
  private readonly growthListeners = new Set<(maxOffset: number) => void>();
  private readonly retention: Retention;
  private closing: Promise<void> | undefined;
  private readonly putLimits: PutLimits;

  private constructor(
    options: ResolvedStoreOptions,
    private readonly commitLog: CommitLog,
    private readonly queues: ConsumeQueueTable,
    private readonly keyIndex: KeyIndex,
    private readonly indexDispatcher: IndexDispatcher,
    metadata: MetadataStore,
    private readonly databases: KvDatabase[],
    tagsCodeOf: TagsCodeFunction,
    recovery: RecoveryReport | undefined,
  ) {
    this.options = options;
    this.putLimits = { maxMessageSize: options.maxMessageSize, storeHost: options.storeHost, tagsCodeOf };
    this.metadata = metadata;
    this.recovery = recovery;
    const log = options.log;
    this.writer = new AppendWriter(
      commitLog,
      options.maxWriteBatchBytes,
      (puts, results) => this.afterAppend(puts, results),
      (put, appended, resolve) => this.completePut(put, appended, resolve),
    );
    this.groupCommit = new GroupCommit(commitLog, options.syncFlushTimeout, (error) => log('error', `commit-log flush failed: ${String(error)}`));
    const root = options.storePathRootDir;
    this.retention = new Retention(options, commitLog, queues, keyIndex, () => (root ? fileSystemUsageRatio(root) : 0), log);

    if (options.flushDiskType === 'ASYNC_FLUSH') {
      this.loops.push(new ServiceLoop({ name: 'commit-log flush', intervalMs: options.flushIntervalCommitLog, task: async () => void (await commitLog.flush()) }));
    }
    this.loops.push(new ServiceLoop({ name: 'consume-queue flush', intervalMs: options.flushIntervalConsumeQueue, task: () => this.checkpoint() }));
    this.indexLoop = new ServiceLoop({
      name: 'index dispatch',
      intervalMs: INDEX_INTERVAL_MS,
      // Back to back while behind: waking the loop again (a 0 ms timer and a turn of the event loop
      // per batch, 3.8 ms between runs measured at ~200k batched puts/s) let the hand-over overflow
      // into re-reading the log, which costs more per message than the hand-over it replaces. Only
      // while behind by a batch or more (IndexDispatcher.lagging says why).
      task: async (signal) => {
        while (!signal.aborted && (await indexDispatcher.runOnce(signal)) && indexDispatcher.lagging()) {
          /* more to index */
        }
      },
    });
    this.loops.push(this.indexLoop);
    this.loops.push(new ServiceLoop({ name: 'retention', intervalMs: options.cleanResourceInterval, task: async () => void (await this.retention.run()) }));
  }

  /** Opens (and if needed recovers) a store, and starts its background services. */
  static async open(options: MessageStoreOptions, hooks: MessageStoreHooks = {}): Promise<MessageStore> {
    const resolved = resolveStoreOptions(options);
    const tagsCodeOf = hooks.tagsCodeOf ?? defaultTagsCode;
    const root = resolved.storePathRootDir;
    const memory = resolved.memory || root === undefined;

    if (!memory) fs.mkdirSync(root, { recursive: true });
    const commitLog = new CommitLog(
      new SegmentedLog(
        memory ? new MemorySegmentDirectory() : new FileSegmentDirectory(path.join(root, 'commitlog'), { recycle: true, zeroFill: resolved.warmMappedFile }),
        resolved.mappedFileSizeCommitLog,
      ),
      resolved.maxWriteBatchBytes,
    );
    const queues = new ConsumeQueueTable(memory ? new MemoryQueueDirectories() : new FileQueueDirectories(path.join(root, 'consumequeue')), resolved.consumeQueueEntriesPerFile);
    const databases: KvDatabase[] = [];
    try {
      const indexDb = await openLevel(memory ? { kind: 'memory' } : { kind: 'file', dir: path.join(root, 'index') });
      databases.push(indexDb);
      const metaDb = await openLevel(memory ? { kind: 'memory' } : { kind: 'file', dir: path.join(root, 'meta') });
      databases.push(metaDb);
      const keyIndex = await KeyIndex.open(indexDb, { entriesPerGeneration: resolved.maxIndexNum, slotsPerGeneration: resolved.maxHashSlotNum });
      if (keyIndex.rebuiltBecause) resolved.log('warn', `the key index starts afresh and is rebuilt from the commit log: ${keyIndex.rebuiltBecause}`);
      const metadata = await MetadataStore.open(metaDb);

      let recovery: RecoveryReport | undefined;
      if (!memory) {
        const crashed = createAbortFile(root);
        recovery = await recoverStore({ commitLog, queues, checkpoint: readCheckpoint(root), crashed, tagsCodeOf, log: resolved.log });
        await keyIndex.truncateFrom(recovery.logEnd);
      }
      await commitLog.warmSegmentAt(recovery?.logEnd ?? 0);
      commitLog.resetPosition(recovery?.logEnd ?? 0);
      for (const queue of queues.all()) commitLog.setNextQueueOffset(queue.topic, queue.queueId, queue.maxOffset());

      const store = new MessageStore(resolved, commitLog, queues, keyIndex, new IndexDispatcher(commitLog, keyIndex, { onFellBehind: indexLagReport(resolved.log) }), metadata, databases, tagsCodeOf, recovery);
      if (!memory) await store.checkpoint();
      for (const loop of store.loops) loop.start();
      return store;
    } catch (error) {
      // Leave nothing open (LevelDB locks, file descriptors) when the store cannot start.
      queues.close();
      commitLog.close();
      for (const db of databases) await db.close().catch(() => undefined);
      throw error;
    }
  }

  /** Stores one message. */
  putMessage(input: PutMessageInput): Promise<PutMessageResult> {
    return this.putMessages([input]);
  }

  /**
   * Stores messages of one topic and queue together (a batch send): they get consecutive queue
   * offsets and succeed or fail as one.
   */
  putMessages(inputs: readonly PutMessageInput[]): Promise<PutMessageResult> {
    if (this.closing) return Promise.resolve({ status: 'SERVICE_NOT_AVAILABLE', message: 'the message store is closing; retry against another broker' });
    const outcome = preparePut(inputs, this.putLimits);
    if (!outcome.ok) return Promise.resolve(outcome.result);
    return this.writer.submit(outcome.prepared);
  }

  /**
   * Stores the messages of a batch send from the bytes they came in (BatchPutInput): as putMessages
   * would store them with each entry's properties as encodedProperties, without an input per message.
   */
  putMessageBatch(input: BatchPutInput): Promise<PutMessageResult> {
    if (this.closing) return Promise.resolve({ status: 'SERVICE_NOT_AVAILABLE', message: 'the message store is closing; retry against another broker' });
    const outcome = prepareBatchPut(input, this.putLimits);
    if (!outcome.ok) return Promise.resolve(outcome.result);
    return this.writer.submit(outcome.prepared);
  }

  private completePut(put: PreparedPut, appended: AppendResult | Error, resolve: (result: PutMessageResult) => void): void {
    if (appended instanceof Error) {
      this.options.log('error', `commit-log append failed: ${appended.message}`);
      resolve({ status: 'UNKNOWN_ERROR', message: `the store could not write the message (${appended.message}); check the broker's disk` });
      return;
    }
    const stored = storedPositions(appended.records, this.options.storeHost);
    if (this.options.flushDiskType !== 'SYNC_FLUSH' || !put.waitStoreMsgOK) {
      resolve({ status: 'PUT_OK', stored });
      return;
    }
    void this.groupCommit.waitFor(appended.endOffset).then((flushed) =>
      resolve(
        flushed
          ? { status: 'PUT_OK', stored }
          : { status: 'FLUSH_DISK_TIMEOUT', message: `the message was written but not flushed within ${this.options.syncFlushTimeout} ms`, stored },
      ),
    );
  }

  /** Reads messages of a queue from a logical offset (RocketMQ statuses and next offsets). */
  getMessage(topic: string, queueId: number, offset: number, options: GetMessageOptions = {}): GetMessageResult {
    return getMessage(this.commitLog, this.queues, topic, queueId, offset, options, this.options.maxFilterMessageCount);
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.queues.get(topic, queueId)?.minOffset() ?? 0;
  }

  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.queues.get(topic, queueId)?.maxOffset() ?? 0;
  }

  /** Where every consume queue ends now (its max offset), of every topic. */
  queueEnds(): Array<{ topic: string; queueId: number; maxOffset: number }> {
    return this.queues.all().map((queue) => ({ topic: queue.topic, queueId: queue.queueId, maxOffset: queue.maxOffset() }));
  }

  /** Queue ids that have a consume queue for `topic`. */
  queueIdsOf(topic: string): number[] {
    return this.queues.queuesOf(topic).map((queue) => queue.queueId).sort((a, b) => a - b);
  }

  /**
   * First queue offset whose message was stored at or after `timestamp`; the max offset if none was.
   * A binary search over the queue, reading each probe's store time from the commit log.
   */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): number {
    const queue = this.queues.get(topic, queueId);
    if (!queue) return 0;
    let lo = queue.minOffset();
    let hi = queue.maxOffset();
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const entry = queue.readAt(mid);
      const stored = entry ? this.commitLog.storeTimestampAt(entry.physicalOffset) : undefined;
      if (stored !== undefined && stored >= timestamp) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Store time of the oldest message still in a queue. */
  getEarliestMessageTime(topic: string, queueId: number): number | undefined {
    const queue = this.queues.get(topic, queueId);
    const entry = queue && queue.maxOffset() > queue.minOffset() ? queue.readAt(queue.minOffset()) : undefined;
    return entry ? this.commitLog.storeTimestampAt(entry.physicalOffset) : undefined;
  }

  /** Store time of the message at a queue offset. */
  getMessageStoreTimestamp(topic: string, queueId: number, queueOffset: number): number | undefined {
    const queue = this.queues.get(topic, queueId);
    if (!queue || queueOffset < queue.minOffset() || queueOffset >= queue.maxOffset()) return undefined;
    const entry = queue.readAt(queueOffset);
    return entry ? this.commitLog.storeTimestampAt(entry.physicalOffset) : undefined;
  }

  /** The raw stored record at a commit-log offset. */
  readRecord(physicalOffset: number): Buffer | undefined {
    const header = this.commitLog.read(physicalOffset, 4);
    if (!header) return undefined;
    const size = header.readInt32BE(0);
    if (size <= 0 || size > this.options.maxMessageSize + 128 * 1024) return undefined;
    return this.commitLog.read(physicalOffset, size);
  }

  /** The decoded message at a commit-log offset (RocketMQ lookMessageByOffset), or undefined. */
  lookMessageByOffset(physicalOffset: number): StoredMessage | undefined {
    const record = this.readRecord(physicalOffset);
    if (!record) return undefined;
    try {
      return decodeStoredRecord(record);
    } catch {
      return undefined;
    }
  }

  /** Messages of `topic` with `key` stored in [begin, end], newest first (RocketMQ queryMessage). */
  async queryMessageByKey(topic: string, key: string, maxNum: number, begin = 0, end = Number.MAX_SAFE_INTEGER): Promise<StoredMessage[]> {
    const found: StoredMessage[] = [];
    // The index returns candidates (hash matches); only messages that really carry the key count.
    await this.keyIndex.queryByKey(topic, key, maxNum, begin, end, (offset) => {
      const message = this.lookAt(offset);
      if (message?.topic !== topic || !(message.properties[MessageConst.KEYS] ?? '').split(' ').includes(key)) return false;
      found.push(message);
      return true;
    });
    return found;
  }

  /** The message with a unique key (UNIQ_KEY); the first copy if a producer retry stored two. */
  async queryMessageByUniqKey(topic: string, uniqKey: string): Promise<StoredMessage | undefined> {
    const offsets = await this.keyIndex.queryByUniqKey(topic, uniqKey, (offset) => {
      const message = this.lookAt(offset);
      return message?.topic === topic && message.properties[MessageConst.UNIQ_KEY] === uniqKey;
    });
    return offsets.length === 0 ? undefined : this.lookAt(offsets[0]!);
  }

  /** Waits until the key index covers everything appended so far (tests, admin queries). */
  async waitForIndex(): Promise<void> {
    while ((await this.indexDispatcher.progress()) < this.commitLog.maxOffset()) await this.indexLoop.runNow();
  }

  /** Removes a topic's consume queues (its records stay in the log until retention). */
  async deleteTopic(topic: string): Promise<void> {
    await this.queues.deleteTopic(topic);
    this.commitLog.deleteQueueOffsets(topic);
  }

  onMessageArrival(listener: MessageArrivalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs retention now. `manual` deletes expired segments whatever the hour (admin, tests). */
  runRetention(options: { now?: number; manual?: boolean } = {}): Promise<RetentionRun> {
    return this.retention.run(options);
  }

  /** fsyncs the commit log now and returns the offset covered. */
  flush(): Promise<number> {
    return this.commitLog.flush();
  }

  // --- Replication (HA): the master streams its log, the slave appends the same bytes (docs/replication.md).

  /** End of the written commit log: where the next record goes, and how far a master can stream. */
  maxPhysicalOffset(): number {
    return this.commitLog.maxOffset();
  }

  /** Start of the oldest commit-log segment retention kept. */
  minPhysicalOffset(): number {
    return this.commitLog.minOffset();
  }

  /** Commit-log segment size (a replica's segments must have the master's). */
  commitLogSegmentSize(): number {
    return this.commitLog.segmentSize;
  }

  /**
   * Up to `maxBytes` raw commit-log bytes from `fromOffset`, within one segment and below
   * maxPhysicalOffset(); empty at the end. Includes a segment's blank padding, so a slave copying
   * these bytes rolls segments where the master did (filler past a blank's header is not data: zeros,
   * or old bytes in a recycled segment file; every reader skips it by the blank's size).
   */
  readCommitLogRange(fromOffset: number, maxBytes: number): Buffer {
    return this.commitLog.readRange(fromOffset, maxBytes);
  }

  /** Whether `offset` is a place a slave may resume from (see CommitLogOffsetKind). */
  commitLogOffsetKind(offset: number): CommitLogOffsetKind {
    return classifyCommitLogOffset(this.commitLog, offset);
  }

  /** Told with the new end offset after every append, local or replicated (the HA master's wakeup). */
  onCommitLogGrowth(listener: (maxOffset: number) => void): () => void {
    this.growthListeners.add(listener);
    return () => this.growthListeners.delete(listener);
  }

  /**
   * A slave's append: writes `bytes` (whole records and blanks copied from the master) at `offset`,
   * which must be this store's maxPhysicalOffset() (an empty store may start at a segment start), then
   * dispatches them like local puts (consume queues, key index, arrival listeners). Resolves with the
   * new end once durable per flushDiskType. Throws ReplicaAppendError, writing nothing, if refused.
   */
  async appendReplicated(offset: number, bytes: Buffer): Promise<number> {
    const { records, indexEntries } = appendReplicatedUnits(
      { commitLog: this.commitLog, queues: this.queues, tagsCodeOf: this.putLimits.tagsCodeOf, queuedPuts: this.writer.queued(), closing: this.closing !== undefined, log: this.options.log },
      offset,
      bytes,
    );
    const end = this.commitLog.maxOffset();
    if (bytes.length === 0) return end;
    // The keys were parsed for dispatch anyway: hand them over as local puts do (no re-read of the log).
    this.indexDispatcher.handOver(indexEntries, offset, end);
    if (this.growthListeners.size > 0) this.notifyGrowth();
    for (const record of records) {
      for (const listener of this.listeners) listener(record.topic, record.queueId, record.queueOffset + 1, record.tagsCode);
    }
    if (this.options.flushDiskType === 'SYNC_FLUSH' && !(await this.groupCommit.waitFor(end))) {
      this.options.log('warn', `replicated bytes up to ${end} were written but not flushed within ${this.options.syncFlushTimeout} ms`);
    }
    return end;
  }

  private notifyGrowth(): void {
    const end = this.commitLog.maxOffset();
    for (const listener of this.growthListeners) {
      try {
        listener(end);
      } catch (error) {
        // Runs inside the writer's append: a listener's failure must not fail the puts.
        this.options.log('error', `commit-log growth listener failed: ${String(error)}`);
      }
    }
  }

  stats(): StoreStats {
    return {
      commitLogMinOffset: this.commitLog.minOffset(),
      commitLogMaxOffset: this.commitLog.maxOffset(),
      commitLogFlushedOffset: this.commitLog.flushed(),
      fsyncs: this.groupCommit.fsyncs(),
      pendingFlushWaiters: this.groupCommit.pending(),
      queuedPuts: this.writer.queued(),
    };
  }

  /** Stops accepting puts, writes what is queued, flushes everything, and closes. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.writer.idle();
    await this.commitLog.flush();
    const deadline = Date.now() + this.options.syncFlushTimeout;
    while (this.groupCommit.pending() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
    this.groupCommit.abandon();
    for (const loop of this.loops) await loop.close();
    try {
      // Catch the key index up so the next start has nothing to re-index.
      while (await this.indexDispatcher.runOnce()) {
        /* more to index */
      }
      await this.indexDispatcher.persistProgress();
    } catch (error) {
      this.options.log('error', `key index could not catch up at close: ${String(error)}`);
    }
    await this.metadata.close();
    const root = this.options.storePathRootDir;
    if (!this.options.memory && root) {
      await this.checkpoint();
      removeAbortFile(root);
    }
    this.queues.close();
    await this.commitLog.log.directory.close();
    this.commitLog.close();
    for (const db of this.databases) await db.close();
  }

  /** Flushes consume queues and records how far recovery may skip (see Checkpoint). */
  private async checkpoint(): Promise<void> {
    const root = this.options.storePathRootDir;
    if (this.options.memory || !root) return;
    // Entries are dispatched synchronously with the append, so queues cover the log up to here; their
    // newest entries wait in memory until queues.flush() writes them, within the call itself.
    const dispatched = this.commitLog.maxOffset();
    const queueEnds: Record<string, number> = {};
    for (const queue of this.queues.all()) queueEnds[`${queue.topic}/${queue.queueId}`] = queue.maxOffset();
    await this.queues.flush();
    const flushed = this.closing ? await this.commitLog.flush() : this.commitLog.flushed();
    await writeCheckpoint(root, { safeOffset: Math.min(dispatched, flushed), logEnd: this.commitLog.maxOffset(), writtenAt: Date.now(), queues: queueEnds });
  }

  private afterAppend(puts: readonly PreparedPut[], results: readonly AppendResult[]): void {
    if (this.growthListeners.size > 0) this.notifyGrowth();
    const dispatcher = this.indexDispatcher;
    // Per put: a put is one queue's run of records (preparePut and prepareBatchPut refuse mixed
    // queues), and a message's keys go straight into the index's hand-over (no entry object each).
    for (let i = 0; i < results.length; i++) {
      const records = results[i]!.records;
      this.queues.dispatchRun(records);
      const indexKeys = puts[i]!.indexKeys;
      if (!indexKeys) continue;
      for (let j = 0; j < indexKeys.length; j++) {
        const keys = indexKeys[j];
        const record = records[j];
        if (keys && record) dispatcher.handOverKeys(record.topic, keys.keys, keys.uniqKey, record.physicalOffset, record.storeTimestamp);
      }
    }
    const first = results[0]?.records[0];
    if (first) dispatcher.handOver(NO_ENTRIES, first.physicalOffset, results[results.length - 1]!.endOffset);
    if (this.listeners.size === 0) return;
    for (const result of results) {
      for (const record of result.records) {
        for (const listener of this.listeners) listener(record.topic, record.queueId, record.queueOffset + 1, record.tagsCode);
      }
    }
  }

  /** The message at a key-index candidate's offset, unless retention removed that part of the log. */
  private lookAt(offset: number): StoredMessage | undefined {
    return offset < this.commitLog.minOffset() ? undefined : this.lookMessageByOffset(offset);
  }
}

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and this runs for every put.
const TAGS = MessageConst.TAGS;
const hashTags = tagsHashCode;
const NO_ENTRIES: readonly KeyIndexEntry[] = [];

function defaultTagsCode(_topic: string, properties: Readonly<Record<string, string>>): number {
  return hashTags(properties[TAGS]);
}
