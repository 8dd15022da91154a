// Renders the broker section of docs/benchmarks.md from one run, and checks the issue's targets.
import type { BrokerBenchResults, SendResult } from './broker-bench-run';
import { BATCH_SIZE, BATCH_TARGET_CASE, HEADLINE_CASE, SUSTAINED_ASYNC_CASE, SUSTAINED_SYNC_CASE, brokerSegmentBytes, sameCase, sendCaseLabel } from './broker-bench-config';
import type { SendCase } from './broker-bench-config';
import { cpuSpeedSuffix } from './cpu-probe';
import { heapFlagsLine } from './heap-flags';
import { describeMachine } from './machine';
import { formatBytes, formatCpu, formatInt, formatMBps, formatMicros, formatPercent } from './format';
import { BUSY_MACHINE, TRIM_FROM_ROUNDS, pairedRatio } from './measure';
import { PAUSE_COLUMN_NOTE, formatPauses } from './pause-watch';
import { disturbedMark, formatSeconds, sourceLine } from './report-lines';

/** The issue's targets, set from Redis Streams on this machine (appendfsync everysec). */
export const BROKER_TARGETS = {
  asyncMessagesPerSecond: 150_000,
  syncShareOfAsync: 0.6,
  batchedMessagesPerSecond: 400_000,
  e2eP99Us: 2000,
} as const;

/** What the issue measured for Redis Streams here, for the reader's comparison (not re-measured). */
const REDIS_REFERENCE = 'Redis Streams with `appendfsync everysec` on this machine (from the issue): publish 1 KiB ≈ 121,000 msg/s, end-to-end p99 ≈ 0.9 ms';

export interface BrokerTargetCheck {
  target: string;
  measured: string;
  required: string;
  /** undefined when the run lacked the row. */
  pass: boolean | undefined;
  /** Rows of the sends table this target reads. */
  cases: SendCase[];
}

function find(results: BrokerBenchResults, send: SendCase): SendResult | undefined {
  return results.sends.find((result) => sameCase(result.send, send));
}

export function evaluateBrokerTargets(results: BrokerBenchResults): BrokerTargetCheck[] {
  const checks: BrokerTargetCheck[] = [];
  // The async and SYNC_FLUSH targets read the sustained rows: a window of one segment of log holds
  // the store's periodic work (pre-fill, roll) wherever it starts (broker-bench-sustained.ts).
  const headline = find(results, SUSTAINED_ASYNC_CASE);
  const required = `≥ ${formatInt(BROKER_TARGETS.asyncMessagesPerSecond)} msg/s`;
  checks.push({
    target: `Send, ${sendCaseLabel(SUSTAINED_ASYNC_CASE)}`,
    measured: headline ? `${formatInt(headline.messagesPerSecond)} msg/s` : 'not run',
    required,
    pass: headline ? headline.messagesPerSecond >= BROKER_TARGETS.asyncMessagesPerSecond : undefined,
    cases: [SUSTAINED_ASYNC_CASE],
  });
  const sync = find(results, SUSTAINED_SYNC_CASE);
  // Each round's SYNC_FLUSH broker ran right after its ASYNC_FLUSH one: paired round by round.
  const share = sync && headline ? pairedRatio(sync.rounds, headline.rounds) : Number.NaN;
  checks.push({
    target: `Send, ${sendCaseLabel(SUSTAINED_SYNC_CASE)}, vs the async row of the same rounds`,
    measured:
      sync && headline
        ? `${formatPercent(share)} (per round: ${sync.rounds.map((rate, i) => formatPercent(rate / headline.rounds[i]!)).join(', ')}; geometric mean${sync.rounds.length >= TRIM_FROM_ROUNDS ? ' without the lowest and highest' : ''})`
        : 'not run',
    required: `≥ ${formatPercent(BROKER_TARGETS.syncShareOfAsync)}`,
    pass: sync && headline ? share >= BROKER_TARGETS.syncShareOfAsync : undefined,
    cases: [SUSTAINED_SYNC_CASE, SUSTAINED_ASYNC_CASE],
  });
  const batch = find(results, BATCH_TARGET_CASE);
  checks.push({
    target: `Batched send, ${sendCaseLabel(BATCH_TARGET_CASE)}`,
    measured: batch ? `${formatInt(batch.messagesPerSecond)} msg/s` : 'not run',
    required: `≥ ${formatInt(BROKER_TARGETS.batchedMessagesPerSecond)} msg/s`,
    pass: batch ? batch.messagesPerSecond >= BROKER_TARGETS.batchedMessagesPerSecond : undefined,
    cases: [BATCH_TARGET_CASE],
  });
  const { e2e } = results;
  checks.push({
    target: `End-to-end p99 at ${formatInt(e2e.rate)} msg/s, ${formatBytes(e2e.bodyBytes)}, long-polling consumer`,
    measured: `${formatMicros(e2e.p99Us)} (p50 ${formatMicros(e2e.p50Us)}, ${formatInt(e2e.samples)} messages${e2e.rejected > 0 ? `, ${formatInt(e2e.rejected)} refused SYSTEM_BUSY` : ''})`,
    required: `< ${formatMicros(BROKER_TARGETS.e2eP99Us)}`,
    pass: e2e.samples > 0 && e2e.rejected === 0 ? e2e.p99Us < BROKER_TARGETS.e2eP99Us : false,
    cases: [],
  });
  return checks;
}

