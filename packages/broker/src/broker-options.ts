// Options of a broker (Java BrokerConfig + NettyServerConfig + the MessageStoreConfig pass-through),
// with RocketMQ's names and defaults. Resolved once; libraries never read process.env (STYLE.md habit 8).
import type { FlushDiskType, MessageStoreOptions } from '@pulsejet/core';
import { DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_TOPIC_QUEUE_NUMS } from '@pulsejet/core';
import { DEFAULT_HA_HEARTBEAT_INTERVAL, DEFAULT_HA_HOUSEKEEPING_INTERVAL, DEFAULT_HA_MAX_GAP_NOT_IN_SYNC, DEFAULT_HA_TRANSFER_BATCH_SIZE } from '@pulsejet/replication';
import { DEFAULT_REGISTER_NAME_SERVER_PERIOD_MS } from '@pulsejet/routing';
import { DEFAULT_REBALANCE_LOCK_MAX_LIVE_TIME_MS } from './lock/rebalance-lock-manager';
import type { PullHoldOptions } from './pull/pull-hold-options';
import { DEFAULT_MESSAGE_DELAY_LEVEL, parseMessageDelayLevel } from './schedule/delay-levels';

export type BrokerRole = 'ASYNC_MASTER' | 'SYNC_MASTER' | 'SLAVE';
export const BROKER_ROLES: readonly BrokerRole[] = ['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE'];

export type BrokerLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type BrokerLog = (level: BrokerLogLevel, message: string) => void;
export const silentBrokerLog: BrokerLog = () => undefined;

/** Store options the broker passes through to MessageStore.open (it owns storePathRootDir, storeHost, flushDiskType, maxMessageSize). */
export type BrokerStoreOptions = Omit<MessageStoreOptions, 'storePathRootDir' | 'storeHost' | 'flushDiskType' | 'maxMessageSize' | 'log'>;

