// Renders the replication section of docs/benchmarks.md from one run, and checks the issue's targets.
import { cpuSpeedSuffix } from './cpu-probe';
import { describeMachine } from './machine';
import { formatBytes, formatCpu, formatInt, formatMicros, formatPercent } from './format';
import { ASYNC_CASE, REPLICATION_TARGETS, SYNC_CASE, replicationCaseLabel } from './replication-bench-config';
import type { ReplicationBenchResults, ReplicationResult } from './replication-bench-run';
import { median } from './measure';
import { disturbedMark, formatSeconds, sourceLine } from './report-lines';

export interface ReplicationTargetCheck {
  target: string;
  measured: string;
  required: string;
  /** undefined when the run lacked a row the target reads. */
  pass: boolean | undefined;
}

function row(results: ReplicationBenchResults, id: string): ReplicationResult | undefined {
  return results.rows.find((result) => result.case.id === id);
}

/**
 * sync replication's msg/s over async replication's: the median over rounds of each round's own
 * ratio (its two windows are measured a minute apart at most, so noise that comes and goes on the
 * shared machine hits a round's pair more alike than the medians of different rounds); NaN without
 * both rows.
 */
export function syncShareOfAsync(results: ReplicationBenchResults): number {
  return results.roundRatios.length > 0 ? median(results.roundRatios) : Number.NaN;
}

export function evaluateReplicationTargets(results: ReplicationBenchResults): ReplicationTargetCheck[] {
  const asyncRow = row(results, ASYNC_CASE.id);
  const syncRow = row(results, SYNC_CASE.id);
  const share = syncShareOfAsync(results);
  const load = `${formatBytes(results.config.bodyBytes)}, ${results.config.inFlight} in flight`;
  return [
    {
      target: `Send throughput, ${replicationCaseLabel(SYNC_CASE)} vs ${replicationCaseLabel(ASYNC_CASE)} (${load}, same run)`,
      measured:
        asyncRow && syncRow
          ? `${formatPercent(share)} (median of the rounds' own ratios ${results.roundRatios.map(formatPercent).join(', ')}; ` +
            `medians of the rows: ${formatInt(syncRow.messagesPerSecond)} / ${formatInt(asyncRow.messagesPerSecond)} msg/s = ${formatPercent(syncRow.messagesPerSecond / asyncRow.messagesPerSecond)})`
          : 'not run',
      required: `≥ ${formatPercent(REPLICATION_TARGETS.syncShareOfAsync)}`,
      pass: asyncRow && syncRow && Number.isFinite(share) ? share >= REPLICATION_TARGETS.syncShareOfAsync : undefined,
    },
    {
      target: `Slave replication lag p99 under the ${replicationCaseLabel(ASYNC_CASE)} load`,
      measured: asyncRow ? `${formatLagMs(asyncRow.lag.p99Ms)} (p50 ${formatLagMs(asyncRow.lag.p50Ms)}, max ${formatLagMs(asyncRow.lag.maxMs)}, ${formatInt(asyncRow.lag.samples)} samples)` : 'not run',
      required: `< ${REPLICATION_TARGETS.asyncLagP99Ms} ms`,
      pass: asyncRow && asyncRow.lag.samples > 0 ? asyncRow.lag.p99Ms < REPLICATION_TARGETS.asyncLagP99Ms : undefined,
    },
  ];
}

function verdict(pass: boolean | undefined): string {
  return pass === undefined ? '—' : pass ? '**PASS**' : '**MISS**';
}

export function formatLagMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms >= 100 ? `${formatInt(ms)} ms` : `${ms.toFixed(1)} ms`;
}