function verdict(pass: boolean | undefined): string {
  return pass === undefined ? '—' : pass ? '**PASS**' : '**MISS**';
}

export function renderBrokerSection(results: BrokerBenchResults, checks: BrokerTargetCheck[]): string {
  const { config, machine, consume, e2e } = results;
  const lines: string[] = [];
  const push = (...more: string[]): void => void lines.push(...more);
  push('## Broker (`npm run bench:broker`)', '');
  push(
    `Measured ${results.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC by \`tools/bench/src/broker-bench.ts\`` +
      `${config.quick ? ' in **quick (smoke) mode: figures are not meaningful**' : ''}; the run took ${formatInt(results.seconds)} s. ` +
      'Rerun `npm run bench:broker` to replace this section. MB = 10^6 bytes.',
    '',
    'The broker is the real app (`apps/broker/src/main.ts -c broker.conf`, no nameserver, default store options) in a child process with a ' +
      'fresh data directory; the bench process is the producer and the consumer, talking the RocketMQ remoting protocol over loopback TCP ' +
      `(one connection each). Both share the machine's ${machine.cores} cores. The bench topic has ${config.queues} queues; sends go round ` +
      `robin over them. Each broker first takes ${formatSeconds(config.brokerWarmupMs)} of unmeasured sends (its code starts cold).`,
    '',
    `**Code measured:** ${sourceLine(results.source)}.`,
    '',
    `**Machine:** ${describeMachine(machine)}; ` +
      `data on ${machine.disk.device} (${machine.disk.fsType}). ${busyLine(results)}${cpuSpeedSuffix(machine.cpuSpeed)}`,
    '',
    heapFlagsLine(results.heapFlags, 'bench:broker'),
    '',
  );
  push('### Targets', '', `For comparison: ${REDIS_REFERENCE}.`, '');
  push('| Target | Measured | Required | Result |', '|---|---|---|---|');
  for (const check of checks) push(`| ${check.target} | ${check.measured} | ${check.required} | ${verdict(check.pass)} |`);
  push('');

  push(
    '### Sends',
    '',
    `Closed loop: "in flight" callers each await one request at a time on the producer's connection. Single sends are \`SEND_MESSAGE_V2\` as Pulsejet's Producer builds them, ` +
      'with a fresh header per message (born timestamp, `TAGS`, `WAIT=true`, a unique `UNIQ_KEY`); batches are one `SEND_BATCH_MESSAGE` ' +
      `of ${BATCH_SIZE} messages (bodies encoded ahead). A fresh broker per flush type and round; each row warms up ` +
      `${formatSeconds(config.warmupMs)}, then counts acknowledged messages for ${formatSeconds(config.durationMs)}, except the **sustained** rows, whose ` +
      `window runs from the log's end after the warm-up until the log has grown by one segment (${formatBytes(brokerSegmentBytes(config))}, read from the replies' ` +
      'offset message ids): every such window holds one pre-fill of the next segment file (started once an eighth of the segment is written) and one roll to it, ' +
      'which a time window catches or misses (a SYNC_FLUSH broker\'s fsyncs queue behind the pre-fill\'s zeros); the async and SYNC_FLUSH ' +
      `targets read them. The median of ` +
      `${config.rounds} round${config.rounds === 1 ? '' : 's'} is shown. Latency is per request (a batch is one request). CPU per message is user + system ` +
      'time of the producer (this process) and of the broker child divided by the messages of the window.',
    '',
    '| Flush | Body | In flight | Messages per request | msg/s | Payload MB/s | Request p50 | Request p99 | CPU per msg: producer / broker | Rounds (msg/s) | Target |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
  );
  for (const send of results.sends) {
    const targets = checks.filter((check) => check.cases.length > 0 && sameCase(check.cases[0]!, send.send));
    const target = targets.map((check) => `${check.required} ${verdict(check.pass)}`).join('; ') || '—';
    push(
      `| ${send.send.flush === 'ASYNC_FLUSH' ? 'async' : 'sync'} | ${formatBytes(send.send.bodyBytes)}${send.send.withoutUniqKey ? ' without `UNIQ_KEY` (diagnostic)' : ''}${send.send.jsonHeaders ? ', JSON headers (diagnostic)' : ''}${send.send.sustained ? ', sustained' : ''} | ` +
        `${send.send.inFlight} | ${send.send.batch} | ` +
        `${formatInt(send.messagesPerSecond)}${disturbedMark(send.otherCpuShare)} | ${formatMBps(send.payloadMBps)} | ${formatMicros(send.latencyUs.p50)} | ` +
        `${formatMicros(send.latencyUs.p99)} | ${formatCpu(send.producerCpuUs)} / ${formatCpu(send.brokerCpuUs)} | ${roundsCell(send)} | ${target} |`,
    );
  }
  push(
    '',
    `† here and below: other processes used more than 10% of the machine's CPU during a window of the row (worst of the run: ${formatPercent(worstOther(results))}).`,
    '',
    `${PREFILL_MARK}: the broker pre-filled its next commit-log segment (wrote its zeros on a worker thread, at the cost of CPU beside the broker's main thread) during that round's warm-up or window; ` +
      'every sustained window holds one such pre-fill by design, so their rounds are not marked.',
    '',
  );
  const sustainedLines = results.sends
    .filter((send) => send.sustainedWindows.length > 0)
    .map((send) => `${send.label}: ${send.sustainedWindows.map((w) => `${formatBytes(w.logBytes)} in ${w.seconds.toFixed(1)} s`).join(', ')}`);
  if (sustainedLines.length > 0) push(`Sustained windows, round by round: ${sustainedLines.join('; ')}.`, '');
  push(...uniqKeyLines(results), ...jsonHeaderLines(results));
  if (results.fsyncProbes.length > 0) {
    push(
      'SYNC_FLUSH answers a send once an fsync covers it (group commit). What one fsync cost on this disk just before each SYNC_FLUSH broker ' +
        `started (fdatasync after a 1 KiB append, through the thread pool as the store calls it): ` +
        `${results.fsyncProbes.map((probe) => `p50 ${formatMicros(probe.p50)}, p99 ${formatMicros(probe.p99)}`).join('; ')}.`,
      '',
    );
  }

  push(
    '### Consume',
    '',
    `${formatInt(consume.messages)} messages of ${formatBytes(consume.bodyBytes)} preloaded over ${consume.queues} queues (batched sends, ` +
      `${formatInt(consume.preloadMessagesPerSecond)} msg/s, not a target); once the machine is idle again (the broker has indexed and flushed the preload; at most 5 s) and this process's heap has been collected (a full GC) ` +
      `it is drained by one long-polling \`PULL_MESSAGE\` loop per queue ` +
      `(maxMsgNums ${consume.batch}, sysFlag SUSPEND|SUBSCRIPTION), all queues in parallel on one connection; every record is decoded.`,
    '',
    '| Messages | msg/s | Payload MB/s | Messages per pull | CPU per msg: consumer / broker |',
    '|---:|---:|---:|---:|---:|',
    `| ${formatInt(consume.messages)} | ${formatInt(consume.messagesPerSecond)}${disturbedMark(consume.otherCpuShare)} | ${formatMBps(consume.payloadMBps)} | ${consume.messagesPerPull.toFixed(1)} | ` +
      `${formatCpu(consume.clientCpuUs)} / ${formatCpu(consume.brokerCpuUs)} |`,
    '',
  );

  push(
    '### End-to-end latency',
    '',
    `A paced producer sends ${formatBytes(e2e.bodyBytes)} messages at ${formatInt(e2e.rate)} msg/s (a 1 ms timer; each tick sends what the rate owes) ` +
      `while one long-polling pull loop per queue waits on the broker; ${formatSeconds(config.e2eDurationMs)} measured after 1 s of the same load. ` +
      'Latency is receive time minus send time, both `performance.now()` in this process (the send time travels in the first 8 bytes of the body, ' +
      `finer than the millisecond born timestamp). ${PAUSE_COLUMN_NOTE}`,
    '',
    '| Rate | Achieved | Messages | p50 | p99 | max | Send acknowledgement p50 / p99 | Refused (SYSTEM_BUSY) | Idle bystander: longest stall / steal |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${formatInt(e2e.rate)} msg/s | ${formatInt(e2e.achievedRate)} msg/s | ${formatInt(e2e.samples)} | ${formatMicros(e2e.p50Us)} | ${formatMicros(e2e.p99Us)}${disturbedMark(e2e.otherCpuShare)} | ` +
      `${formatMicros(e2e.maxUs)} | ${formatMicros(e2e.sendP50Us)} / ${formatMicros(e2e.sendP99Us)} | ${formatInt(e2e.rejected)} | ${formatPauses(e2e.pauses)} |`,
    '',
  );

  push(...profileLines(results), '');
  push(
    '### Reproducing',
    '',
    '`npm run bench:broker -- --quick` is a smoke run (about half a minute, no profile, writes nothing). The profile is written by ' +
      '`node --cpu-prof` in the broker child under `tmp/bench-broker-prof/`; the tables above use only its samples from the measured window. ' +
      'The window alone is written beside it as `<file>.window.cpuprofile`. For the per-function view of the window ' +
      '(`--profile-batch` profiles the batched 128 B row instead of the headline row):',
    '',
    '```sh',
    'npm run bench:broker -- --no-write --rounds 1',
    'npx tsx tools/bench/src/profile-summary.ts tmp/bench-broker-prof/run-<id>/<file>.window.cpuprofile 40',
    '```',
  );
  return lines.join('\n').trimEnd();
}

