/**
 * Options of the HA master and slave, named after RocketMQ's MessageStoreConfig where it has a name.
 * Defaults are resolved once, by resolveHAMasterOptions() / resolveHASlaveOptions().
 */
import type { MessageStore } from '@pulsejet/core';

export type HALog = (level: 'info' | 'warn' | 'error', message: string) => void;

/** RocketMQ's haListenPort default (the broker's listenPort 10911 + 1). */
export const DEFAULT_HA_LISTEN_PORT = 10912;
/** haSendHeartbeatInterval: an idle master sends an empty frame, an idle slave its offset, this often (ms). */
export const DEFAULT_HA_HEARTBEAT_INTERVAL = 5000;
/** haHousekeepingInterval: a peer silent this long is dropped (ms). */
export const DEFAULT_HA_HOUSEKEEPING_INTERVAL = 20_000;
/** haTransferBatchSize: the most commit-log bytes per transfer frame. */
export const DEFAULT_HA_TRANSFER_BATCH_SIZE = 32 * 1024;
/** Most commit-log bytes the master reads and writes to a slave's socket at once (as several frames). */
export const DEFAULT_HA_MAX_BYTES_PER_WRITE = 1024 * 1024;
/** haMaxGapNotInSync: a slave further behind than this does not count for SYNC_MASTER (bytes). */
export const DEFAULT_HA_MAX_GAP_NOT_IN_SYNC = 256 * 1024 * 1024;
/** The largest transfer frame body a slave accepts (Java's HAClient reads into a 4 MiB buffer). */
export const DEFAULT_HA_MAX_FRAME_BODY = 4 * 1024 * 1024;
/** Bytes before a resuming slave's end that the master sends again for the slave to compare. */
export const DEFAULT_HA_RESUME_CHECK_BYTES = 4096;
export const DEFAULT_HA_RECONNECT_MIN = 1000;
/** Java's HAClient retries every 5 s. */
export const DEFAULT_HA_RECONNECT_MAX = 5000;
export const DEFAULT_HA_CONNECT_TIMEOUT = 3000;

const noLog: HALog = () => undefined;

export interface HAMasterOptions {
  /** The master's store, streamed to slaves. */
  store: MessageStore;
  /** Port slaves connect to; 0 picks a free one (see address()). @default 10912 */
  listenPort?: number;
  /** Interface to listen on. @default '0.0.0.0' */
  host?: string;
  /** Idle heartbeat interval, ms. @default 5000 */
  heartbeatIntervalMs?: number;
  /** A slave that reports nothing for this long is disconnected, ms. @default 20000 */
  housekeepingIntervalMs?: number;
  /** Most bytes per transfer frame. @default 32 KiB */
  transferBatchSize?: number;
  /**
   * Most commit-log bytes sent to a slave with one socket write, as frames of transferBatchSize: all
   * that one turn of the writer appended usually fits, so the slave wakes once for it. Also bounds
   * what waits in user space for a slow slave (one write beyond the socket's buffer). @default 1 MiB
   */
  maxBytesPerWrite?: number;
  /** A slave lagging more than this is not available for SYNC_MASTER waits, bytes. @default 256 MiB */
  maxGapNotInSync?: number;
  /**
   * Bytes before a resuming slave's reported end that are sent again first, so the slave can check
   * that its log and the master's agree there (0: no check; a Java 4.x slave needs 0, since it
   * refuses frames that do not start at its end). @default 4096
   */
  resumeCheckBytes?: number;
  /**
   * A slave reported a log end beyond anything this master had in this run (where its log ended at
   * start, or what it sent a slave since): the slave holds messages this master no longer has (its
   * store was deleted, or a crash lost its unflushed tail), which consumers may have read, or it
   * followed another master. This tells the broker, so it can stop trusting consumer offsets past
   * its own log (docs/cluster-modes.md); whether the slave is refused is decided as before.
   * @default no-op
   */
  onSlaveAhead?: (event: SlaveAheadEvent) => void;
  /** @default no-op */
  log?: HALog;
}

/** What onSlaveAhead is told: who is ahead, and by how much. */
export interface SlaveAheadEvent {
  slaveAddress: string;
  /** Where the slave's commit log ends. */
  slaveEnd: number;
  /** Where the master's commit log ended when it started. */
  masterStartEnd: number;
  /** Where the master's commit log ends now (a deleted store may have outgrown the slave already). */
  masterEnd: number;
}

export type ResolvedHAMasterOptions = Required<HAMasterOptions>;