export function renderReplicationSection(results: ReplicationBenchResults, checks: readonly ReplicationTargetCheck[]): string {
  const { config, machine } = results;
  const lines: string[] = [];
  const push = (...more: string[]): void => void lines.push(...more);
  const load = `${formatBytes(config.bodyBytes)} \`SEND_MESSAGE_V2\`, ${config.inFlight} in flight`;
  push('## Replication (`npm run bench:replication`)', '');
  push(
    `Measured ${results.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC by \`tools/bench/src/replication-bench.ts\`` +
      `${config.quick ? ' in **quick (smoke) mode: figures are not meaningful**' : ''}; the run took ${formatInt(results.seconds)} s. ` +
      'Rerun `npm run bench:replication` to replace this section.',
    '',
    'Each row is a master and one slave, each the real broker app (`apps/broker/src/main.ts -c broker.conf`) in its own child process with a fresh ' +
      'data directory and free ports; no nameserver: the slave is given the master\'s HA address (`haMasterAddress`). The slave has the master\'s ' +
      'flush type. The bench process is the producer (one connection to the master) and the lag sampler (a second connection). ' +
      `The async and sync rows both use **ASYNC_FLUSH**, so their difference is replication alone; the SYNC_FLUSH row (the \`2m-2s-sync\` mode) is ` +
      `for context and has no target. All three processes share the machine's ${machine.cores} cores.`,
    '',
    `**Code measured:** ${sourceLine(results.source)}.`,
    '',
    `**Machine:** ${describeMachine(machine)}; ` +
      `data on ${machine.disk.device} (${machine.disk.fsType}). ${busyLine(results)}${cpuSpeedSuffix(machine.cpuSpeed)}`,
    '',
  );
  push('### Targets', '', '| Target | Measured | Required | Result |', '|---|---|---|---|');
  for (const check of checks) push(`| ${check.target} | ${check.measured} | ${check.required} | ${verdict(check.pass)} |`);
  push(
    '',
    'The throughput ratio pairs the async and sync windows of the same round (measured back to back, each on its own fresh pair) and ' +
      'takes the median over rounds. The lag target reads the lag samples of all async windows pooled.',
  );
  push('');

  push(
    '### Send throughput and replication lag',
    '',
    `${load}, queues round robin over a topic of ${config.queues}. Per row and round a fresh pair: after the slave connected, ` +
      `${formatSeconds(config.brokerWarmupMs)} of unmeasured sends (both brokers' code starts cold), a wait until the slave acknowledged all of it, ` +
      `then ${formatSeconds(config.warmupMs)} of the same load unmeasured and ${formatSeconds(config.durationMs)} counted. Rows are interleaved within a ` +
      `round; the median of ${config.rounds} round${config.rounds === 1 ? '' : 's'} is shown, latencies and lag samples are pooled over rounds. ` +
      'A send on a SYNC_MASTER is answered once the slave acknowledged it. CPU per message is user + system time of each process over the ' +
      'counted window divided by its messages.',
    '',
    '| Replication | Flush | msg/s | Request p50 | Request p99 | Lag p50 | Lag p99 | Lag max | Lag p99 (bytes) | Lag samples | CPU per msg: producer / master / slave | Rounds (msg/s) | Rounds (lag p99) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
  );
  for (const result of results.rows) {
    push(
      `| ${result.case.role === 'SYNC_MASTER' ? 'sync' : 'async'}${result.case.diagnostic ? ' (context)' : ''} | ${result.case.flush} | ` +
        `${formatInt(result.messagesPerSecond)}${disturbedMark(result.otherCpuShare)} | ${formatMicros(result.latencyUs.p50)} | ${formatMicros(result.latencyUs.p99)} | ` +
        `${formatLagMs(result.lag.p50Ms)} | ${formatLagMs(result.lag.p99Ms)} | ${formatLagMs(result.lag.maxMs)} | ${formatBytes(result.lag.p99Bytes)} | ${formatInt(result.lag.samples)} | ` +
        `${formatCpu(result.producerCpuUs)} / ${formatCpu(result.masterCpuUs)} / ${formatCpu(result.slaveCpuUs)} | ` +
        `${result.rounds.map((perSecond, i) => `${formatInt(perSecond)}${disturbedMark(result.roundOtherCpuShares[i])}`).join(', ')} | ` +
        `${result.roundLagP99Ms.map(formatLagMs).join(', ')} |`,
    );
  }
  const worst = worstOther(results);
  push(
    '',
    `† other processes used more than 10% of the machine's CPU during a window of the row (in the last column: during that round's window; ` +
      `worst of the run: ${formatPercent(worst)}). The figures of such windows are lower than the machine can do, and the lag higher.`,
    '',
  );

  const resolution = results.rows.map((result) => `${result.label}: every ${formatLagMs(result.lag.intervalP50Ms)}, round trip ${formatLagMs(result.lag.roundTripP50Ms)}`);
  const lowerBounds = results.rows.reduce((sum, result) => sum + result.lag.lowerBounds, 0);
  push(
    '### How the lag is measured',
    '',
    `During warm-up and window a sampler sends \`GET_BROKER_RUNTIME_INFO\` to the master, the next one ${config.lagSampleIntervalMs} ms after the last ` +
      'was sent (or at once if its answer took longer). One answer holds, read at the same instant on the master, its commit-log end ' +
      '(`commitLogMaxOffset`) and the offset its slave last acknowledged (`haSlaveAckOffset`; the slave reports after every append). ' +
      'Each sample is stamped with the middle of its round trip. The master ends form a time series of offsets; a sample\'s lag is how long ' +
      'before the sample the master\'s end had reached the slave\'s acknowledged offset, interpolated linearly between the two samples around ' +
      'that offset (0 when the slave has everything). It includes the slave\'s report travelling back, as a SYNC_MASTER\'s wait does. ' +
      `Only samples inside the counted window are reported. Median sampling interval and runtime-info round trip: ${resolution.join('; ')}; ` +
      'lags below those are below the resolution of the method.' +
      (lowerBounds > 0 ? ` ${formatInt(lowerBounds)} samples reached back before the first sample and count as lower bounds.` : ''),
    '',
    '### Reproducing',
    '',
    '`npm run bench:replication -- --quick` is a smoke run (about half a minute, writes nothing). `--no-sync-flush` skips the context row; ' +
      '`--rounds` and `--duration` change the run\'s length.',
  );
  return lines.join('\n').trimEnd();
}

function worstOther(results: ReplicationBenchResults): number {
  return Math.max(0, ...results.rows.map((result) => result.otherCpuShare ?? 0));
}

function busyLine(results: ReplicationBenchResults): string {
  const load = Number.isFinite(results.loadAverageAtStart) ? `Load average at the start: ${results.loadAverageAtStart.toFixed(2)}` : '';
  const waited = results.quietWaitMs > 1000 ? `; the run waited ${formatInt(results.quietWaitMs / 1000)} s in all for other processes to leave the CPU` : '';
  const worst = worstOther(results);
  const busy = worst > 0.1 ? `; **the machine was shared**: other processes took up to ${formatPercent(worst)} of its CPU during a measured window (rows marked †)` : '';
  return `${load}${waited}${busy}.`;
}
