// Runs the client benchmark: per transport one cluster (client-bench-cluster.ts), a broker warm-up,
// then every row of CLIENT_BENCH_ROWS that runs on it (throughput rows in `rounds` interleaved rounds,
// in the listed order and reversed in turn, the decorator drain pair in `extendedRounds`; median
// msg/s reported, ratios from ratioOf; latency rows once), and optionally a CPU profile of this
// process during the client send row over TCP.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Session } from 'node:inspector';
import type { Producer } from '@pulsejet/client';
import type { E2eResult } from './broker-bench-e2e';
import { monotonicUs, trimProfile } from './broker-bench-profile';
import type { CpuProfile } from './broker-bench-profile';
import { SendLoad, singleSends } from './broker-bench-send';
import { ProducerLoad, startProducer } from './client-bench-client';
import { startBenchCluster } from './client-bench-cluster';
import type { BenchCluster, ClientBenchTransport } from './client-bench-cluster';
import type { ClientBenchConfig } from './client-bench-config';
import { RoundScope } from './client-bench-round';
import { CLIENT_BENCH_ROWS, baselineOf, measureSendLoad, runsOn } from './client-bench-rows';
import type { ClientBenchRow, RowContext, Throughput, ThroughputRow } from './client-bench-rows';
import { cpuSpeedSince, probeCpuSpeed } from './cpu-probe';
import { heapFlagsOf } from './heap-flags';
import { machineInfo } from './machine';
import type { MachineInfo } from './machine';
import { cpuSnapshot, median, pairedRatio, sleep, waitForQuietCpu } from './measure';
import type { CpuSnapshot } from './measure';
import { summariseProfile } from './profile-summary';
import type { ProfileLine } from './profile-summary';
import { processCpuUs } from './remoting-bench-load';
import { sourceState } from './source';
import type { SourceState } from './source';
import { REPO_ROOT } from './bench-config';

export interface RowResult {
  transport: ClientBenchTransport;
  row: ClientBenchRow;
  /** Throughput rows: the median round, and every round's msg/s. */
  throughput: Throughput | undefined;
  rounds: number[];
  latency: E2eResult | undefined;
  /** Largest share of the machine's CPU used by other processes during the row's windows. */
  otherCpuShare: number | undefined;
}

export interface ClientProfile {
  file: string;
  messagesPerSecond: number;
  totalMs: number;
  /** Self time by layer (client, remoting, protocol, node, GC, ...), largest first. */
  layers: { layer: string; share: number }[];
  /** The functions with the most self time. */
  top: ProfileLine[];
}

export interface ClientBenchResults {
  startedAt: Date;
  seconds: number;
  config: ClientBenchConfig;
  machine: MachineInfo;
  source: SourceState;
  loadAverageAtStart: number;
  /** The V8 heap flags this (the bench) process runs with, as `node` was given them. */
  heapFlags: string[];
  quietWaitMs: number;
  rows: RowResult[];
  profile: ClientProfile | undefined;
}

export type Progress = (line: string) => void;

