// The rows of the client benchmark. Each row measures one load on a running cluster; a row with a
// `baseline` is compared with that row of the same transport and run (the client with the raw
// protocol, the decorator path with the plain client), and must keep its `target` share of the
// baseline's throughput. Throughput rows run in this order in every round, so a row placed right
// after its baseline runs back to back with it.
import type { Producer } from '@pulsejet/client';
import type { RemotingClient } from '@pulsejet/remoting';
import { runConsume } from './broker-bench-consume';
import type { ConsumeResult } from './broker-bench-consume';
import { runE2e } from './broker-bench-e2e';
import type { E2eOptions, E2eResult } from './broker-bench-e2e';
import { SendLoad, singleSends } from './broker-bench-send';
import { ProducerLoad, runClientE2e, runPushConsume } from './client-bench-client';
import type { PushConsumeOptions } from './client-bench-client';
import type { BenchCluster, ClientBenchTransport } from './client-bench-cluster';
import type { ClientBenchConfig } from './client-bench-config';
import type { RoundScope } from './client-bench-round';
import { runDecoratorDrain, runModuleBrokerDrain } from './client-bench-decorator';
import { MB, latencyOf } from './measure';
import type { Latency } from './measure';
import { withPauseWatch } from './pause-watch';
import type { PauseWatch } from './pause-watch';
import type { Load, RoundTripListener } from './closed-loop-load';
import { WindowRecorder } from './remoting-bench-load';

export interface RowContext {
  cluster: BenchCluster;
  config: ClientBenchConfig;
  /** Raw remoting clients (a sender's and a consumer's connection). */
  rawSender: RemotingClient;
  rawConsumer: RemotingClient;
  /** A started client Producer shared by the client rows. */
  producer: Producer;
  /** A topic or group name unique to this run. */
  name(prefix: string): string;
  /** What the rows of the current round share (the embedded module drains' broker); the runner closes it after each round. */
  round: RoundScope;
}

export interface Throughput {
  messagesPerSecond: number;
  payloadMBps: number;
  /** CPU of this process per message, µs (embedded: the broker's too). */
  clientCpuUs: number;
  /** CPU of the broker child per message, µs; NaN when embedded. */
  brokerCpuUs: number;
  /** Send round trips (send rows only). */
  latencyUs: Latency | undefined;
}

interface RowBase {
  id: string;
  label: string;
  /** What the row drives: 'raw' (requests sent straight on a RemotingClient), 'client' (the public API) or 'decorator' (@pulsejet/inversify). */
  path: 'raw' | 'client' | 'decorator';
  /** The id of the row this one is compared with: one for every transport, or per transport. */
  baseline?: string | Readonly<Record<ClientBenchTransport, string>>;
  /** The share of the baseline's msg/s the row must keep; default: the config's target (client vs raw). */
  target?: number;
  /** Only on these transports; default every one. */
  transports?: readonly ClientBenchTransport[];
}

export interface ThroughputRow extends RowBase {
  kind: 'throughput';
  /** Runs, with its baseline, in the config's `extendedRounds` instead of its `rounds` (a ratio too noisy for its bound in 7). */
  extendedRounds?: true;
  run(ctx: RowContext): Promise<Throughput>;
}

export interface LatencyRow extends RowBase {
  kind: 'latency';
  run(ctx: RowContext): Promise<E2eResult>;
}

export type ClientBenchRow = ThroughputRow | LatencyRow;

/** The bound on the decorator path: at most 10% of the plain client's throughput. */
export const DECORATOR_TARGET = 0.9;

export function baselineOf(row: ClientBenchRow, transport: ClientBenchTransport): string | undefined {
  return typeof row.baseline === 'object' ? row.baseline[transport] : row.baseline;
}

export function runsOn(row: ClientBenchRow, transport: ClientBenchTransport): boolean {
  return row.transports === undefined || row.transports.includes(transport);
}

function throughputOf(result: ConsumeResult): Throughput {
  return { messagesPerSecond: result.messagesPerSecond, payloadMBps: result.payloadMBps, clientCpuUs: result.clientCpuUs, brokerCpuUs: result.brokerCpuUs, latencyUs: undefined };
}

function drainOptions(ctx: RowContext, topicPrefix: string, groupPrefix: string): PushConsumeOptions {
  const { config } = ctx;
  return { topic: ctx.name(topicPrefix), group: ctx.name(groupPrefix), queues: config.queues, messages: config.consumeMessages, bodyBytes: config.bodyBytes, batch: config.consumeBatch };
}

/** Measures one send window of `load` (warm-up first), as the broker bench's send rows do. */
export async function measureSendLoad(ctx: RowContext, makeLoad: (record: RoundTripListener) => Load): Promise<Throughput> {
  const { config, cluster } = ctx;
  const recorder = new WindowRecorder();
  const window = await recorder.measure(makeLoad(recorder.record), config.inFlight, config.warmupMs, config.durationMs, cluster.brokerPid);
  return {
    messagesPerSecond: window.roundTripsPerSecond,
    payloadMBps: (window.roundTripsPerSecond * config.bodyBytes) / MB,
    clientCpuUs: window.clientCpuUs,
    brokerCpuUs: window.serverCpuUs,
    latencyUs: latencyOf(window.latenciesUs),
  };
}

