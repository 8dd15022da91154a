/**
 * Options of the message store, named after RocketMQ's MessageStoreConfig where RocketMQ has a name.
 * Defaults are resolved once, by resolveStoreOptions(); nothing reads the environment.
 */
import { DEFAULT_ENTRIES_PER_GENERATION, DEFAULT_SLOTS_PER_GENERATION } from './kv/key-index';

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

export interface MessageStoreOptions {
  /** Root directory (commitlog/, consumequeue/, index/, meta/, checkpoint, abort). Required unless `memory` is true. */
  storePathRootDir?: string;
  /** Keep everything in memory (in-memory segments and memory-level); nothing survives close. @default false */
  memory?: boolean;
  /** Size of one commit-log segment in bytes. @default 1 GiB (RocketMQ mappedFileSizeCommitLog) */
  mappedFileSizeCommitLog?: number;
  /** Entries per consume-queue segment (20 bytes each). @default 300000 (RocketMQ mappedFileSizeConsumeQueue / 20) */
  consumeQueueEntriesPerFile?: number;
  /** Largest accepted message (body + properties + topic). @default 4 MiB */
  maxMessageSize?: number;
  /** @default 'ASYNC_FLUSH' */
  flushDiskType?: FlushDiskType;
  /** ASYNC_FLUSH: how often the commit log is fsynced, ms. @default 500 (RocketMQ flushIntervalCommitLog) */
  flushIntervalCommitLog?: number;
  /** SYNC_FLUSH: how long a put waits for its fsync before answering FLUSH_DISK_TIMEOUT, ms. @default 5000 */
  syncFlushTimeout?: number;
  /** How often consume queues are fsynced and the checkpoint written, ms. @default 1000 (RocketMQ flushIntervalConsumeQueue) */
  flushIntervalConsumeQueue?: number;
  /**
   * Write the next commit-log segment full of zeros ahead of need instead of only creating its file
   * (a deleted segment is recycled either way). On by default, as the store issue asks (first-touch
   * pages are slow on the development VM). Measured there (docs/benchmarks.md, broker notes): off
   * wrote half the bytes to the device and used less CPU, and a fresh broker kept 1.06-1.47x more
   * 1 KiB sends per second without the zeros, but after 3 GiB of log the order turned (0.85x, 0.96x),
   * so the default stays until a long-running comparison says otherwise.
   * @default true
   */
  warmMappedFile?: boolean;
  /** Hours a commit-log segment is kept after its last write. @default 72 */
  fileReservedTime?: number;
  /** Hours of the day (RocketMQ "04;16" syntax) at which expired segments are deleted. @default '04' */
  deleteWhen?: string;
  /** Disk use ratio (0..1) above which expired segments are deleted at once, whatever the hour. @default 0.75 */
  diskMaxUsedSpaceRatio?: number;
  /** Disk use ratio above which the oldest segments are deleted even before they expire. @default 0.85 */
  diskSpaceCleanForciblyRatio?: number;
  /** How often retention runs, ms. @default 10000 (RocketMQ cleanResourceInterval) */
  cleanResourceInterval?: number;
  /** Largest write batched into one write call, bytes. @default 4 MiB */
  maxWriteBatchBytes?: number;
  /** Most consume-queue entries a single read scans when a filter rejects messages. @default 16000 (RocketMQ maxFilterMessageCount) */
  maxFilterMessageCount?: number;
  /**
   * Key-index entries (one per message key and unique key) per generation; a full generation's slot
   * table is written out and a new one starts. RocketMQ's name, but per generation, not per index file.
   * @default 1048576
   */
  maxIndexNum?: number;
  /** Hash slots per key-index generation; the filling generation's table is in memory (4 bytes a slot). @default 262144 */
  maxHashSlotNum?: number;
  /** Store host written into every record and into offset message ids. @default 127.0.0.1:10911 */
  storeHost?: { address: string; port: number };
  /** Called with operational warnings (recovery truncations, retention). @default no-op */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface ResolvedStoreOptions extends Required<Omit<MessageStoreOptions, 'storePathRootDir'>> {
  storePathRootDir: string | undefined;
}

export const DEFAULT_MAPPED_FILE_SIZE_COMMIT_LOG = 1024 * 1024 * 1024;
export const DEFAULT_CONSUME_QUEUE_ENTRIES_PER_FILE = 300_000;
export const DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
export const DEFAULT_FLUSH_INTERVAL_COMMIT_LOG = 500;
export const DEFAULT_SYNC_FLUSH_TIMEOUT = 5000;
export const DEFAULT_FLUSH_INTERVAL_CONSUME_QUEUE = 1000;
export const DEFAULT_FILE_RESERVED_TIME_HOURS = 72;
export const DEFAULT_DELETE_WHEN = '04';
export const DEFAULT_DISK_MAX_USED_SPACE_RATIO = 0.75;
export const DEFAULT_DISK_SPACE_CLEAN_FORCIBLY_RATIO = 0.85;
export const DEFAULT_CLEAN_RESOURCE_INTERVAL = 10_000;
export const DEFAULT_MAX_WRITE_BATCH_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_FILTER_MESSAGE_COUNT = 16_000;
export const DEFAULT_STORE_HOST = { address: '127.0.0.1', port: 10911 } as const;
export const DEFAULT_MAX_INDEX_NUM = DEFAULT_ENTRIES_PER_GENERATION;
export const DEFAULT_MAX_HASH_SLOT_NUM = DEFAULT_SLOTS_PER_GENERATION;

/**
 * Room a segment needs beyond maxMessageSize: the largest record is a maximal body plus properties
 * (at most 32767 bytes), topic and fixed fields, and a record never spans two segments.
 */
const MIN_SEGMENT_SLACK = 64 * 1024;

export function resolveStoreOptions(options: MessageStoreOptions): ResolvedStoreOptions {
  const memory = options.memory ?? false;
  if (!memory && !options.storePathRootDir) {
    throw new Error('MessageStore needs storePathRootDir (a directory for the data), or memory: true for an in-memory store');
  }
  const resolved: ResolvedStoreOptions = {
    storePathRootDir: options.storePathRootDir,
    memory,
    mappedFileSizeCommitLog: options.mappedFileSizeCommitLog ?? DEFAULT_MAPPED_FILE_SIZE_COMMIT_LOG,
    consumeQueueEntriesPerFile: options.consumeQueueEntriesPerFile ?? DEFAULT_CONSUME_QUEUE_ENTRIES_PER_FILE,
    maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    flushDiskType: options.flushDiskType ?? 'ASYNC_FLUSH',
    flushIntervalCommitLog: options.flushIntervalCommitLog ?? DEFAULT_FLUSH_INTERVAL_COMMIT_LOG,
    syncFlushTimeout: options.syncFlushTimeout ?? DEFAULT_SYNC_FLUSH_TIMEOUT,
    flushIntervalConsumeQueue: options.flushIntervalConsumeQueue ?? DEFAULT_FLUSH_INTERVAL_CONSUME_QUEUE,
    warmMappedFile: options.warmMappedFile ?? true,
    fileReservedTime: options.fileReservedTime ?? DEFAULT_FILE_RESERVED_TIME_HOURS,
    deleteWhen: options.deleteWhen ?? DEFAULT_DELETE_WHEN,
    diskMaxUsedSpaceRatio: options.diskMaxUsedSpaceRatio ?? DEFAULT_DISK_MAX_USED_SPACE_RATIO,
    diskSpaceCleanForciblyRatio: options.diskSpaceCleanForciblyRatio ?? DEFAULT_DISK_SPACE_CLEAN_FORCIBLY_RATIO,
    cleanResourceInterval: options.cleanResourceInterval ?? DEFAULT_CLEAN_RESOURCE_INTERVAL,
    maxWriteBatchBytes: options.maxWriteBatchBytes ?? DEFAULT_MAX_WRITE_BATCH_BYTES,
    maxFilterMessageCount: options.maxFilterMessageCount ?? DEFAULT_MAX_FILTER_MESSAGE_COUNT,
    maxIndexNum: options.maxIndexNum ?? DEFAULT_MAX_INDEX_NUM,
    maxHashSlotNum: options.maxHashSlotNum ?? DEFAULT_MAX_HASH_SLOT_NUM,
    storeHost: options.storeHost ?? DEFAULT_STORE_HOST,
    log: options.log ?? (() => undefined),
  };
  if (resolved.mappedFileSizeCommitLog < resolved.maxMessageSize + MIN_SEGMENT_SLACK) {
    // A record never spans two segments, so a segment must hold the largest message.
    throw new Error(
      `mappedFileSizeCommitLog (${resolved.mappedFileSizeCommitLog}) must exceed maxMessageSize (${resolved.maxMessageSize}) by at least ${MIN_SEGMENT_SLACK} bytes; lower maxMessageSize or raise the segment size`,
    );
  }
  if (resolved.maxWriteBatchBytes < resolved.maxMessageSize + MIN_SEGMENT_SLACK) {
    resolved.maxWriteBatchBytes = resolved.maxMessageSize + MIN_SEGMENT_SLACK;
  }
  if (!Number.isInteger(resolved.consumeQueueEntriesPerFile) || resolved.consumeQueueEntriesPerFile < 1) {
    throw new Error('consumeQueueEntriesPerFile must be a positive integer');
  }
  for (const name of ['maxIndexNum', 'maxHashSlotNum'] as const) {
    const value = resolved[name];
    // Entry numbers and slot heads are stored as 32-bit integers.
    if (!Number.isInteger(value) || value < 1 || value >= 2 ** 32) throw new Error(`${name} must be an integer from 1 to 4294967295, got ${String(value)}`);
  }
  return resolved;
}
