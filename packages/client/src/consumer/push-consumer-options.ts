// Options of PushConsumer (one interface, every field with its default, resolved once: STYLE.md
// habit 8). Names follow RocketMQ's DefaultMQPushConsumer where it has one.
import { ClientError, ClientErrorCode } from '../errors';
import type { ClientInstance } from '../instance/client-instance';
import { defaultClientLog, type ClientInstanceOptions } from '../instance/client-instance-options';
import type { AllocateStrategy, AllocateStrategyName } from './allocate-strategy';
import type { ConsumeFromWhere, ConsumerLog, MessageModel, OrderBy } from './consume-types';
import { DEFAULT_BROKER_SUSPEND_MS } from './pull-api';

/**
 * The instance fields (namesrvAddr, remoting, instanceName, heartbeat and route intervals, log...)
 * are the ClientInstance's (see ClientInstanceOptions); pass `clientInstance` to share one.
 */
export interface PushConsumerOptions extends Partial<ClientInstanceOptions> {
  /** The consumer group; members of a group share its queues (clustering) and offsets. Required. */
  groupName: string;
  /**
   * An instance to share with producers or other consumers of other groups (its namesrvAddr,
   * remoting... are used; the ones here are ignored). The consumer does not close it.
   * @default a new instance from this object's instance options, closed with the consumer
   */
  clientInstance?: ClientInstance;
  /** @default 'CLUSTERING' */
  messageModel?: MessageModel;
  /** Where a group with no committed offset starts. @default 'CONSUME_FROM_LAST_OFFSET' */
  consumeFromWhere?: ConsumeFromWhere;
  /** For CONSUME_FROM_TIMESTAMP: epoch ms. @default 30 minutes before start() */
  consumeTimestamp?: number;
  /** How the group shares queues. @default 'AVG' */
  allocateStrategy?: AllocateStrategyName | AllocateStrategy;
  /** Handlers running at once (concurrent mode), over all queues. @default 20 */
  consumeConcurrency?: number;
  /** Messages per pull. @default 32 */
  pullBatchSize?: number;
  /** Pulling of a queue pauses while it buffers this many messages. @default 256 (Java: 1000; see DEFAULT_PULL_THRESHOLD_FOR_QUEUE) */
  pullThresholdForQueue?: number;
  /** ... or this many body bytes. @default 100 MiB */
  pullThresholdSizeForQueue?: number;
  /** A handler running longer than this is abandoned and its message retried. @default 15 min */
  consumeTimeoutMs?: number;
  /** Retries before a message goes to %DLQ%<group>. @default 16 */
  maxReconsumeTimes?: number;
  /** One message at a time per queue, in queue order, with the queue locked on the broker. @default false */
  orderly?: boolean;
  /**
   * Per-key ordered concurrency (concurrent mode): messages with the same key are handled one after
   * another in queue order, different keys in parallel. 'keys': the first of the message's KEYS;
   * 'shardingKey': the producer's sharding key; or a function. @default none (every message independent)
   */
  orderBy?: OrderBy;
  /** Broadcasting: where offsets are kept (<dir>/<clientId>/<group>/offsets.json). @default <os tmpdir>/pulsejet-offsets */
  offsetStoreDir?: string;
  /** How often queues are re-shared (also at once when the group changes). @default 20_000 */
  rebalanceIntervalMs?: number;
  /** How often offsets are committed. @default 5_000 */
  persistOffsetIntervalMs?: number;
  /** How long the broker may hold an idle pull. @default 15_000 */
  brokerSuspendMaxTimeMs?: number;
  /** Pull reply timeout; must exceed brokerSuspendMaxTimeMs. @default brokerSuspendMaxTimeMs + 15_000 */
  pullTimeoutMs?: number;
  /** Wait after a failed pull. @default 3_000 */
  pullDelayOnErrorMs?: number;
  /** Orderly: how often broker locks are renewed (they expire after 60 s on the broker). @default 20_000 */
  lockRenewIntervalMs?: number;
  /** Orderly: wait before retrying a failed message locally. @default 1_000 */
  suspendCurrentQueueTimeMs?: number;
  /** close(): how long in-flight handlers may take to finish. @default 30_000 */
  awaitTerminationMs?: number;
  /** Where the consumer reports what it drops or retries. @default warnings and errors to stderr */
  log?: ConsumerLog;
}

