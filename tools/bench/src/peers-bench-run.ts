// Runs the peers benchmark: each available system in turn (its server started fresh, in a temp
// dir), every scenario at every body size `rounds` times, medians kept with every run's figure and
// the loss / duplicate counts summed over all runs. A system that fails is reported, never dropped.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { REPO_ROOT } from './bench-config';
import { otherShareBesides } from './cpu-share';
import { cpuSpeedSince, probeCpuSpeed } from './cpu-probe';
import { heapFlagsOf } from './heap-flags';
import { machineInfo } from './machine';
import type { MachineInfo } from './machine';
import { cpuSnapshot, median, waitForQuietCpu } from './measure';
import type { PeersBenchConfig } from './peers-bench-config';
import { selectTargets } from './peers-bench-targets';
import type { BenchTarget, Durability, Integrity, LatencyFigures, TargetSpec, ThroughputFigures } from './peers-bench-types';
import { processCpuUs } from './remoting-bench-load';
import { sourceState } from './source';
import type { SourceState } from './source';

export type ScenarioId = 'publish-batch' | 'publish-single' | 'consume' | 'e2e';
export const SCENARIOS: readonly ScenarioId[] = ['publish-batch', 'publish-single', 'consume', 'e2e'];

export interface ScenarioResult {
  targetId: string;
  scenario: ScenarioId;
  bodyBytes: number;
  /** Throughput scenarios: msg/s of each run. Latency: p99 µs of each run. */
  runs: number[];
  /** Throughput scenarios: the median msg/s. */
  messagesPerSecond: number | undefined;
  /** Latency scenario: the run with the median p99. */
  latency: LatencyFigures | undefined;
  /** Summed over every run. */
  integrity: Integrity;
  /** Largest share of the machine's CPU used by processes other than this one and its servers. */
  otherCpuShare: number | undefined;
}

export interface TargetRun {
  id: string;
  system: TargetSpec['system'];
  label: string;
  durability: Durability;
  durabilityNote: string;
  /** 'ran', or why not: not installed here, or the error that stopped it. */
  status: 'ran' | 'unavailable' | 'failed';
  reason: string | undefined;
}

export interface PeersBenchResults {
  startedAt: Date;
  seconds: number;
  config: PeersBenchConfig;
  machine: MachineInfo;
  source: SourceState;
  loadAverageAtStart: number;
  /** The V8 heap flags of this (the driver) process. */
  heapFlags: string[];
  loadAverageAtEnd: number;
  targets: TargetRun[];
  rows: ScenarioResult[];
}

export type Progress = (line: string) => void;

