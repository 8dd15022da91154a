// Renders the client section of docs/benchmarks.md from one run, and checks the issues' targets: the
// client keeps at least `target` of the raw protocol's throughput, the decorator path at least
// DECORATOR_TARGET of the plain client's (same run, machine and kind of broker).
import type { ClientBenchTransport } from './client-bench-cluster';
import type { ClientBenchResults, RowResult } from './client-bench-run';
import { ratioOf } from './client-bench-run';
import { DECORATOR_TARGET, baselineOf } from './client-bench-rows';
import { cpuSpeedSuffix } from './cpu-probe';
import { heapFlagsLine } from './heap-flags';
import { describeMachine } from './machine';
import { formatBytes, formatCpu, formatInt, formatMBps, formatMicros, formatPercent } from './format';
import { BUSY_MACHINE } from './measure';
import { PAUSE_COLUMN_NOTE, formatPauses } from './pause-watch';
import type { SourceState } from './source';

export interface ClientTargetCheck {
  transport: ClientBenchTransport;
  rowId: string;
  label: string;
  baselineLabel: string;
  /** Row ÷ baseline msg/s from the rounds both ran (ratioOf: trimmed geometric mean of the per-round ratios). */
  ratio: number;
  /** Rounds the ratio is taken from. */
  rounds: number;
  target: number;
  pass: boolean;
  /** Bench-process CPU per message of the row and of its baseline, µs. */
  rowCpuUs: number;
  baselineCpuUs: number;
}

/** One check per throughput row with a baseline, per transport. */
export function evaluateClientTargets(results: ClientBenchResults): ClientTargetCheck[] {
  const checks: ClientTargetCheck[] = [];
  for (const result of results.rows) {
    const baseline = baselineOf(result.row, result.transport);
    if (result.row.kind !== 'throughput' || baseline === undefined) continue;
    const ratio = ratioOf(results.rows, result.transport, result.row.id);
    const base = results.rows.find((r) => r.transport === result.transport && r.row.id === baseline);
    if (ratio === undefined || !base) continue;
    const target = result.row.target ?? results.config.target;
    checks.push({
      transport: result.transport,
      rowId: result.row.id,
      label: result.row.label,
      baselineLabel: base.row.label,
      ratio,
      rounds: Math.min(result.rounds.length, base.rounds.length),
      target,
      pass: ratio >= target,
      rowCpuUs: result.throughput?.clientCpuUs ?? Number.NaN,
      baselineCpuUs: base.throughput?.clientCpuUs ?? Number.NaN,
    });
  }
  return checks;
}

