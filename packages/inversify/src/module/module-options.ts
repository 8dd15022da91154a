// Options of PulsejetModule.embedded() and .connect() (STYLE.md habit 8: one interface per entry
// point, each field with its default, resolved once). Configuration comes from code; apps map their
// environment variables to these options themselves (libraries never read process.env).
import type { ClientInstanceOptions, ProducerOptions, PushConsumerOptions } from '@pulsejet/client';
import type { BrokerOptions } from '@pulsejet/broker';
import { PulsejetConfigError, PulsejetConfigErrorCode } from '../errors';

export type PulsejetLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type PulsejetLog = (level: PulsejetLogLevel, message: string) => void;

/** Warnings and errors to stderr (a handler that throws is worth hearing about); debug and info dropped. */
export const defaultPulsejetLog: PulsejetLog = (level, message) => {
  if (level === 'warn' || level === 'error') process.stderr.write(`[pulsejet] ${level}: ${message}\n`);
};

/** Consumer knobs shared by every group (the per-group ones are @Subscribe options). */
export type ConsumerTuning = Partial<
  Pick<
    PushConsumerOptions,
    | 'pullBatchSize'
    | 'pullThresholdForQueue'
    | 'pullThresholdSizeForQueue'
    | 'rebalanceIntervalMs'
    | 'persistOffsetIntervalMs'
    | 'brokerSuspendMaxTimeMs'
    | 'pullTimeoutMs'
    | 'pullDelayOnErrorMs'
    | 'lockRenewIntervalMs'
    | 'suspendCurrentQueueTimeMs'
    | 'awaitTerminationMs'
    | 'offsetStoreDir'
    | 'allocateStrategy'
  >
>;

export interface PulsejetCommonOptions {
  /** The group of the injectable Producer. @default 'pulsejet-producer' */
  producerGroup?: string;
  /** Producer settings (timeouts, retries, compression, topics to look up at start). @default the client's defaults */
  producer?: Partial<Pick<ProducerOptions, 'sendTimeoutMs' | 'retryTimesWhenSendFailed' | 'compressOverBytes' | 'maxMessageSize' | 'sendLatencyFaultEnable' | 'defaultTopicQueueNums' | 'topics'>>;
  /** Settings of every consumer. @default the client's defaults */
  consumer?: ConsumerTuning;
  /** Client instance settings (heartbeat and route refresh intervals, request timeout, names). */
  client?: Partial<Pick<ClientInstanceOptions, 'instanceName' | 'clientIP' | 'heartbeatBrokerIntervalMs' | 'pollNameServerIntervalMs' | 'requestTimeoutMs'>>;
  /** @default warnings and errors to stderr */
  log?: PulsejetLog;
}

/** Broker settings an embedded broker may take (its transport, address and store location are the module's). */
export type EmbeddedBrokerOptions = Omit<BrokerOptions, 'namesrvAddr' | 'listenPort' | 'bindAddress' | 'storePathRootDir' | 'log'>;

interface EmbeddedBase extends PulsejetCommonOptions {
  /** Broker settings (messageDelayLevel, flushDiskType, transaction check timing...). @default {} */
  broker?: EmbeddedBrokerOptions;
  /** Queues of topics created at start (every subscribed topic is created when missing). @default 4 */
  topicQueueNums?: number;
}

/** The broker keeps its data under dataDir (commit log, queues, offsets); it survives restarts. */
export interface EmbeddedDataDirOptions extends EmbeddedBase {
  dataDir: string;
  memory?: never;
}

/** Everything in memory: gone when the process ends. For tests and demos. */
export interface EmbeddedMemoryOptions extends EmbeddedBase {
  memory: true;
  dataDir?: never;
}

export type EmbeddedOptions = EmbeddedDataDirOptions | EmbeddedMemoryOptions;

export interface ConnectOptions extends PulsejetCommonOptions {
  /** Nameserver addresses: 'host:9876', 'a:9876;b:9876' or a list. */
  namesrv: string | readonly string[];
}

export const DEFAULT_PRODUCER_GROUP = 'pulsejet-producer';
export const DEFAULT_TOPIC_QUEUE_NUMS = 4;

export interface ResolvedPulsejetOptions {
  transport: { kind: 'embedded'; dataDir: string | undefined; broker: EmbeddedBrokerOptions; topicQueueNums: number } | { kind: 'connect'; namesrv: string | readonly string[] };
  producerGroup: string;
  producer: NonNullable<PulsejetCommonOptions['producer']>;
  consumer: ConsumerTuning;
  client: NonNullable<PulsejetCommonOptions['client']>;
  log: PulsejetLog;
}

function invalid(message: string): PulsejetConfigError {
  return new PulsejetConfigError(PulsejetConfigErrorCode.INVALID_OPTION, message);
}

function common(options: PulsejetCommonOptions): Omit<ResolvedPulsejetOptions, 'transport'> {
  return {
    producerGroup: options.producerGroup ?? DEFAULT_PRODUCER_GROUP,
    producer: { ...(options.producer ?? {}) },
    consumer: { ...(options.consumer ?? {}) },
    client: { ...(options.client ?? {}) },
    log: options.log ?? defaultPulsejetLog,
  };
}

export function resolveEmbeddedOptions(options: EmbeddedOptions): ResolvedPulsejetOptions {
  if (typeof options !== 'object' || options === null) throw invalid('PulsejetModule.embedded() needs { dataDir } or { memory: true }');
  const hasDir = typeof options.dataDir === 'string' && options.dataDir !== '';
  const memory = options.memory === true;
  if (hasDir === memory) {
    throw invalid(`PulsejetModule.embedded() needs exactly one of { dataDir: './data' } (kept on disk) or { memory: true } (for tests); got ${hasDir ? 'both' : 'neither'}`);
  }
  const topicQueueNums = options.topicQueueNums ?? DEFAULT_TOPIC_QUEUE_NUMS;
  if (!Number.isSafeInteger(topicQueueNums) || topicQueueNums < 1) throw invalid(`topicQueueNums must be an integer >= 1, got ${topicQueueNums}`);
  return { ...common(options), transport: { kind: 'embedded', dataDir: hasDir ? options.dataDir : undefined, broker: { ...(options.broker ?? {}) }, topicQueueNums } };
}

export function resolveConnectOptions(options: ConnectOptions): ResolvedPulsejetOptions {
  const namesrv = options?.namesrv;
  const empty = namesrv === undefined || (typeof namesrv === 'string' ? namesrv.trim() === '' : namesrv.length === 0);
  if (empty) throw invalid("PulsejetModule.connect() needs { namesrv: 'host:9876' } (or a list)");
  return { ...common(options), transport: { kind: 'connect', namesrv } };
}