function profileLines(results: BrokerBenchResults): string[] {
  const { profile } = results;
  if (profile === undefined) return ['### Where the broker spends its CPU', '', 'Not profiled in this run (`--no-profile` or quick mode).'];
  const busyMs = profile.totalMs - profile.idleMs;
  const seconds = profile.totalMs / 1000;
  const lines = [
    '### Where the broker spends its CPU',
    '',
    `A separate broker child ran under \`node --cpu-prof\` during ${sendCaseLabel(profile.send)} sends (${formatInt(profile.messagesPerSecond)} msg/s ` +
      `under the profiler). ${profile.trimmed ? `Samples of the ${formatSeconds(seconds * 1000)} measured window only` : 'The whole profile (the window could not be cut out)'}: ` +
      `the broker was busy ${formatPercent(busyMs / Math.max(1, profile.totalMs))} of it. Each sample is charged to the innermost frame of our packages on its stack ` +
      '(a native Buffer copy called from the store counts as the store); shares are of the busy time.',
    '',
    '| Layer | Share of busy time | µs per message |',
    '|---|---:|---:|',
  ];
  const messages = profile.messagesPerSecond * seconds;
  for (const layer of [...profile.layers].sort((a, b) => b.ms - a.ms)) {
    if (layer.ms <= 0) continue;
    lines.push(`| ${layer.layer} | ${formatPercent(layer.share)} | ${messages > 0 ? ((layer.ms * 1000) / messages).toFixed(2) : '—'} |`);
  }
  lines.push('', 'Top functions by self time:', '', '| Function (file) | Share of busy time |', '|---|---:|');
  for (const line of profile.topSelf) lines.push(`| \`${line.name.replace(/\|/g, '\\|')}\` | ${formatPercent(line.share)} |`);
  return lines;
}

