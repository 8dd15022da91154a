// Renders the remoting section of docs/benchmarks.md from one run.
import { cpuSpeedSuffix } from './cpu-probe';
import { describeMachine } from './machine';
import { formatBytes, formatCpu, formatInt, formatMicros, formatPercent } from './format';
import type { BenchTransport } from './remoting-bench-config';
import type { RemotingBenchResults, RemotingScenarioResult } from './remoting-bench-run';
import type { SourceState } from './source';
import { TRIM_FROM_ROUNDS, pairedRatio } from './measure';

/** Pulsejet TCP with 64 in flight must reach this share of the bare echo's round trips/s (same run). */
export const REMOTING_TARGET_SHARE = 0.5;
const TARGET_IN_FLIGHT = 64;

const TRANSPORT_LABELS: Record<BenchTransport, string> = {
  'bare-echo': 'bare Node TCP echo (length-prefixed, no header)',
  'pulsejet-tcp': "Pulsejet `TcpRemotingClient` → `TcpRemotingServer`, binary headers (Pulsejet clients' default)",
  'pulsejet-tcp-json': 'Pulsejet `TcpRemotingClient` → `TcpRemotingServer`, JSON headers (as Java clients and ali-ons send)',
  'pulsejet-inprocess': 'Pulsejet in-process transport (same process, reference)',
};

export interface RemotingTargetCheck {
  target: string;
  measured: string;
  required: string;
  /** undefined when the run had no 64-in-flight rows. */
  pass: boolean | undefined;
}

function find(results: RemotingBenchResults, transport: BenchTransport, inFlight: number): RemotingScenarioResult | undefined {
  return results.scenarios.find((scenario) => scenario.transport === transport && scenario.inFlight === inFlight);
}

export function evaluateRemotingTarget(results: RemotingBenchResults): RemotingTargetCheck {
  const bare = find(results, 'bare-echo', TARGET_IN_FLIGHT);
  const ours = find(results, 'pulsejet-tcp', TARGET_IN_FLIGHT);
  const json = find(results, 'pulsejet-tcp-json', TARGET_IN_FLIGHT);
  const target =
    `Pulsejet TCP round trips/s with binary headers (what Pulsejet's clients send), ${formatBytes(results.config.bodyBytes)} bodies, ` +
    `${TARGET_IN_FLIGHT} in flight on one connection, vs the bare echo in the same run`;
  const required = `≥ ${formatPercent(REMOTING_TARGET_SHARE)}`;
  if (bare === undefined || ours === undefined) return { target, measured: 'not run', required, pass: undefined };
  const share = pairedRatio(ours.rounds, bare.rounds);
  const perRound = ours.rounds.map((rate, i) => formatPercent(rate / bare.rounds[i]!)).join(', ');
  // Java clients and ali-ons send JSON headers: their figure is shown beside the target's, not hidden.
  const jsonShare = json === undefined ? '' : `; with JSON headers (Java clients, ali-ons) ${formatPercent(pairedRatio(json.rounds, bare.rounds))}`;
  return {
    target,
    measured:
      `${formatPercent(share)} (per round: ${perRound}; geometric mean${ours.rounds.length >= TRIM_FROM_ROUNDS ? ' without the lowest and highest' : ''}; ` +
      `medians ${formatInt(ours.roundTripsPerSecond)} and ${formatInt(bare.roundTripsPerSecond)} round trips/s${jsonShare})`,
    required,
    pass: share >= REMOTING_TARGET_SHARE,
  };
}