export const DEFAULT_CONSUME_CONCURRENCY = 20;
export const DEFAULT_PULL_BATCH_SIZE = 32;
/**
 * 256, not Java's 1000: a buffered message is alive until its handler finishes, and with 1000 per
 * queue a fast drain kept thousands of them (and the pull replies their bodies point into) alive
 * across young-generation collections, so V8 promoted them and ran mark-compacts to free them. In
 * alternating drains of 300,000 x 1 KiB over 8 queues (6 rounds each, one process), 256 gave
 * 189-212k msg/s at 5.0-7.1 us of CPU per message (embedded) against 148-198k at 5.7-8.2 us with
 * 1000, and mark-compacts in 2 rounds of 6 instead of 4. It is still 8 pulls of 32 ahead of the
 * handlers, so pulling pauses only when handlers are that far behind.
 */
export const DEFAULT_PULL_THRESHOLD_FOR_QUEUE = 256;
export const DEFAULT_PULL_THRESHOLD_SIZE_FOR_QUEUE = 100 * 1024 * 1024;
export const DEFAULT_CONSUME_TIMEOUT_MS = 15 * 60_000;
export const DEFAULT_MAX_RECONSUME_TIMES = 16;
export const DEFAULT_REBALANCE_INTERVAL_MS = 20_000;
export const DEFAULT_PERSIST_OFFSET_INTERVAL_MS = 5_000;
export const DEFAULT_PULL_DELAY_ON_ERROR_MS = 3_000;
export const DEFAULT_LOCK_RENEW_INTERVAL_MS = 20_000;
export const DEFAULT_SUSPEND_CURRENT_QUEUE_TIME_MS = 1_000;
export const DEFAULT_AWAIT_TERMINATION_MS = 30_000;

type ConsumerOnlyOptions = Omit<PushConsumerOptions, keyof ClientInstanceOptions | 'clientInstance' | 'offsetStoreDir' | 'orderBy'>;

export type ResolvedPushConsumerOptions = Required<ConsumerOnlyOptions> & {
  offsetStoreDir: string | undefined;
  orderBy: OrderBy | undefined;
  log: ConsumerLog;
  /** The instance to share, or the options of the consumer's own instance. */
  instance: { shared: ClientInstance } | { options: ClientInstanceOptions };
};

function invalid(message: string): ClientError {
  return new ClientError(ClientErrorCode.INVALID_ARGUMENT, message);
}

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(`${name} must be an integer >= 1, got ${value}`);
  return value;
}

const INSTANCE_FIELDS = ['remoting', 'ownsRemoting', 'instanceName', 'clientIP', 'heartbeatBrokerIntervalMs', 'pollNameServerIntervalMs', 'requestTimeoutMs', 'serializeType'] as const;

/** The ClientInstance fields of the options (the instance validates them itself). */
function instanceOptionsOf(options: Partial<ClientInstanceOptions>, log: ConsumerLog): ClientInstanceOptions {
  const picked: Partial<ClientInstanceOptions> = {};
  for (const field of INSTANCE_FIELDS) {
    if (options[field] !== undefined) Object.assign(picked, { [field]: options[field] });
  }
  return { ...picked, namesrvAddr: options.namesrvAddr ?? [], log };
}