export interface BrokerOptions {
  /** @default 'DefaultCluster' */
  brokerClusterName?: string;
  /** @default 'broker-a' */
  brokerName?: string;
  /** 0 is the master; >= 1 a slave. @default 0 */
  brokerId?: number;
  /** @default 'ASYNC_MASTER' */
  brokerRole?: BrokerRole;
  /** Nameservers, 'a:9876;b:9876' or a list. Empty: the broker registers nowhere. @default [] */
  namesrvAddr?: string | readonly string[];
  /** TCP port clients dial; 0 picks a free one. @default 10911 */
  listenPort?: number;
  /** Interface the TCP server binds. @default '0.0.0.0' */
  bindAddress?: string;
  /** The IPv4 address clients reach this broker at; also the store host inside msgIds. @default '127.0.0.1' */
  brokerIP1?: string;
  /** Data directory; unset keeps everything in memory. @default undefined */
  storePathRootDir?: string;
  /** @default 'ASYNC_FLUSH' */
  flushDiskType?: FlushDiskType;
  /** Largest message body accepted, bytes. @default 4 MiB (RocketMQ maxMessageSize) */
  maxMessageSize?: number;
  /** Create unknown topics on first send. @default true */
  autoCreateTopicEnable?: boolean;
  /** Queues of an auto-created topic. @default 4 */
  defaultTopicQueueNums?: number;
  /** Re-registration period with the nameservers, ms. @default 30000 */
  registerNameServerPeriod?: number;
  /** Register with the nameservers in Java's compressed body form (worth it with many thousands of topics). @default false */
  compressedRegister?: boolean;
  /** Cluster name stored in each message's CLUSTER property (Java does). @default true */
  clusterPropertyEnable?: boolean;
  /** Long polling of PULL_MESSAGE (longPollingEnable, maxSuspendMillis, ...). @default {} (their defaults) */
  longPolling?: PullHoldOptions;
  /**
   * Delay of each DELAY level, space-separated durations with units ms, s, m, h, d (RocketMQ
   * messageDelayLevel). @default '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h'
   */
  messageDelayLevel?: string;
  /** How long a queue lock of an orderly consumer lives without renewal, ms (RocketMQ rebalance lockMaxLiveTime). @default 60000 */
  rebalanceLockMaxLiveTime?: number;
  /** How often open half messages are checked back with their producers, ms (RocketMQ transactionCheckInterval). @default 30000 */
  transactionCheckInterval?: number;
  /**
   * How old (since its born time) a half message must be before it is first checked, ms (RocketMQ
   * transactionTimeOut); a message's CHECK_IMMUNITY_TIME_IN_SECONDS overrides it. @default 6000
   */
  transactionTimeOut?: number;
  /** Checks of a half message before it is discarded to TRANS_CHECK_MAX_TIME_TOPIC (RocketMQ transactionCheckMax). @default 15 */
  transactionCheckMax?: number;
  /** Refuse transactional (half) messages with NO_PERMISSION (RocketMQ rejectTransactionMessage). @default false */
  rejectTransactionMessage?: boolean;
  /**
   * Port of the HA service slaves connect to (masters only); 0 picks a free one. @default listenPort + 1
   * (0 when listenPort is 0)
   */
  haListenPort?: number;
  /**
   * A slave's static master HA address "ip:port". Unset: learned from every REGISTER_BROKER answer
   * (the nameserver's haServerAddr), as Java does when haMasterAddress is empty. @default undefined
   */
  haMasterAddress?: string;
  /** An idle master sends a heartbeat frame, an idle slave its offset, this often, ms. @default 5000 */
  haSendHeartbeatInterval?: number;
  /** An HA peer silent this long is dropped, ms. @default 20000 */
  haHousekeepingInterval?: number;
  /** Most commit-log bytes per HA transfer frame. @default 32 KiB */
  haTransferBatchSize?: number;
  /** SYNC_MASTER: a slave further behind than this answers SLAVE_NOT_AVAILABLE at once, bytes. @default 256 MiB */
  haMaxGapNotInSync?: number;
  /**
   * How often a slave copies topics, subscription groups, consumer offsets and delay progress from its
   * master, ms (Java hard-codes 10 s). Also run once as soon as the master's address is known. @default 10000
   */
  slaveSynchronizeInterval?: number;
  /**
   * Let pull replies suggest another broker of the group (whichBrokerWhenConsumeSlowly, a slave by
   * default) to a consumer that lags more than accessMessageInMemoryMaxRatio of the machine's memory
   * behind the commit log's end. Java defaults to false; we default to true so slow consumers move
   * off the master. @default true
   */
  slaveReadEnable?: boolean;
  /**
   * Lag behind the commit log's end, in percent of total memory (os.totalmem()), beyond which a
   * consumer is "slow" and told to read from a slave (Java's accessMessageInMemoryMaxRatio: what is
   * further back is likely no longer in the page cache). 0: any lag counts. @default 40
   */
  accessMessageInMemoryMaxRatio?: number;
  /** Further MessageStore options (syncFlushTimeout also bounds SYNC_MASTER's wait for a slave). @default {} */
  store?: BrokerStoreOptions;
  /** @default silent */
  log?: BrokerLog;
}

export interface ResolvedBrokerOptions {
  brokerClusterName: string;
  brokerName: string;
  brokerId: number;
  brokerRole: BrokerRole;
  namesrvAddr: string[];
  listenPort: number;
  bindAddress: string;
  brokerIP1: string;
  storePathRootDir: string | undefined;
  flushDiskType: FlushDiskType;
  maxMessageSize: number;
  autoCreateTopicEnable: boolean;
  defaultTopicQueueNums: number;
  registerNameServerPeriod: number;
  compressedRegister: boolean;
  clusterPropertyEnable: boolean;
  longPolling: PullHoldOptions;
  messageDelayLevel: string;
  /** messageDelayLevel parsed: milliseconds of level n at index n-1. */
  delayLevelsMs: readonly number[];
  rebalanceLockMaxLiveTime: number;
  transactionCheckInterval: number;
  transactionTimeOut: number;
  transactionCheckMax: number;
  rejectTransactionMessage: boolean;
  haListenPort: number;
  haMasterAddress: string | undefined;
  haSendHeartbeatInterval: number;
  haHousekeepingInterval: number;
  haTransferBatchSize: number;
  haMaxGapNotInSync: number;
  slaveSynchronizeInterval: number;
  slaveReadEnable: boolean;
  accessMessageInMemoryMaxRatio: number;
  store: BrokerStoreOptions;
  log: BrokerLog;
}

