// Runs the replication benchmark: per row and round a fresh master + slave pair (child processes),
// this process as the producer (256 SEND_MESSAGE_V2 in flight, 1 KiB) and as the lag sampler.
// Rows are interleaved within a round so noise on the shared machine hits them alike.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { REPO_ROOT } from './bench-config';
import { createTopic } from './broker-bench-child';
import { SendLoad, singleSends } from './broker-bench-send';
import { otherShareBesides } from './cpu-share';
import { cpuSpeedSince, probeCpuSpeed } from './cpu-probe';
import { machineInfo } from './machine';
import type { MachineInfo } from './machine';
import { cpuSnapshot, latencyOf, median, quantile, sleep, waitForQuietCpu } from './measure';
import type { Latency } from './measure';
import { WindowRecorder, processCpuUs } from './remoting-bench-load';
import { replicationCaseLabel } from './replication-bench-config';
import type { ReplicationBenchConfig, ReplicationCase } from './replication-bench-config';
import { LagSampler, lagPoints, summariseLag, windowOf } from './replication-bench-lag';
import type { LagPoint, LagSummary, OffsetSample } from './replication-bench-lag';
import { startPair, stopPair, waitForSlaveInSync } from './replication-bench-pair';
import type { BrokerPair } from './replication-bench-pair';
import { sourceState } from './source';
import type { SourceState } from './source';

export interface ReplicationRound {
  messagesPerSecond: number;
  requestLatencyUs: Float64Array;
  lagPoints: LagPoint[];
  lagWindow: OffsetSample[];
  /** CPU per message, µs. */
  producerCpuUs: number;
  masterCpuUs: number;
  slaveCpuUs: number;
  /** Share of the machine's CPU that neither this process nor the two brokers used (window and its warm-up). */
  otherCpuShare: number | undefined;
}

export interface ReplicationResult {
  case: ReplicationCase;
  label: string;
  /** Median over rounds. */
  messagesPerSecond: number;
  rounds: number[];
  /** Request round trips, pooled over rounds. */
  latencyUs: Latency;
  lag: LagSummary;
  producerCpuUs: number;
  masterCpuUs: number;
  slaveCpuUs: number;
  /** Largest otherCpuShare of its rounds. */
  otherCpuShare: number | undefined;
  /** Lag p99 of each round's window, ms, in round order. */
  roundLagP99Ms: number[];
  /** otherCpuShare of each round, in round order. */
  roundOtherCpuShares: (number | undefined)[];
}

export interface ReplicationBenchResults {
  startedAt: Date;
  seconds: number;
  config: ReplicationBenchConfig;
  machine: MachineInfo;
  source: SourceState;
  loadAverageAtStart: number;
  quietWaitMs: number;
  rows: ReplicationResult[];
  /** sync / async msg/s of the same round, one per round (the headline ratio is their median). */
  roundRatios: number[];
}

export type Progress = (line: string) => void;

const SEND_TOPIC = 'BenchReplication';
const WARMUP_TOPIC = 'BenchWarmUp';

export async function runReplicationBench(config: ReplicationBenchConfig, progress: Progress = () => undefined): Promise<ReplicationBenchResults> {
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg()[0] ?? Number.NaN;
  const cpuSpeedAtStart = probeCpuSpeed();
  fs.mkdirSync(config.workDir, { recursive: true });
  let quietWaitMs = 0;
  const rounds = new Map<string, ReplicationRound[]>();
  for (let round = 1; round <= config.rounds; round += 1) {
    for (const c of config.cases) {
      if (config.quietWaitMs > 0) quietWaitMs += await waitForQuietCpu(500, config.quietWaitMs);
      const profileDir = config.profileDir === undefined ? undefined : path.join(config.profileDir, `${c.id}-round${round}`);
      const result = await withPair(config, c, profileDir, progress, (pair, producer, sampler) => measureRow(config, pair, producer, sampler));
      rounds.set(c.id, [...(rounds.get(c.id) ?? []), result]);
      progress(
        `round ${round}/${config.rounds}  ${replicationCaseLabel(c).padEnd(36)} ${Math.round(result.messagesPerSecond).toLocaleString('en-US').padStart(9)} msg/s` +
          `  lag p99 ${quantileMs(result.lagPoints, 0.99)} ms`,
      );
    }
  }
  const rows = config.cases.map((c) => rowResult(c, rounds.get(c.id) ?? []));
  const asyncRounds = rounds.get('async') ?? [];
  const syncRounds = rounds.get('sync') ?? [];
  const roundRatios = syncRounds.map((sync, i) => sync.messagesPerSecond / (asyncRounds[i]?.messagesPerSecond ?? Number.NaN)).filter(Number.isFinite);
  return {
    startedAt,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    config,
    machine: machineInfo(config.workDir, cpuSpeedSince(cpuSpeedAtStart)),
    source: sourceState(REPO_ROOT),
    loadAverageAtStart,
    quietWaitMs,
    rows,
    roundRatios,
  };
}

function quantileMs(points: readonly LagPoint[], q: number): string {
  const value = quantile(points.map((point) => point.lagMs), q);
  return Number.isFinite(value) ? value.toFixed(1) : '—';
}