export function renderClientSection(results: ClientBenchResults, checks: readonly ClientTargetCheck[]): string {
  const { config, machine } = results;
  const lines: string[] = [
    `## Client (\`npm run bench:client\`)${config.quick ? ' — QUICK SMOKE RUN, figures not meaningful' : ''}`,
    '',
    `Run ${results.startedAt.toISOString()} (${formatInt(results.seconds)} s). The same loads through the raw remoting protocol (requests ` +
      "built by the Producer's `sendMessageRequest`, sent straight on a `RemotingClient`, as the broker section measures) and through " +
      "`@pulsejet/client`'s public API, in one run against one broker " +
      `per transport: **TCP** — the broker app (\`apps/broker/src/main.ts\`, ASYNC_FLUSH) as a child process, registered with a NameServer served over ` +
      'TCP from the bench process; **embedded** — NameServer and BrokerController inside the bench process on an `InProcessNetwork` (no sockets; ' +
      `its CPU figures include the broker). ${formatBytes(config.bodyBytes)} bodies, a topic of ${config.queues} queues. ` +
      `Targets: the client keeps **≥ ${formatPercent(config.target)}** of the raw protocol's throughput; the decorator path ` +
      `(\`@pulsejet/inversify\`) keeps **≥ ${formatPercent(DECORATOR_TARGET)}** of the plain client's.`,
    '',
    `**Code measured:** ${sourceLine(results.source)}.`,
    '',
    `**Machine:** ${describeMachine(machine)}; ` +
      `data on ${machine.disk.device} (${machine.disk.fsType}). ${busyLine(results)}${cpuSpeedSuffix(machine.cpuSpeed)}`,
    '',
    heapFlagsLine(results.heapFlags, 'bench:client'),
    '',
    '### Client versus raw protocol, decorator path versus plain client',
    '',
    'Row / baseline comes from the two rows\' msg/s ratio within each round (they ran back to back): the geometric mean of those ratios, ' +
      'without the lowest and the highest from 5 rounds up. Not their median: a drain here runs fast or slow for up to a second at a time while ' +
      'its work stays the same, so per-round ratios spread widely but seldom wildly, and a mean estimates them more precisely; for the same ' +
      `reason the decorator drain and its baseline run ${config.extendedRounds} rounds instead of ${config.rounds} (the hand notes below, ` +
      '"The decorator drain\'s spread", have the measurement). The CPU columns ' +
      'are what the bench process spent per message (embedded: broker included), in the round nearest the median.',
    '',
    'The decorator rows: **send** drives the `Producer` resolved from a container that loaded `PulsejetModule` and was started by ' +
      '`startPulsejet()` (tcp: `PulsejetModule.connect({ namesrv })` to the bench\'s nameserver; embedded: the `PulsejetModule.embedded()` app ' +
      'that owns the bench\'s in-process broker), against the plain `Producer` on the same broker. **Drain** empties the same preloaded backlog ' +
      'with an `@injectable()` class whose method has `@Subscribe({ consumeFrom: \'first\', decode: \'buffer\' })` (a handler that only counts, ' +
      'as the plain one), timed from `startPulsejet(container)`. Over tcp it uses `PulsejetModule.connect()` on the bench\'s broker and is compared ' +
      'with the plain PushConsumer drain row. `PulsejetModule.embedded()` owns its broker and `startPulsejet()` runs once per container, so each ' +
      'round starts a fresh module-owned broker, and both the embedded decorator drain and its baseline, a plain PushConsumer, drain a backlog ' +
      'of their own on it, back to back (the first drain\'s consumer stays open and idle until the round ends).',
    '',
    '| Transport | Row | vs baseline row | Rounds | Row / baseline | Target | ≥ target | CPU / msg, row | CPU / msg, baseline |',
    '|---|---|---|---:|---:|---:|:---:|---:|---:|',
    ...checks.map(
      (c) =>
        `| ${c.transport} | ${c.label} | ${c.baselineLabel} | ${c.rounds} | ${formatPercent(c.ratio)} | ${formatPercent(c.target)} | ${c.pass ? 'PASS' : 'MISS'} | ${formatCpu(c.rowCpuUs)} | ${formatCpu(c.baselineCpuUs)} |`,
    ),
    '',
    '### Throughput',
    '',
    `Send rows keep ${config.inFlight} sends in flight (one connection; the decorator row's Producer shares its app's client instance) for ${seconds(config.durationMs)} after ${seconds(config.warmupMs)} of warm-up; ` +
      `drain rows empty a backlog of ${formatInt(config.consumeMessages)} messages preloaded with batched sends, drained from a collected heap (a full GC of the bench process first) once the machine is idle again (the broker has indexed and flushed the preload; at most 5 s) (raw: one long-polling pull loop per queue; ` +
      `client: a PushConsumer with pullBatchSize ${config.consumeBatch} and a handler that only counts, timed from \`start()\`); ` +
      `before the first round, each transport's raw and PushConsumer drains run once, unmeasured, on a quarter-size backlog (their code starts cold, as the send rows' does before its warm-up window). ` +
      `Median of ${config.rounds} round${config.rounds === 1 ? '' : 's'} (all rows interleaved, each next to its baseline; odd rounds run the rows in the order of the table, even rounds in reverse, so neither row of a pair always runs first); ` +
      `the decorator drain and its baseline go on alone, in the same alternating order, to ${config.extendedRounds} round${config.extendedRounds === 1 ? '' : 's'}.`,
    '',
    '| Transport | Row | msg/s | MB/s | Rounds (msg/s) | Send p50 | Send p99 | Bench process CPU / msg | Broker CPU / msg |',
    '|---|---|---:|---:|---|---:|---:|---:|---:|',
    ...results.rows.filter((r) => r.throughput).map(throughputLine),
    '',
    '### End-to-end latency',
    '',
    `Paced sends at ${formatInt(config.e2eRate)} msg/s for ${seconds(config.e2eDurationMs)} (after ${seconds(config.e2eWarmupMs)} unrecorded); ` +
      'each body carries its send time, read on arrival in the same process (raw: in the pull loop; client: in the PushConsumer handler). ' +
      PAUSE_COLUMN_NOTE,
    '',
    '| Transport | Row | Achieved rate | Samples | p50 | p99 | max | Send ack p50 | Send ack p99 | Refused (SYSTEM_BUSY) | Idle bystander: longest stall / steal |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.rows.filter((r) => r.latency).map(latencyLine),
    '',
    ...profileLines(results),
  ];
  return lines.join('\n');
}