/** Applies defaults and rejects what can never work, with INVALID_ARGUMENT saying what to change. */
export function resolvePushConsumerOptions(options: PushConsumerOptions): ResolvedPushConsumerOptions {
  if (typeof options.groupName !== 'string' || options.groupName.trim() === '') {
    throw invalid('groupName must be a non-empty string: the consumer group shares queues and offsets');
  }
  if (!/^[%|a-zA-Z0-9_-]+$/.test(options.groupName) || options.groupName.length > 255) {
    throw invalid(`groupName ${JSON.stringify(options.groupName)} may only hold letters, digits, '%', '|', '_' and '-' (at most 255)`);
  }
  const namesrv = options.namesrvAddr;
  if (options.clientInstance === undefined && (namesrv === undefined || (typeof namesrv === 'string' ? namesrv.trim() === '' : namesrv.length === 0))) {
    throw invalid('namesrvAddr is required ("host:9876" or a list), or a clientInstance to share');
  }
  const messageModel = options.messageModel ?? 'CLUSTERING';
  if (messageModel !== 'CLUSTERING' && messageModel !== 'BROADCASTING') throw invalid(`messageModel must be CLUSTERING or BROADCASTING, got ${String(messageModel)}`);
  const orderly = options.orderly ?? false;
  if (orderly && messageModel === 'BROADCASTING') {
    throw invalid('orderly consumption needs CLUSTERING: queue locks are per group, so broadcasting + orderly is not supported; drop one of them');
  }
  if (orderly && options.orderBy !== undefined) {
    throw invalid('orderBy (per-key order with concurrency) and orderly (per-queue order, one at a time) exclude each other; choose one');
  }
  if (options.orderBy !== undefined && options.orderBy !== 'keys' && options.orderBy !== 'shardingKey' && typeof options.orderBy !== 'function') {
    throw invalid(`orderBy must be 'keys', 'shardingKey' or a function (message) => key, got ${String(options.orderBy)}`);
  }
  const consumeFromWhere = options.consumeFromWhere ?? 'CONSUME_FROM_LAST_OFFSET';
  if (!['CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET', 'CONSUME_FROM_TIMESTAMP'].includes(consumeFromWhere)) {
    throw invalid(`consumeFromWhere must be CONSUME_FROM_LAST_OFFSET, CONSUME_FROM_FIRST_OFFSET or CONSUME_FROM_TIMESTAMP, got ${String(consumeFromWhere)}`);
  }
  const brokerSuspendMaxTimeMs = options.brokerSuspendMaxTimeMs ?? DEFAULT_BROKER_SUSPEND_MS;
  const pullTimeoutMs = options.pullTimeoutMs ?? brokerSuspendMaxTimeMs + 15_000;
  if (pullTimeoutMs <= brokerSuspendMaxTimeMs) {
    throw invalid(`pullTimeoutMs (${pullTimeoutMs}) must exceed brokerSuspendMaxTimeMs (${brokerSuspendMaxTimeMs}), else every idle pull times out`);
  }
  const maxReconsumeTimes = options.maxReconsumeTimes ?? DEFAULT_MAX_RECONSUME_TIMES;
  if (!Number.isSafeInteger(maxReconsumeTimes) || maxReconsumeTimes < 0) throw invalid(`maxReconsumeTimes must be an integer >= 0, got ${maxReconsumeTimes}`);
  const log = options.log ?? defaultClientLog;
  return {
    groupName: options.groupName,
    instance: options.clientInstance ? { shared: options.clientInstance } : { options: instanceOptionsOf(options, log) },
    messageModel,
    consumeFromWhere,
    consumeTimestamp: options.consumeTimestamp ?? Date.now() - 30 * 60_000,
    allocateStrategy: options.allocateStrategy ?? 'AVG',
    consumeConcurrency: positiveInt('consumeConcurrency', options.consumeConcurrency ?? DEFAULT_CONSUME_CONCURRENCY),
    pullBatchSize: positiveInt('pullBatchSize', options.pullBatchSize ?? DEFAULT_PULL_BATCH_SIZE),
    pullThresholdForQueue: positiveInt('pullThresholdForQueue', options.pullThresholdForQueue ?? DEFAULT_PULL_THRESHOLD_FOR_QUEUE),
    pullThresholdSizeForQueue: positiveInt('pullThresholdSizeForQueue', options.pullThresholdSizeForQueue ?? DEFAULT_PULL_THRESHOLD_SIZE_FOR_QUEUE),
    consumeTimeoutMs: positiveInt('consumeTimeoutMs', options.consumeTimeoutMs ?? DEFAULT_CONSUME_TIMEOUT_MS),
    maxReconsumeTimes,
    orderly,
    orderBy: options.orderBy,
    offsetStoreDir: options.offsetStoreDir,
    rebalanceIntervalMs: positiveInt('rebalanceIntervalMs', options.rebalanceIntervalMs ?? DEFAULT_REBALANCE_INTERVAL_MS),
    persistOffsetIntervalMs: positiveInt('persistOffsetIntervalMs', options.persistOffsetIntervalMs ?? DEFAULT_PERSIST_OFFSET_INTERVAL_MS),
    brokerSuspendMaxTimeMs,
    pullTimeoutMs,
    pullDelayOnErrorMs: options.pullDelayOnErrorMs ?? DEFAULT_PULL_DELAY_ON_ERROR_MS,
    lockRenewIntervalMs: positiveInt('lockRenewIntervalMs', options.lockRenewIntervalMs ?? DEFAULT_LOCK_RENEW_INTERVAL_MS),
    suspendCurrentQueueTimeMs: options.suspendCurrentQueueTimeMs ?? DEFAULT_SUSPEND_CURRENT_QUEUE_TIME_MS,
    awaitTerminationMs: options.awaitTerminationMs ?? DEFAULT_AWAIT_TERMINATION_MS,
    log,
  };
}