const PREFILL_MARK = '‡';

/** The row's rounds (msg/s), those a segment pre-fill overlapped marked (not in sustained rows: all are). */
function roundsCell(send: SendResult): string {
  return send.rounds.map((rate, i) => `${formatInt(rate)}${!send.send.sustained && send.prefillRounds[i] ? ` ${PREFILL_MARK}` : ''}`).join(', ');
}

/** What indexing the client's message id costs: the diagnostic row against the headline row of the same run. */
function uniqKeyLines(results: BrokerBenchResults): string[] {
  const withKey = find(results, HEADLINE_CASE);
  const without = find(results, { ...HEADLINE_CASE, withoutUniqKey: true });
  if (withKey === undefined || without === undefined) return [];
  // The main thread only, paired round by round. The whole process's CPU per message also counts
  // the thread that writes the next segment's zeros once an eighth of the segment is written: with the
  // rows before the headline row replayed, that pre-fill ran exactly in the headline row's window
  // (then on the thread pool, its four threads at 1.1-1.9 us per message each). And the host's speed moved by
  // half between rounds of one run, so the rows are compared round by round.
  const share = 1 - pairedRatio(without.brokerMainCpuRounds, withKey.brokerMainCpuRounds);
  const perRound = withKey.brokerMainCpuRounds.map((cpu, i) => `${formatCpu(cpu)} / ${formatCpu(without.brokerMainCpuRounds[i] ?? Number.NaN)}`).join(', ');
  return [
    'The row without `UNIQ_KEY` sends the same messages without the client message id that every RocketMQ producer sets and the broker ' +
      `indexes (hash slots in LevelDB rows, off the put path but in the same process; see docs/storage.md). The CPU per message of the broker's main thread ` +
      `(its event loop, where the index is built; another thread writes the next segment's zeros, in whichever row runs when an eighth of a segment is written) ` +
      `with / without it, round by round: ${perRound}; carrying and indexing it is ${formatPercent(share)} of that thread's CPU per message (geometric mean of the rounds' ratios` +
      `${withKey.brokerMainCpuRounds.length >= TRIM_FROM_ROUNDS ? ' without the lowest and highest' : ''}).`,
    '',
  ];
}