/** A fresh pair with a producer and a sampler connection, warmed up and in sync; always stopped and its data removed. */
async function withPair<T>(
  config: ReplicationBenchConfig,
  c: ReplicationCase,
  profileDir: string | undefined,
  progress: Progress,
  body: (pair: BrokerPair, producer: TcpRemotingClient, sampler: TcpRemotingClient) => Promise<T>,
): Promise<T> {
  const dir = path.join(config.workDir, c.id);
  const pair = await startPair(c, { dir, segmentBytes: config.segmentBytes, ...(profileDir !== undefined ? { profileDir } : {}) });
  const log = (level: string, message: string): void => progress(`[bench client] ${level}: ${message}`);
  const producer = new TcpRemotingClient({ log });
  const sampler = new TcpRemotingClient({ log });
  try {
    await waitForSlaveInSync(sampler, pair);
    await createTopic(producer, pair.master.address, WARMUP_TOPIC, config.queues);
    await createTopic(producer, pair.master.address, SEND_TOPIC, config.queues);
    if (config.brokerWarmupMs > 0) {
      // Both brokers' code starts cold (tsx-compiled, then JIT); the slave replays the warm-up too.
      const load = new SendLoad(producer, pair.master.address, singleSends(WARMUP_TOPIC, config.queues, Buffer.alloc(config.bodyBytes, 0x77)), () => undefined);
      load.start(config.inFlight);
      await sleep(config.brokerWarmupMs);
      await load.stop();
    }
    await waitForSlaveInSync(sampler, pair);
    return await body(pair, producer, sampler);
  } finally {
    await producer.close();
    await sampler.close();
    await stopPair(pair, dir);
  }
}

async function measureRow(config: ReplicationBenchConfig, pair: BrokerPair, producer: TcpRemotingClient, samplerClient: TcpRemotingClient): Promise<ReplicationRound> {
  const recorder = new WindowRecorder();
  const load = new SendLoad(producer, pair.master.address, singleSends(SEND_TOPIC, config.queues, Buffer.alloc(config.bodyBytes, 0x61)), recorder.record);
  const sampler = new LagSampler(samplerClient, pair.master.address, config.lagSampleIntervalMs);
  const masterPid = pair.master.child.pid;
  const slavePid = pair.slave.child.pid;
  const before = cpuSnapshot();
  const childrenBefore = processCpuUs(masterPid) + processCpuUs(slavePid);
  sampler.start();
  // WindowRecorder.measure sleeps warmupMs, then counts for durationMs: the lag window is the same span.
  const started = performance.now();
  // The slave's CPU over the same window: timers beside the recorder's own sleeps.
  const slaveCpu = { from: Number.NaN, to: Number.NaN };
  const timers = [
    setTimeout(() => (slaveCpu.from = processCpuUs(slavePid)), config.warmupMs),
    setTimeout(() => (slaveCpu.to = processCpuUs(slavePid)), config.warmupMs + config.durationMs),
  ];
  const window = await recorder.measure(load, config.inFlight, config.warmupMs, config.durationMs, masterPid);
  for (const timer of timers) clearTimeout(timer);
  const samples = await sampler.stop();
  const after = cpuSnapshot();
  const childrenAfter = processCpuUs(masterPid) + processCpuUs(slavePid);
  const fromMs = started + config.warmupMs;
  const toMs = fromMs + config.durationMs;
  const messages = window.latenciesUs.length;
  return {
    messagesPerSecond: window.roundTripsPerSecond,
    requestLatencyUs: window.latenciesUs,
    lagPoints: lagPoints(samples, fromMs, toMs),
    lagWindow: windowOf(samples, fromMs, toMs),
    producerCpuUs: window.clientCpuUs,
    masterCpuUs: window.serverCpuUs,
    slaveCpuUs: messages > 0 ? (slaveCpu.to - slaveCpu.from) / messages : Number.NaN,
    otherCpuShare: otherShareBesides(before, after, childrenAfter - childrenBefore),
  };
}

function rowResult(c: ReplicationCase, rounds: ReplicationRound[]): ReplicationResult {
  const perSecond = rounds.map((round) => round.messagesPerSecond);
  const latencies = new Float64Array(rounds.reduce((sum, round) => sum + round.requestLatencyUs.length, 0));
  let at = 0;
  for (const round of rounds) {
    latencies.set(round.requestLatencyUs, at);
    at += round.requestLatencyUs.length;
  }
  const shares = rounds.map((round) => round.otherCpuShare).filter((share): share is number => share !== undefined);
  return {
    case: c,
    label: replicationCaseLabel(c),
    messagesPerSecond: median(perSecond),
    rounds: perSecond,
    latencyUs: latencyOf(latencies),
    lag: summariseLag(
      rounds.flatMap((round) => round.lagPoints),
      rounds.map((round) => round.lagWindow),
    ),
    producerCpuUs: median(rounds.map((round) => round.producerCpuUs)),
    masterCpuUs: median(rounds.map((round) => round.masterCpuUs)),
    slaveCpuUs: median(rounds.map((round) => round.slaveCpuUs)),
    otherCpuShare: shares.length > 0 ? Math.max(...shares) : undefined,
    roundLagP99Ms: rounds.map((round) => quantile(round.lagPoints.map((point) => point.lagMs), 0.99)),
    roundOtherCpuShares: rounds.map((round) => round.otherCpuShare),
  };
}