/** The paced load of a latency row, watched by an idle bystander (./pause-watch). */
function e2eOptions(ctx: RowContext, topicPrefix: string, pauseWatch: PauseWatch): E2eOptions {
  const { config } = ctx;
  return {
    topic: ctx.name(topicPrefix),
    queues: config.queues,
    rate: config.e2eRate,
    warmupMs: config.e2eWarmupMs,
    durationMs: config.e2eDurationMs,
    bodyBytes: config.bodyBytes,
    pauseWatch,
  };
}

async function sendTopic(ctx: RowContext): Promise<string> {
  const topic = ctx.name('BenchClientSend');
  await ctx.cluster.createTopic(topic, ctx.config.queues);
  return topic;
}

export const CLIENT_BENCH_ROWS: readonly ClientBenchRow[] = [
  {
    id: 'raw-send',
    kind: 'throughput',
    path: 'raw',
    label: 'send: SEND_MESSAGE_V2, RemotingClient',
    async run(ctx) {
      const topic = await sendTopic(ctx);
      const body = Buffer.alloc(ctx.config.bodyBytes, 0x61);
      return measureSendLoad(ctx, (record) => new SendLoad(ctx.rawSender, ctx.cluster.brokerAddress, singleSends(topic, ctx.config.queues, body), record));
    },
  },
  {
    id: 'client-send',
    kind: 'throughput',
    path: 'client',
    baseline: 'raw-send',
    label: 'send: Producer.send',
    async run(ctx) {
      const topic = await sendTopic(ctx);
      const body = Buffer.alloc(ctx.config.bodyBytes, 0x61);
      return measureSendLoad(ctx, (record) => new ProducerLoad(ctx.producer, topic, body, record));
    },
  },
  {
    id: 'decorator-send',
    kind: 'throughput',
    path: 'decorator',
    baseline: 'client-send',
    target: DECORATOR_TARGET,
    label: 'send: injected Producer (PulsejetModule)',
    async run(ctx) {
      const topic = await sendTopic(ctx);
      const body = Buffer.alloc(ctx.config.bodyBytes, 0x61);
      return measureSendLoad(ctx, (record) => new ProducerLoad(ctx.cluster.host.producer, topic, body, record));
    },
  },
  {
    id: 'raw-drain',
    kind: 'throughput',
    path: 'raw',
    label: 'drain backlog: long-polling PULL_MESSAGE loops',
    async run(ctx) {
      const { config, cluster } = ctx;
      const result = await runConsume(ctx.rawSender, ctx.rawConsumer, cluster.brokerAddress, cluster.brokerPid, {
        topic: ctx.name('BenchRawDrain'),
        queues: config.queues,
        messages: config.consumeMessages,
        bodyBytes: config.bodyBytes,
        batch: config.consumeBatch,
      });
      return { messagesPerSecond: result.messagesPerSecond, payloadMBps: result.payloadMBps, clientCpuUs: result.clientCpuUs, brokerCpuUs: result.brokerCpuUs, latencyUs: undefined };
    },
  },
  {
    id: 'client-drain',
    kind: 'throughput',
    path: 'client',
    baseline: 'raw-drain',
    label: 'drain backlog: PushConsumer',
    async run(ctx) {
      return throughputOf(await runPushConsume(ctx.cluster, ctx.rawSender, drainOptions(ctx, 'BenchClientDrain', 'GID_bench_drain')));
    },
  },
  {
    id: 'module-drain',
    kind: 'throughput',
    path: 'client',
    transports: ['embedded'],
    label: 'drain backlog: PushConsumer, on the module-owned broker',
    async run(ctx) {
      return throughputOf(await runModuleBrokerDrain(ctx, drainOptions(ctx, 'BenchModuleDrain', 'GID_bench_module_drain')));
    },
  },
  {
    id: 'decorator-drain',
    kind: 'throughput',
    path: 'decorator',
    baseline: { tcp: 'client-drain', embedded: 'module-drain' },
    target: DECORATOR_TARGET,
    extendedRounds: true,
    label: 'drain backlog: @Subscribe + startPulsejet',
    async run(ctx) {
      return throughputOf(await runDecoratorDrain(ctx, drainOptions(ctx, 'BenchDecoratorDrain', 'GID_bench_decorator_drain')));
    },
  },
  {
    id: 'raw-e2e',
    kind: 'latency',
    path: 'raw',
    label: 'e2e: SEND_MESSAGE_V2 → long-polling pulls',
    async run(ctx) {
      return withPauseWatch((pauseWatch) => runE2e(ctx.rawSender, ctx.rawConsumer, ctx.cluster.brokerAddress, e2eOptions(ctx, 'BenchRawE2E', pauseWatch)));
    },
  },
  {
    id: 'client-e2e',
    kind: 'latency',
    path: 'client',
    baseline: 'raw-e2e',
    label: 'e2e: Producer → PushConsumer',
    async run(ctx) {
      return withPauseWatch((pauseWatch) => runClientE2e(ctx.cluster, ctx.producer, ctx.name('GID_bench_e2e'), e2eOptions(ctx, 'BenchClientE2E', pauseWatch)));
    },
  },
];