export const DEFAULT_BROKER_CLUSTER_NAME = 'DefaultCluster';
export const DEFAULT_BROKER_NAME = 'broker-a';
export const DEFAULT_BROKER_LISTEN_PORT = 10911;
export const DEFAULT_BROKER_IP = '127.0.0.1';
export const DEFAULT_BIND_ADDRESS = '0.0.0.0';
/** Java's SlaveSynchronize period (BrokerController schedules it every 10 s). */
export const DEFAULT_SLAVE_SYNCHRONIZE_INTERVAL_MS = 10_000;
/** Java MessageStoreConfig.accessMessageInMemoryMaxRatio. */
export const DEFAULT_ACCESS_MESSAGE_IN_MEMORY_MAX_RATIO = 40;
/** RocketMQ BrokerConfig defaults for transactional messages. */
export const DEFAULT_TRANSACTION_CHECK_INTERVAL_MS = 30_000;
export const DEFAULT_TRANSACTION_TIMEOUT_MS = 6_000;
export const DEFAULT_TRANSACTION_CHECK_MAX = 15;

/** Splits 'a:9876;b:9876' (RocketMQ namesrvAddr) into addresses. */
export function parseNamesrvAddr(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = typeof value === 'string' ? value.split(';') : value;
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** RocketMQ's haListenPort default: the next port; a free port when the broker takes a free one too. */
function defaultHaListenPort(listenPort: number): number {
  return listenPort === 0 ? 0 : listenPort + 1;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new RangeError(`BrokerOptions: ${message}`);
}

export function resolveBrokerOptions(options: BrokerOptions = {}): ResolvedBrokerOptions {
  const resolved: ResolvedBrokerOptions = {
    brokerClusterName: options.brokerClusterName ?? DEFAULT_BROKER_CLUSTER_NAME,
    brokerName: options.brokerName ?? DEFAULT_BROKER_NAME,
    brokerId: options.brokerId ?? 0,
    brokerRole: options.brokerRole ?? 'ASYNC_MASTER',
    namesrvAddr: parseNamesrvAddr(options.namesrvAddr),
    listenPort: options.listenPort ?? DEFAULT_BROKER_LISTEN_PORT,
    bindAddress: options.bindAddress ?? DEFAULT_BIND_ADDRESS,
    brokerIP1: options.brokerIP1 ?? DEFAULT_BROKER_IP,
    storePathRootDir: options.storePathRootDir,
    flushDiskType: options.flushDiskType ?? 'ASYNC_FLUSH',
    maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    autoCreateTopicEnable: options.autoCreateTopicEnable ?? true,
    defaultTopicQueueNums: options.defaultTopicQueueNums ?? DEFAULT_TOPIC_QUEUE_NUMS,
    registerNameServerPeriod: options.registerNameServerPeriod ?? DEFAULT_REGISTER_NAME_SERVER_PERIOD_MS,
    compressedRegister: options.compressedRegister ?? false,
    clusterPropertyEnable: options.clusterPropertyEnable ?? true,
    longPolling: { ...(options.longPolling ?? {}) },
    messageDelayLevel: options.messageDelayLevel ?? DEFAULT_MESSAGE_DELAY_LEVEL,
    delayLevelsMs: parseMessageDelayLevel(options.messageDelayLevel ?? DEFAULT_MESSAGE_DELAY_LEVEL),
    rebalanceLockMaxLiveTime: options.rebalanceLockMaxLiveTime ?? DEFAULT_REBALANCE_LOCK_MAX_LIVE_TIME_MS,
    transactionCheckInterval: options.transactionCheckInterval ?? DEFAULT_TRANSACTION_CHECK_INTERVAL_MS,
    transactionTimeOut: options.transactionTimeOut ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
    transactionCheckMax: options.transactionCheckMax ?? DEFAULT_TRANSACTION_CHECK_MAX,
    rejectTransactionMessage: options.rejectTransactionMessage ?? false,
    haListenPort: options.haListenPort ?? defaultHaListenPort(options.listenPort ?? DEFAULT_BROKER_LISTEN_PORT),
    haMasterAddress: options.haMasterAddress === undefined || options.haMasterAddress.trim() === '' ? undefined : options.haMasterAddress.trim(),
    haSendHeartbeatInterval: options.haSendHeartbeatInterval ?? DEFAULT_HA_HEARTBEAT_INTERVAL,
    haHousekeepingInterval: options.haHousekeepingInterval ?? DEFAULT_HA_HOUSEKEEPING_INTERVAL,
    haTransferBatchSize: options.haTransferBatchSize ?? DEFAULT_HA_TRANSFER_BATCH_SIZE,
    haMaxGapNotInSync: options.haMaxGapNotInSync ?? DEFAULT_HA_MAX_GAP_NOT_IN_SYNC,
    slaveSynchronizeInterval: options.slaveSynchronizeInterval ?? DEFAULT_SLAVE_SYNCHRONIZE_INTERVAL_MS,
    slaveReadEnable: options.slaveReadEnable ?? true,
    accessMessageInMemoryMaxRatio: options.accessMessageInMemoryMaxRatio ?? DEFAULT_ACCESS_MESSAGE_IN_MEMORY_MAX_RATIO,
    store: { ...(options.store ?? {}) },
    log: options.log ?? silentBrokerLog,
  };
  check(resolved.brokerClusterName !== '', 'brokerClusterName is empty');
  check(resolved.brokerName !== '', 'brokerName is empty');
  check(Number.isInteger(resolved.brokerId) && resolved.brokerId >= 0, `brokerId must be an integer >= 0, got ${resolved.brokerId}`);
  check(BROKER_ROLES.includes(resolved.brokerRole), `brokerRole must be one of ${BROKER_ROLES.join(', ')}, got ${String(resolved.brokerRole)}`);
  check(
    (resolved.brokerRole === 'SLAVE') === (resolved.brokerId !== 0),
    resolved.brokerRole === 'SLAVE'
      ? `brokerRole SLAVE needs brokerId >= 1 (0 is the master's id), got ${resolved.brokerId}; set brokerId=1 or brokerRole=ASYNC_MASTER/SYNC_MASTER`
      : `brokerId ${resolved.brokerId} is a slave's id but brokerRole is ${resolved.brokerRole}; set brokerRole=SLAVE or brokerId=0`,
  );
  check(Number.isInteger(resolved.listenPort) && resolved.listenPort >= 0 && resolved.listenPort <= 65535, `listenPort must be 0..65535, got ${resolved.listenPort}`);
  check(/^\d{1,3}(\.\d{1,3}){3}$/.test(resolved.brokerIP1), `brokerIP1 must be an IPv4 address (it goes into msgIds), got ${resolved.brokerIP1}`);
  check(resolved.flushDiskType === 'ASYNC_FLUSH' || resolved.flushDiskType === 'SYNC_FLUSH', `flushDiskType must be ASYNC_FLUSH or SYNC_FLUSH, got ${String(resolved.flushDiskType)}`);
  check(Number.isInteger(resolved.maxMessageSize) && resolved.maxMessageSize > 0, `maxMessageSize must be a positive integer, got ${resolved.maxMessageSize}`);
  check(Number.isInteger(resolved.defaultTopicQueueNums) && resolved.defaultTopicQueueNums > 0, `defaultTopicQueueNums must be a positive integer, got ${resolved.defaultTopicQueueNums}`);
  check(resolved.registerNameServerPeriod > 0, `registerNameServerPeriod must be > 0 ms, got ${resolved.registerNameServerPeriod}`);
  check(Number.isFinite(resolved.rebalanceLockMaxLiveTime) && resolved.rebalanceLockMaxLiveTime > 0, `rebalanceLockMaxLiveTime must be > 0 ms, got ${resolved.rebalanceLockMaxLiveTime}`);
  check(Number.isSafeInteger(resolved.transactionCheckInterval) && resolved.transactionCheckInterval > 0, `transactionCheckInterval must be a positive integer (ms), got ${resolved.transactionCheckInterval}`);
  check(Number.isSafeInteger(resolved.transactionTimeOut) && resolved.transactionTimeOut >= 0, `transactionTimeOut must be an integer >= 0 (ms), got ${resolved.transactionTimeOut}`);
  check(Number.isSafeInteger(resolved.transactionCheckMax) && resolved.transactionCheckMax > 0, `transactionCheckMax must be a positive integer, got ${resolved.transactionCheckMax}`);
  check(typeof resolved.compressedRegister === 'boolean', `compressedRegister must be true or false, got ${String(resolved.compressedRegister)}`);
  check(typeof resolved.rejectTransactionMessage === 'boolean', `rejectTransactionMessage must be true or false, got ${String(resolved.rejectTransactionMessage)}`);
  check(Number.isInteger(resolved.haListenPort) && resolved.haListenPort >= 0 && resolved.haListenPort <= 65535, `haListenPort must be 0..65535, got ${resolved.haListenPort}`);
  check(
    resolved.haListenPort === 0 || resolved.haListenPort !== resolved.listenPort,
    `haListenPort ${resolved.haListenPort} is the same as listenPort; choose another port (default listenPort + 1)`,
  );
  check(
    resolved.haMasterAddress === undefined || /^[^:\s]+:\d{1,5}$/.test(resolved.haMasterAddress),
    `haMasterAddress must be "host:port" (the master's haListenPort), got ${String(resolved.haMasterAddress)}`,
  );
  check(resolved.haMasterAddress === undefined || resolved.brokerRole === 'SLAVE', `haMasterAddress is only for a SLAVE; brokerRole is ${resolved.brokerRole}`);
  check(
    resolved.haSendHeartbeatInterval > 0 && resolved.haHousekeepingInterval > resolved.haSendHeartbeatInterval,
    `haSendHeartbeatInterval must be > 0 and below haHousekeepingInterval, got ${resolved.haSendHeartbeatInterval} and ${resolved.haHousekeepingInterval}`,
  );
  check(Number.isInteger(resolved.haTransferBatchSize) && resolved.haTransferBatchSize > 0, `haTransferBatchSize must be a positive integer, got ${resolved.haTransferBatchSize}`);
  check(Number.isSafeInteger(resolved.haMaxGapNotInSync) && resolved.haMaxGapNotInSync > 0, `haMaxGapNotInSync must be a positive integer (bytes), got ${resolved.haMaxGapNotInSync}`);
  check(Number.isFinite(resolved.slaveSynchronizeInterval) && resolved.slaveSynchronizeInterval > 0, `slaveSynchronizeInterval must be > 0 ms, got ${resolved.slaveSynchronizeInterval}`);
  check(typeof resolved.slaveReadEnable === 'boolean', `slaveReadEnable must be true or false, got ${String(resolved.slaveReadEnable)}`);
  check(
    Number.isFinite(resolved.accessMessageInMemoryMaxRatio) && resolved.accessMessageInMemoryMaxRatio >= 0 && resolved.accessMessageInMemoryMaxRatio <= 100,
    `accessMessageInMemoryMaxRatio must be 0..100 (percent of memory), got ${resolved.accessMessageInMemoryMaxRatio}`,
  );
  return resolved;
}