export async function runPeersBench(config: PeersBenchConfig, progress: Progress = () => undefined, specs: readonly TargetSpec[] = selectTargets(config)): Promise<PeersBenchResults> {
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg()[0] ?? Number.NaN;
  const cpuSpeedAtStart = probeCpuSpeed();
  fs.mkdirSync(config.workDir, { recursive: true });
  const targets: TargetRun[] = [];
  const rows: ScenarioResult[] = [];
  for (const spec of specs) {
    const run: TargetRun = { id: spec.id, system: spec.system, label: spec.label, durability: spec.durability, durabilityNote: spec.durabilityNote, status: 'ran', reason: undefined };
    targets.push(run);
    const unavailable = spec.unavailable();
    if (unavailable !== undefined) {
      run.status = 'unavailable';
      run.reason = unavailable;
      progress(`${spec.label}: not run: ${unavailable}`);
      continue;
    }
    if (config.quietWaitMs > 0) await waitForQuietCpu(500, config.quietWaitMs);
    const measured: ScenarioResult[] = [];
    let target: BenchTarget | undefined;
    try {
      target = await spec.start(config.workDir);
      await runScenarios(config, spec, target, measured, progress);
      rows.push(...measured);
    } catch (error) {
      run.status = 'failed';
      run.reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      progress(`${spec.label}: FAILED: ${run.reason}`);
      rows.push(...measured);
    } finally {
      await target?.close().catch((error: unknown) => progress(`${spec.label}: close failed: ${String(error)}`));
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
    loadAverageAtEnd: os.loadavg()[0] ?? Number.NaN,
    targets,
    rows,
  };
}

interface RunFigures {
  throughput?: ThroughputFigures;
  latency?: LatencyFigures;
  other: number | undefined;
}

async function runScenarios(config: PeersBenchConfig, spec: TargetSpec, target: BenchTarget, out: ScenarioResult[], progress: Progress): Promise<void> {
  const collected = new Map<string, RunFigures[]>();
  const keep = (scenario: ScenarioId, bodyBytes: number, figures: RunFigures): void => {
    const key = `${scenario}|${bodyBytes}`;
    collected.set(key, [...(collected.get(key) ?? []), figures]);
    const integrity = figures.throughput?.integrity ?? figures.latency!.integrity;
    const bad = integrity.lost > 0 || integrity.duplicated > 0 ? `  \u001b[31mLOST ${integrity.lost} DUPLICATED ${integrity.duplicated}\u001b[0m` : '';
    const shown = figures.throughput
      ? `${Math.round(figures.throughput.messagesPerSecond).toLocaleString('en-US')} msg/s`
      : `p50 ${Math.round(figures.latency!.p50Us)} µs p99 ${Math.round(figures.latency!.p99Us)} µs p99.9 ${Math.round(figures.latency!.p999Us)} µs`;
    progress(`${spec.label.padEnd(36)} ${scenario.padEnd(15)} ${String(bodyBytes).padStart(5)} B  ${shown}${bad}`);
  };
  if (config.warmupMessages > 0) await warmUp(config, target);
  for (let round = 0; round < config.rounds; round += 1) {
    for (const bodyBytes of config.bodySizes) {
      const suffix = `${bodyBytes}_${round}`;
      const backlog = `peers_pb_${suffix}`;
      const batch = await measure(target, () => target.publish({ name: backlog, bodyBytes, messages: config.backlog, batch: config.batchSize, inFlight: config.batchInFlight }));
      keep('publish-batch', bodyBytes, { throughput: batch.result, other: batch.other });
      const single = await measure(target, () => target.publish({ name: `peers_ps_${suffix}`, bodyBytes, messages: config.singleMessages, batch: 1, inFlight: config.singleInFlight }));
      keep('publish-single', bodyBytes, { throughput: single.result, other: single.other });
      const consume = await measure(target, () => target.consume({ name: backlog, messages: config.backlog, bodyBytes }));
      keep('consume', bodyBytes, { throughput: consume.result, other: consume.other });
      const e2e = await measure(target, () => target.e2e({ name: `peers_e2e_${suffix}`, bodyBytes, rate: config.e2eRate, warmupMs: config.e2eWarmupMs, durationMs: config.e2eDurationMs }));
      keep('e2e', bodyBytes, { latency: e2e.result, other: e2e.other });
    }
  }
  for (const bodyBytes of config.bodySizes) {
    for (const scenario of SCENARIOS) {
      const list = collected.get(`${scenario}|${bodyBytes}`) ?? [];
      if (list.length === 0) continue;
      out.push(summarise(spec.id, scenario, bodyBytes, list));
    }
  }
}

/** Every code path once, unmeasured (Node's JIT, the servers' caches), at the largest body size; loss still fails loudly. */
async function warmUp(config: PeersBenchConfig, target: BenchTarget): Promise<void> {
  const bodyBytes = Math.max(...config.bodySizes);
  const messages = config.warmupMessages;
  await target.publish({ name: 'peers_warm_batch', bodyBytes, messages, batch: config.batchSize, inFlight: config.batchInFlight });
  await target.publish({ name: 'peers_warm_single', bodyBytes, messages: Math.ceil(messages / 4), batch: 1, inFlight: config.singleInFlight });
  const drained = await target.consume({ name: 'peers_warm_batch', messages, bodyBytes });
  if (drained.integrity.lost > 0 || drained.integrity.duplicated > 0) throw new Error(`the warm-up drain lost ${drained.integrity.lost} and duplicated ${drained.integrity.duplicated} messages`);
  await target.e2e({ name: 'peers_warm_e2e', bodyBytes, rate: config.e2eRate, warmupMs: 0, durationMs: Math.min(2000, config.e2eWarmupMs + config.e2eDurationMs) });
}

function summarise(targetId: string, scenario: ScenarioId, bodyBytes: number, list: RunFigures[]): ScenarioResult {
  const integrities = list.map((r) => r.throughput?.integrity ?? r.latency!.integrity);
  const integrity: Integrity = {
    expected: integrities.reduce((sum, i) => sum + i.expected, 0),
    lost: integrities.reduce((sum, i) => sum + i.lost, 0),
    duplicated: integrities.reduce((sum, i) => sum + i.duplicated, 0),
  };
  const others = list.map((r) => r.other).filter((o): o is number => o !== undefined);
  const otherCpuShare = others.length > 0 ? Math.max(...others) : undefined;
  if (scenario === 'e2e') {
    const runs = list.map((r) => r.latency!.p99Us);
    const mid = median(runs);
    const chosen = list.reduce((best, r) => (Math.abs(r.latency!.p99Us - mid) < Math.abs(best.latency!.p99Us - mid) ? r : best), list[0]!);
    return { targetId, scenario, bodyBytes, runs, messagesPerSecond: undefined, latency: chosen.latency, integrity, otherCpuShare };
  }
  const runs = list.map((r) => r.throughput!.messagesPerSecond);
  return { targetId, scenario, bodyBytes, runs, messagesPerSecond: median(runs), latency: undefined, integrity, otherCpuShare };
}

async function measure<T>(target: BenchTarget, run: () => Promise<T>): Promise<{ result: T; other: number | undefined }> {
  const before = cpuSnapshot();
  const childrenBefore = target.pids.reduce((sum, pid) => sum + processCpuUs(pid), 0);
  const result = await run();
  const childrenUs = target.pids.reduce((sum, pid) => sum + processCpuUs(pid), 0) - childrenBefore;
  return { result, other: otherShareBesides(before, cpuSnapshot(), childrenUs) };
}