export async function runClientBench(config: ClientBenchConfig, progress: Progress = () => undefined, allRows: readonly ClientBenchRow[] = CLIENT_BENCH_ROWS): Promise<ClientBenchResults> {
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg()[0] ?? Number.NaN;
  const cpuSpeedAtStart = probeCpuSpeed();
  fs.mkdirSync(config.workDir, { recursive: true });
  let quietWaitMs = 0;
  const results: RowResult[] = [];
  let profile: ClientProfile | undefined;
  let counter = 0;

  for (const transport of config.transports) {
    const transportRows = allRows.filter((row) => runsOn(row, transport));
    if (config.quietWaitMs > 0) quietWaitMs += await waitForQuietCpu(500, config.quietWaitMs);
    const cluster = await startBenchCluster({ transport, dataDir: path.join(config.workDir, transport), segmentBytes: config.segmentBytes });
    const rawSender = cluster.newRemotingClient();
    const rawConsumer = cluster.newRemotingClient();
    let producer: Producer | undefined;
    const round = new RoundScope();
    try {
      const ctx: RowContext = {
        cluster,
        config,
        rawSender,
        rawConsumer,
        producer: (producer = await startProducer(cluster, `PID_bench_client_${process.pid}`)),
        name: (prefix) => `${prefix}_${transport}_${counter++}`,
        round,
      };
      await warmUp(ctx);
      const rounds = new Map<string, { figures: Throughput; other: number | undefined }[]>();
      const plan = roundPlan(transportRows, transport, config);
      for (const [index, rows] of plan.entries()) {
        for (const row of rows) {
          const measured = await withOtherShare(cluster, () => row.run(ctx));
          rounds.set(row.id, [...(rounds.get(row.id) ?? []), { figures: measured.result, other: measured.otherCpuShare }]);
          progress(`${transport} round ${index + 1}/${plan.length}  ${row.label.padEnd(48)} ${Math.round(measured.result.messagesPerSecond).toLocaleString('en-US').padStart(9)} msg/s`);
        }
        await round.close();
      }
      for (const row of transportRows) {
        if (row.kind === 'throughput') {
          const list = rounds.get(row.id) ?? [];
          const perSecond = list.map((r) => r.figures.messagesPerSecond);
          const mid = median(perSecond);
          const chosen = list.reduce((best, r) => (Math.abs(r.figures.messagesPerSecond - mid) < Math.abs(best.figures.messagesPerSecond - mid) ? r : best), list[0]!);
          results.push({ transport, row, throughput: { ...chosen.figures, messagesPerSecond: mid }, rounds: perSecond, latency: undefined, otherCpuShare: maxShare(list.map((r) => r.other)) });
        } else {
          const measured = await withOtherShare(cluster, () => row.run(ctx));
          progress(`${transport} ${row.label.padEnd(48)} p50 ${Math.round(measured.result.p50Us)} µs, p99 ${Math.round(measured.result.p99Us)} µs`);
          results.push({ transport, row, throughput: undefined, rounds: [], latency: measured.result, otherCpuShare: measured.otherCpuShare });
        }
      }
      const sendRatio = ratioOf(results, transport, 'client-send');
      if (transport === 'tcp' && (config.profile === 'always' || (config.profile === 'miss' && sendRatio !== undefined && sendRatio < config.target))) {
        profile = await profileClientSend(ctx);
        progress(`profile: ${path.relative(REPO_ROOT, profile.file)} (${Math.round(profile.messagesPerSecond).toLocaleString('en-US')} msg/s under the profiler)`);
      }
    } finally {
      await round.close();
      await producer?.close();
      await rawSender.close();
      await rawConsumer.close();
      await cluster.close();
    }
  }

  return {
    startedAt,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    config,
    machine: machineInfo(config.workDir, cpuSpeedSince(cpuSpeedAtStart)),
    source: sourceState(REPO_ROOT),
    loadAverageAtStart,
    heapFlags: heapFlagsOf(process.execArgv),
    quietWaitMs,
    rows: results,
    profile,
  };
}

/**
 * A row's msg/s ÷ its baseline's msg/s for one transport, from the rounds both ran (measure's
 * pairedRatio: the trimmed geometric mean of the per-round ratios); undefined when either row is
 * missing.
 */
export function ratioOf(results: readonly RowResult[], transport: ClientBenchTransport, rowId: string): number | undefined {
  const row = results.find((r) => r.transport === transport && r.row.id === rowId);
  const baseline = row === undefined ? undefined : baselineOf(row.row, transport);
  const base = baseline === undefined ? undefined : results.find((r) => r.transport === transport && r.row.id === baseline);
  if (!row?.throughput || !base?.throughput) return undefined;
  if (row.rounds.length === 0 || base.rounds.length === 0) return row.throughput.messagesPerSecond / base.throughput.messagesPerSecond;
  return pairedRatio(row.rounds, base.rounds);
}

/**
 * The throughput rows of each round, in order. Every row runs in the first `rounds` rounds (all of
 * them, in roundOrder); rows marked `extendedRounds`, and their baselines, go on alone up to the
 * config's `extendedRounds`, still in roundOrder, so each pair stays back to back.
 */
export function roundPlan(rows: readonly ClientBenchRow[], transport: ClientBenchTransport, config: ClientBenchConfig): ThroughputRow[][] {
  const throughputRows = rows.filter((row): row is ThroughputRow => row.kind === 'throughput' && runsOn(row, transport));
  const extended = new Set<string>();
  for (const row of throughputRows) {
    if (!row.extendedRounds) continue;
    extended.add(row.id);
    const baseline = baselineOf(row, transport);
    if (baseline !== undefined) extended.add(baseline);
  }
  const total = Math.max(config.rounds, config.extendedRounds);
  return Array.from({ length: total }, (_, i) => {
    const inRound = i < config.rounds ? throughputRows : throughputRows.filter((row) => extended.has(row.id));
    return [...roundOrder(inRound, i + 1)];
  });
}

/**
 * The order of round `round` (1-based): as listed in odd rounds, reversed in even ones. Each row
 * sits next to its baseline either way, and neither of the two always runs first: over tcp the
 * decorator drain, which runs the PushConsumer's code, came out at 126-145% of the PushConsumer
 * row it always followed in four runs, so position within a round is not neutral on this machine.
 */
export function roundOrder<T>(rows: readonly T[], round: number): readonly T[] {
  return round % 2 === 1 ? rows : [...rows].reverse();
}

/** Rows whose code a warm-up drain runs once, unmeasured, before the first round. */
const WARM_UP_DRAINS = ['raw-drain', 'client-drain'];

