import * as path from 'node:path';
import { REPO_ROOT, type StoreBenchConfig } from './bench-config';
import { formatBytes, formatInt, formatMBps, formatMicros, formatMs, formatPercent } from './format';
import { cpuSpeedSince, probeCpuSpeed } from './cpu-probe';
import { machineInfo } from './machine';
import { BUSY_MACHINE, cpuSnapshot, otherCpuShare } from './measure';
import { putLabel, runPutScenario, summarizeRounds, type PutResult, type PutRow, type PutScenario } from './put-bench';
import { measureNewData } from './new-data-bench';
import { measureRawDisk } from './raw-disk';
import { runReadScenarios } from './read-bench';
import { runRecoveryScenario } from './recovery-bench';
import type { StoreBenchResults } from './results';
import { WindowProfiler } from './window-profiler';
import { sourceState } from './source';

/** Messages per putMessages call of the extra batched row (RocketMQ's default batch size is 32 too). */
const EXTRA_BATCH = 32;

/** The put scenarios of the issue, plus one batched row that shows the per-call share of the cost. */
export function putScenarios(config: StoreBenchConfig): PutScenario[] {
  const scenarios: PutScenario[] = [];
  for (const bodySize of config.bodySizes) {
    for (const writers of config.asyncWriters) scenarios.push({ flushDiskType: 'ASYNC_FLUSH', bodySize, writers });
    for (const writers of config.syncWriters) scenarios.push({ flushDiskType: 'SYNC_FLUSH', bodySize, writers });
  }
  const largest = Math.max(...config.bodySizes);
  const mostWriters = Math.max(...config.asyncWriters);
  scenarios.push({ flushDiskType: 'ASYNC_FLUSH', bodySize: largest, writers: mostWriters, batch: EXTRA_BATCH });
  if (config.match === undefined) return scenarios;
  const pattern = new RegExp(config.match);
  return scenarios.filter((scenario) => pattern.test(putLabel(scenario)));
}