export function resolveHAMasterOptions(options: HAMasterOptions): ResolvedHAMasterOptions {
  const resolved: ResolvedHAMasterOptions = {
    store: options.store,
    listenPort: options.listenPort ?? DEFAULT_HA_LISTEN_PORT,
    host: options.host ?? '0.0.0.0',
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HA_HEARTBEAT_INTERVAL,
    housekeepingIntervalMs: options.housekeepingIntervalMs ?? DEFAULT_HA_HOUSEKEEPING_INTERVAL,
    transferBatchSize: options.transferBatchSize ?? DEFAULT_HA_TRANSFER_BATCH_SIZE,
    maxBytesPerWrite: options.maxBytesPerWrite ?? DEFAULT_HA_MAX_BYTES_PER_WRITE,
    maxGapNotInSync: options.maxGapNotInSync ?? DEFAULT_HA_MAX_GAP_NOT_IN_SYNC,
    resumeCheckBytes: options.resumeCheckBytes ?? DEFAULT_HA_RESUME_CHECK_BYTES,
    onSlaveAhead: options.onSlaveAhead ?? (() => undefined),
    log: options.log ?? noLog,
  };
  if (!Number.isInteger(resolved.transferBatchSize) || resolved.transferBatchSize < 1 || resolved.transferBatchSize > DEFAULT_HA_MAX_FRAME_BODY) {
    throw new RangeError(`transferBatchSize must be an integer from 1 to ${DEFAULT_HA_MAX_FRAME_BODY} (a Java slave reads frames into a 4 MiB buffer)`);
  }
  if (!Number.isInteger(resolved.maxBytesPerWrite) || resolved.maxBytesPerWrite < 1) {
    throw new RangeError('maxBytesPerWrite must be a positive integer (bytes sent to a slave per socket write)');
  }
  if (!(resolved.heartbeatIntervalMs > 0) || !(resolved.housekeepingIntervalMs > resolved.heartbeatIntervalMs)) {
    throw new RangeError('heartbeatIntervalMs must be positive and below housekeepingIntervalMs, or idle connections are dropped');
  }
  return resolved;
}

export interface HASlaveOptions {
  /** The slave's store, written only by replication (the broker must refuse sends on a slave). */
  store: MessageStore;
  /** The master's HA address "host:port"; unset until the nameserver tells it (updateMasterAddress). */
  masterAddress?: string;
  /** How often the slave reports its offset when nothing arrives, ms. @default 5000 */
  reportIntervalMs?: number;
  /** A master that sends nothing (not even heartbeats) this long is dropped and reconnected, ms. @default 20000 */
  housekeepingIntervalMs?: number;
  /** First reconnect delay; doubles up to reconnectMaxMs, ms. @default 1000 */
  reconnectMinMs?: number;
  /** @default 5000 */
  reconnectMaxMs?: number;
  /** @default 3000 */
  connectTimeoutMs?: number;
  /** Largest transfer frame body accepted, bytes. @default 4 MiB */
  maxFrameBodySize?: number;
  /** @default no-op */
  log?: HALog;
}

export interface ResolvedHASlaveOptions extends Required<Omit<HASlaveOptions, 'masterAddress'>> {
  masterAddress: string | undefined;
}

export function resolveHASlaveOptions(options: HASlaveOptions): ResolvedHASlaveOptions {
  const resolved: ResolvedHASlaveOptions = {
    store: options.store,
    masterAddress: options.masterAddress,
    reportIntervalMs: options.reportIntervalMs ?? DEFAULT_HA_HEARTBEAT_INTERVAL,
    housekeepingIntervalMs: options.housekeepingIntervalMs ?? DEFAULT_HA_HOUSEKEEPING_INTERVAL,
    reconnectMinMs: options.reconnectMinMs ?? DEFAULT_HA_RECONNECT_MIN,
    reconnectMaxMs: options.reconnectMaxMs ?? DEFAULT_HA_RECONNECT_MAX,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_HA_CONNECT_TIMEOUT,
    maxFrameBodySize: options.maxFrameBodySize ?? DEFAULT_HA_MAX_FRAME_BODY,
    log: options.log ?? noLog,
  };
  if (!(resolved.reportIntervalMs > 0) || !(resolved.housekeepingIntervalMs > resolved.reportIntervalMs)) {
    throw new RangeError('reportIntervalMs must be positive and below housekeepingIntervalMs');
  }
  if (!(resolved.reconnectMinMs > 0) || resolved.reconnectMaxMs < resolved.reconnectMinMs) {
    throw new RangeError('reconnectMinMs must be positive and at most reconnectMaxMs');
  }
  return resolved;
}