/** What Java clients and ali-ons get: the headline load with JSON headers against binary ones, round by round. */
function jsonHeaderLines(results: BrokerBenchResults): string[] {
  const binary = find(results, HEADLINE_CASE);
  const json = find(results, { ...HEADLINE_CASE, jsonHeaders: true });
  if (binary === undefined || json === undefined) return [];
  const rate = pairedRatio(json.rounds, binary.rounds);
  const brokerMain = pairedRatio(json.brokerMainCpuRounds, binary.brokerMainCpuRounds);
  return [
    "Every row sends binary ROCKETMQ headers, as Pulsejet's clients do by default (`serializeType`, docs/compatibility.md), except the diagnostic " +
      `row with JSON headers, the encoding Java clients (by default) and ali-ons send: it carried ${formatPercent(rate)} of the headline row's messages per second ` +
      `(${formatInt(json.messagesPerSecond)} against ${formatInt(binary.messagesPerSecond)}; CPU per message, producer / broker, ${formatCpu(json.producerCpuUs)} / ` +
      `${formatCpu(json.brokerCpuUs)} against ${formatCpu(binary.producerCpuUs)} / ${formatCpu(binary.brokerCpuUs)}), its broker main thread spending ` +
      `${formatPercent(brokerMain)} of the binary rows' CPU per message (rounds paired; geometric mean of the ratios` +
      `${binary.rounds.length >= TRIM_FROM_ROUNDS ? ' without the lowest and highest' : ''}).`,
    '',
  ];
}

function worstOther(results: BrokerBenchResults): number {
  return Math.max(0, ...[...results.sends, results.consume, results.e2e].map((row) => row.otherCpuShare ?? 0));
}

function busyLine(results: BrokerBenchResults): string {
  const load = Number.isFinite(results.loadAverageAtStart) ? `Load average at the start: ${results.loadAverageAtStart.toFixed(2)}` : '';
  const waited = results.quietWaitMs > 1000 ? `; the run waited ${formatInt(results.quietWaitMs / 1000)} s in all for other processes to leave the CPU` : '';
  const worst = worstOther(results);
  const busy = worst > BUSY_MACHINE ? `; **the machine was shared**: other processes took up to ${formatPercent(worst)} of its CPU during a measured window (rows marked †)` : '';
  return `${load}${waited}${busy}.`;
}