/** Runs the configured scenario groups one after another and collects their results. */
export async function runStoreBench(config: StoreBenchConfig, log: (line: string) => void = () => undefined): Promise<StoreBenchResults> {
  const started = performance.now();
  const startedAt = new Date();
  const cpuSpeedAtStart = probeCpuSpeed();
  const machine = machineInfo(config.workDir);
  const source = sourceState(REPO_ROOT);
  const cpuAtStart = cpuSnapshot();
  const profiler = config.profileDir === undefined ? undefined : new WindowProfiler(config.profileDir);
  log(`store bench: ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}; work dir ${machine.disk.dir} (${machine.disk.device}, ${machine.disk.fsType})`);

  let raw: StoreBenchResults['raw'];
  if (profiler) log(`profiling the measured windows into ${config.profileDir}`);
  if (config.groups.has('raw')) {
    raw = await measureRawDisk(path.join(config.workDir, 'raw'), { fileBytes: config.rawFileBytes, fsyncSamples: config.rawFsyncSamples });
    log(
      `raw disk: buffered write ${formatMBps(raw.prewrittenWriteMBps)} MB/s pre-written, ${formatMBps(raw.growingWriteMBps)} MB/s growing ` +
        `(first pass ${formatMBps(raw.firstGrowingWriteMBps)}); fdatasync p50 ${formatMicros(raw.fdatasyncPrewritten.p50)} pre-written, ${formatMicros(raw.fdatasyncGrowing.p50)} growing`,
    );
  }

  const puts: PutRow[] = [];
  if (config.groups.has('puts')) {
    const timing = {
      warmupMs: config.warmupMs,
      durationMs: config.durationMs,
      segmentBytes: config.putSegmentBytes,
      settleQuietMs: config.settleQuietMs,
      quietWaitMs: config.quietWaitMs,
    };
    const scenarios = putScenarios(config);
    const rounds: PutResult[][] = scenarios.map(() => []);
    for (let round = 1; round <= config.putRounds; round += 1) {
      for (const [index, scenario] of scenarios.entries()) {
        const profile = profiler && { profiler, name: `put-${putLabel(scenario)}-round${round}` };
        const result = await runPutScenario(path.join(config.workDir, 'puts'), scenario, { ...timing, ...(profile ? { profile } : {}) });
        rounds[index]!.push(result);
        log(
          `put ${config.putRounds > 1 ? `${round}/${config.putRounds} ` : ''}${result.label.padEnd(22)} ${formatInt(result.messagesPerSecond).padStart(9)} msg/s ${formatMBps(result.logMBps).padStart(6)} log MB/s` +
            `${result.fsyncsPerSecond === undefined ? '' : ` ${formatInt(result.fsyncsPerSecond)} fsyncs/s`} p50 ${formatMicros(result.latency.p50)} p99 ${formatMicros(result.latency.p99)}` +
            `${(result.otherCpuShare ?? 0) > BUSY_MACHINE ? ` (other processes used ${formatPercent(result.otherCpuShare!)} of the CPU)` : ''}`,
        );
      }
    }
    puts.push(...rounds.map((results) => summarizeRounds(results)));
  }

  let reads: StoreBenchResults['reads'];
  if (config.groups.has('reads')) {
    reads = await runReadScenarios(path.join(config.workDir, 'reads'), {
      messages: config.readMessages,
      batches: config.readBatches,
      warmupMs: Math.min(config.warmupMs, config.durationMs),
      durationMs: config.durationMs,
      rounds: config.putRounds,
      quietWaitMs: config.quietWaitMs,
      profiler,
    });
    for (const read of reads.results) log(`read 128 B maxMsgNums ${read.maxMsgNums}: ${formatInt(read.messagesPerSecond)} msg/s, ${formatMBps(read.MBps)} MB/s`);
  }

  let recovery: StoreBenchResults['recovery'];
  if (config.groups.has('recovery')) {
    recovery = await runRecoveryScenario(path.join(config.workDir, 'recovery'), {
      logBytes: config.recoveryLogBytes,
      segmentBytes: config.recoverySegmentBytes,
      writers: config.recoveryWriters,
      bodySize: 1024,
      quietWaitMs: config.quietWaitMs,
      profileDir: config.profileDir,
    });
    log(
      `recovery: open ${formatMs(recovery.afterKill.openMs)} after kill, ${formatMs(recovery.withoutCheckpoint.openMs)} without checkpoint; ` +
        `peak RSS writer ${formatInt(recovery.fill.peakRss / 1e6)} MB, recovery ${formatInt(recovery.afterKill.peakRss / 1e6)} MB`,
    );
  }

  // Last: it writes gigabytes, and the memory it frees would be reused by the scenarios after it.
  let newData: StoreBenchResults['newData'];
  if (config.groups.has('newdata')) {
    newData = await measureNewData(path.join(config.workDir, 'new-data'), config.newDataBytes, config.putSegmentBytes);
    log(`new data, ${formatBytes(newData.bytes)} each, last third: bare write loop ${formatMBps(newData.rawTailMBps)} MB/s, store ${formatMBps(newData.storeTailMBps)} MB/s`);
  }

  return {
    startedAt,
    seconds: (performance.now() - started) / 1000,
    quick: config.quick,
    warmupMs: config.warmupMs,
    durationMs: config.durationMs,
    putSegmentBytes: config.putSegmentBytes,
    putRounds: config.putRounds,
    // Disk space as read at the start; the CPU probe of the start and of now.
    machine: { ...machine, cpuSpeed: cpuSpeedSince(cpuSpeedAtStart) },
    otherCpuShare: otherCpuShare(cpuAtStart, cpuSnapshot()),
    source,
    sourceAtEnd: sourceState(REPO_ROOT),
    raw,
    puts,
    reads,
    recovery,
    newData,
  };
}