/**
 * The code starts cold (tsx-compiled, then JIT): raw 1 KiB sends, unmeasured, for the broker; then
 * one drain of a quarter-size backlog by the raw pull loops and one by a PushConsumer, so the first
 * round's drains measure warm code on both sides, as the send rows do after their warm-up window.
 */
async function warmUp(ctx: RowContext): Promise<void> {
  if (ctx.config.brokerWarmupMs <= 0) return;
  const topic = ctx.name('BenchWarmUp');
  await ctx.cluster.createTopic(topic, ctx.config.queues);
  const load = new SendLoad(ctx.rawSender, ctx.cluster.brokerAddress, singleSends(topic, ctx.config.queues, Buffer.alloc(ctx.config.bodyBytes, 0x77)), () => undefined);
  load.start(ctx.config.inFlight);
  await sleep(ctx.config.brokerWarmupMs);
  await load.stop();
  const small: RowContext = { ...ctx, config: { ...ctx.config, consumeMessages: Math.ceil(ctx.config.consumeMessages / 4) } };
  for (const row of CLIENT_BENCH_ROWS) {
    if (WARM_UP_DRAINS.includes(row.id) && runsOn(row, ctx.cluster.transport)) await row.run(small);
  }
}

async function withOtherShare<T>(cluster: BenchCluster, measure: () => Promise<T>): Promise<{ result: T; otherCpuShare: number | undefined }> {
  const before = cpuSnapshot();
  const brokerBefore = processCpuUs(cluster.brokerPid);
  const result = await measure();
  const brokerUs = cluster.brokerPid === undefined ? 0 : processCpuUs(cluster.brokerPid) - brokerBefore;
  return { result, otherCpuShare: otherShare(before, cpuSnapshot(), brokerUs) };
}

/** USER_HZ ticks per second of /proc/stat. */
const TICKS_PER_SECOND = 100;

/** Share of the machine's CPU used by neither this process nor the broker child (as broker-bench-run counts it). */
function otherShare(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined, brokerUs: number): number | undefined {
  if (!before || !after || !Number.isFinite(brokerUs)) return undefined;
  const total = after.machineTotal - before.machineTotal;
  if (total <= 0) return undefined;
  const other = after.machineBusy - before.machineBusy - (after.own - before.own) - (brokerUs / 1e6) * TICKS_PER_SECOND;
  return Math.max(0, other / total);
}

function maxShare(shares: (number | undefined)[]): number | undefined {
  const known = shares.filter((s): s is number => s !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
}

/** The client send row once more under V8's sampling profiler (the profile `node --cpu-prof` writes), in this process. */
async function profileClientSend(ctx: RowContext): Promise<ClientProfile> {
  const topic = ctx.name('BenchClientProfile');
  await ctx.cluster.createTopic(topic, ctx.config.queues);
  const session = new Session();
  session.connect();
  const post = <R>(method: string, params?: object): Promise<R> =>
    new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as R))));
  try {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
    const body = Buffer.alloc(ctx.config.bodyBytes, 0x61);
    // Only the measured window: not the warm-up, nor the profiler's own stop and serialisation.
    const fromUs = monotonicUs() + ctx.config.warmupMs * 1000;
    const figures = await measureSendLoad(ctx, (record) => new ProducerLoad(ctx.producer, topic, body, record));
    const toUs = fromUs + ctx.config.durationMs * 1000;
    const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
    fs.mkdirSync(ctx.config.profileDir, { recursive: true });
    const file = path.join(ctx.config.profileDir, `client-send-${Date.now()}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    const summary = summariseProfile(trimProfile(profile, fromUs, toUs).profile);
    const byLayer = new Map<string, number>();
    for (const line of summary.self) byLayer.set(layerOf(line.name), (byLayer.get(layerOf(line.name)) ?? 0) + line.share);
    return {
      file,
      messagesPerSecond: figures.messagesPerSecond,
      totalMs: summary.totalMs,
      layers: [...byLayer].map(([layer, share]) => ({ layer, share })).sort((a, b) => b.share - a.share),
      top: summary.self.filter((line) => !/^\((idle|program)\)/.test(line.name)).slice(0, 12),
    };
  } finally {
    session.disconnect();
  }
}

function layerOf(name: string): string {
  if (name.startsWith('(garbage collector)')) return 'GC';
  if (name.startsWith('(idle)')) return 'idle';
  if (name.startsWith('(program)')) return 'V8/native (program)';
  const match = / (packages|tools)\/([^/]+)\//.exec(name);
  if (match) return match[1] === 'packages' ? `@pulsejet/${match[2]}` : `tools/${match[2]}`;
  if (/ node_modules\//.test(name)) return 'node_modules';
  return 'Node.js internals and natives';
}