export function renderRemotingSection(results: RemotingBenchResults, check: RemotingTargetCheck): string {
  const { config, machine } = results;
  const lines: string[] = [];
  const push = (...more: string[]): void => void lines.push(...more);
  push('## Remoting (`npm run bench:remoting`)', '');
  push(
    `Measured ${results.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC by \`tools/bench/src/remoting-bench.ts\`` +
      `${config.quick ? ' in **quick (smoke) mode: figures are not meaningful**' : ''}; the run took ${formatInt(results.seconds)} s. ` +
      'Rerun `npm run bench:remoting` to replace this section.',
    '',
    `Round trips over loopback TCP on one connection, ${formatBytes(config.bodyBytes)} bodies both ways. The servers (the bare echo and a ` +
      '`TcpRemotingServer` whose processor answers with the request body) run in a child process, the clients in the bench process, so each ' +
      `side has its own core. Each row is the median of ${config.rounds} interleaved round${config.rounds === 1 ? '' : 's'} (the transports in ` +
      'reverse order in even rounds) of ' +
      `${formatSeconds(config.durationMs)} after ${formatSeconds(config.warmupMs)} of warm-up; latencies are pooled over the rounds. ` +
      '"vs bare echo" pairs each round\'s window with the echo\'s of the same round and takes the geometric mean of those ratios ' +
      `(without the lowest and highest from ${TRIM_FROM_ROUNDS} rounds up): this host's speed moves within seconds. ` +
      '"In flight" is how many callers each await one request at a time.',
    '',
    `**Code measured:** ${sourceLine(results.source)}.`,
    '',
    `**Machine:** ${describeMachine(machine)}` +
      `${results.quietWaitMs > 1000 ? `; the run first waited ${formatInt(results.quietWaitMs / 1000)} s for other processes to leave the CPU` : ''}.${cpuSpeedSuffix(machine.cpuSpeed)}`,
    '',
  );
  push('### Target', '', '| Target | Measured | Required | Result |', '|---|---|---|---|');
  push(`| ${check.target} | ${check.measured} | ${check.required} | ${check.pass === undefined ? '—' : check.pass ? '**PASS**' : '**MISS**'} |`, '');
  push(
    '### Round trips',
    '',
    '"CPU per round trip" is user + system time of the client process and of the server child divided by the round trips of the window ' +
      '(in-process: both sides in the bench process). It shows which side limits throughput and barely depends on other load.',
    '',
    '| Transport | In flight | Round trips/s | vs bare echo | p50 latency | p99 latency | CPU per round trip: client / server | Rounds |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const scenario of results.scenarios) {
    const bare = find(results, 'bare-echo', scenario.inFlight);
    const share = scenario.transport === 'bare-echo' || bare === undefined ? '—' : formatPercent(pairedRatio(scenario.rounds, bare.rounds));
    push(
      `| ${TRANSPORT_LABELS[scenario.transport]} | ${scenario.inFlight} | ${formatInt(scenario.roundTripsPerSecond)} | ${share} | ` +
        `${formatMicros(scenario.latencyUs.p50)} | ${formatMicros(scenario.latencyUs.p99)} | ${formatCpu(scenario.clientCpuUs)} / ${formatCpu(scenario.serverCpuUs)} | ` +
        `${scenario.rounds.map(formatInt).join(', ')} |`,
    );
  }
  push('');
  push(...codecLines(results), '');
  push(
    '### Reproducing and profiling',
    '',
    '`npm run bench:remoting -- --quick` is a smoke run (a few seconds, writes nothing). To see where the time goes:',
    '',
    '```sh',
    '# client side (the bench process) and server side (the child) profiled in one run',
    'node --cpu-prof --cpu-prof-dir=tmp/prof --import tsx tools/bench/src/remoting-bench.ts --no-write --rounds 1 --profile tmp/prof',
    'npx tsx tools/bench/src/profile-summary.ts tmp/prof/<file>.cpuprofile 40',
    '```',
  );
  return lines.join('\n').trimEnd();
}

/** The codec's share of each side's CPU per round trip: the floor the transport can't go below. */
function codecLines(results: RemotingBenchResults): string[] {
  const lines = [
    '### The codec alone',
    '',
    'Each side of a round trip encodes one frame (`encodeCommand`) and decodes one (`decodeCommandFrame`). Measured in the bench process in the same run, CPU per call:',
    '',
    '| Header | encode request | decode request | encode response | decode response | client side per round trip | server side per round trip |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [label, codec] of [
    ['binary (ROCKETMQ)', results.codec.binary],
    ['JSON', results.codec.json],
  ] as const) {
    lines.push(
      `| ${label} | ${formatCpu(codec.encodeRequestUs)} | ${formatCpu(codec.decodeRequestUs)} | ${formatCpu(codec.encodeResponseUs)} | ${formatCpu(codec.decodeResponseUs)} | ` +
        `${formatCpu(codec.encodeRequestUs + codec.decodeResponseUs)} | ${formatCpu(codec.decodeRequestUs + codec.encodeResponseUs)} |`,
    );
  }
  const ours = find(results, 'pulsejet-tcp', TARGET_IN_FLIGHT);
  const bare = find(results, 'bare-echo', TARGET_IN_FLIGHT);
  if (ours !== undefined && bare !== undefined && Number.isFinite(ours.clientCpuUs)) {
    const { binary } = results.codec;
    const codecUs = Math.max(binary.encodeRequestUs + binary.decodeResponseUs, binary.decodeRequestUs + binary.encodeResponseUs);
    const slowest = Math.max(ours.clientCpuUs, ours.serverCpuUs);
    const codecCeiling = 1e6 / codecUs;
    lines.push(
      '',
      `At ${TARGET_IN_FLIGHT} in flight with binary headers the busier side spent ${formatCpu(slowest)} per round trip, so one connection can't pass about ` +
        `${formatInt(1e6 / slowest)} round trips/s; encoding and decoding alone (${formatCpu(codecUs)}) would cap it at ` +
        `${formatInt(codecCeiling)}, which is ${formatPercent(codecCeiling / bare.roundTripsPerSecond)} of the bare echo, even with a transport that cost nothing.`,
    );
  }
  return lines;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}


function sourceLine(source: SourceState): string {
  const commit = source.commit === undefined ? 'unknown commit (no git)' : `commit ${source.commit}`;
  if (source.changedFiles === 0) return `${commit}, no uncommitted changes under packages/`;
  return `${commit} plus ${source.changedFiles} uncommitted file${source.changedFiles === 1 ? '' : 's'} under packages/ (fingerprint ${source.changesFingerprint ?? '?'})`;
}