function throughputLine(r: RowResult): string {
  const t = r.throughput!;
  return (
    `| ${r.transport} | ${r.row.label} | ${formatInt(t.messagesPerSecond)}${disturbed(r.otherCpuShare)} | ${formatMBps(t.payloadMBps)} | ` +
    `${r.rounds.map(formatInt).join(', ')} | ${t.latencyUs ? formatMicros(t.latencyUs.p50) : '—'} | ${t.latencyUs ? formatMicros(t.latencyUs.p99) : '—'} | ` +
    `${formatCpu(t.clientCpuUs)} | ${formatCpu(t.brokerCpuUs)} |`
  );
}

function latencyLine(r: RowResult): string {
  const e = r.latency!;
  return (
    `| ${r.transport} | ${r.row.label} | ${formatInt(e.achievedRate)} msg/s | ${formatInt(e.samples)} | ${formatMicros(e.p50Us)} | ` +
    `${formatMicros(e.p99Us)}${disturbed(r.otherCpuShare)} | ${formatMicros(e.maxUs)} | ${formatMicros(e.sendP50Us)} | ${formatMicros(e.sendP99Us)} | ${formatInt(e.rejected)} | ${formatPauses(e.pauses)} |`
  );
}

function profileLines(results: ClientBenchResults): string[] {
  const { profile } = results;
  if (!profile) {
    const why = results.config.profile === 'never' ? 'profiling was off for this run' : 'the TCP send row met the target (profiled only on a miss)';
    return [`No client profile: ${why}.`];
  }
  return [
    '### Where the client spends its time (Producer.send over TCP)',
    '',
    `A V8 CPU profile of the bench process (the same sampling profile \`node --cpu-prof\` writes) during one more client send window ` +
      `(${formatInt(profile.messagesPerSecond)} msg/s under the profiler; ${formatInt(profile.totalMs)} ms sampled). Self time by layer:`,
    '',
    '| Layer | Share of samples |',
    '|---|---:|',
    ...profile.layers.map((l) => `| ${l.layer} | ${formatPercent(l.share)} |`),
    '',
    'Functions with the most self time (idle excluded):',
    '',
    '| Function | Share |',
    '|---|---:|',
    ...profile.top.map((line) => `| \`${line.name.replace(/\|/g, '\\|')}\` | ${formatPercent(line.share)} |`),
    '',
  ];
}

function disturbed(share: number | undefined): string {
  return share !== undefined && share > BUSY_MACHINE ? ' †' : '';
}

function busyLine(results: ClientBenchResults): string {
  const load = Number.isFinite(results.loadAverageAtStart) ? `Load average at the start: ${results.loadAverageAtStart.toFixed(2)}` : '';
  const waited = results.quietWaitMs > 1000 ? `; the run waited ${formatInt(results.quietWaitMs / 1000)} s in all for other processes to leave the CPU` : '';
  const worst = Math.max(0, ...results.rows.map((r) => r.otherCpuShare ?? 0));
  const busy = worst > BUSY_MACHINE ? `; **the machine was shared**: other processes took up to ${formatPercent(worst)} of its CPU during a measured row (rows marked †)` : '';
  return `${load}${waited}${busy}.`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}


function sourceLine(source: SourceState): string {
  const commit = source.commit === undefined ? 'unknown commit (no git)' : `commit ${source.commit}`;
  if (source.changedFiles === 0) return `${commit}, no uncommitted changes under packages/`;
  return `${commit} plus ${source.changedFiles} uncommitted file${source.changedFiles === 1 ? '' : 's'} under packages/ (fingerprint ${source.changesFingerprint ?? '?'})`;
}
