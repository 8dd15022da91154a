// The peers benchmark's markdown section: durability per column, medians per scenario and body
// size, Pulsejet ÷ best peer of equal durability, the goals, loss and duplicates shown in red, the
// machine and its load.
import { cpuSpeedSuffix } from './cpu-probe';
import { heapFlagsLine } from './heap-flags';
import { describeMachine } from './machine';
import { formatBytes, formatInt, formatMicros, formatPercent } from './format';
import { BUSY_MACHINE } from './measure';
import type { PeersBenchResults, ScenarioId, ScenarioResult, TargetRun } from './peers-bench-run';
import { SCENARIOS } from './peers-bench-run';
import type { Durability } from './peers-bench-types';
import { DURABILITY_LABEL } from './peers-bench-types';
import type { SourceState } from './source';

export const PEERS_SECTION = 'peers';
export const PEERS_PLOT_FILE = 'benchmarks-peers.svg';

/** Durabilities some peer here gives: the ratio columns. */
const DURABILITIES: readonly Durability[] = ['page-cache', 'fsync'];
const SHORT_DURABILITY: Record<Durability, string> = { 'page-cache': 'no fsync', fsync: 'fsync', replicated: 'replicated, no fsync' };

export function scenarioLabel(scenario: ScenarioId, results: PeersBenchResults): string {
  const c = results.config;
  switch (scenario) {
    case 'publish-batch':
      return `publish, batches of ${c.batchSize}, ${c.batchInFlight} in flight (msg/s)`;
    case 'publish-single':
      return `publish single messages, ${c.singleInFlight} in flight (msg/s)`;
    case 'consume':
      return `consume + ack a backlog of ${formatInt(c.backlog)} (msg/s)`;
    case 'e2e':
      return `end-to-end at ${formatInt(c.e2eRate)} msg/s: p50 / p99 / p99.9`;
  }
}

/** One comparison: Pulsejet's standalone broker against the best peer of the same durability. */
export interface PeerComparison {
  scenario: ScenarioId;
  bodyBytes: number;
  durability: Durability;
  pulsejet: ScenarioResult;
  best: ScenarioResult;
  /** ≥ 1 means Pulsejet is ahead: msg/s ÷ msg/s, or the peer's p99 ÷ Pulsejet's p99 for latency. */
  ratio: number;
  met: boolean;
}

/**
 * Ratios use the standalone broker (a separate process over TCP, as every peer is), not the
 * embedded one: ASYNC_FLUSH against peers that ack before fsync, SYNC_FLUSH against those that fsync.
 */
export function comparePeers(results: PeersBenchResults): PeerComparison[] {
  const ran = new Map(results.targets.filter((t) => t.status === 'ran').map((t) => [t.id, t]));
  const out: PeerComparison[] = [];
  for (const durability of DURABILITIES) {
    const pulsejetId = durability === 'fsync' ? 'pulsejet-tcp-sync' : 'pulsejet-tcp-async';
    for (const bodyBytes of results.config.bodySizes) {
      for (const scenario of SCENARIOS) {
        const pulsejet = results.rows.find((r) => r.targetId === pulsejetId && r.scenario === scenario && r.bodyBytes === bodyBytes);
        const peers = results.rows.filter((r) => r.scenario === scenario && r.bodyBytes === bodyBytes && ran.get(r.targetId)?.system !== 'Pulsejet' && ran.get(r.targetId)?.durability === durability);
        if (!pulsejet || peers.length === 0) continue;
        if (scenario === 'e2e') {
          const best = peers.reduce((a, b) => (b.latency!.p99Us < a.latency!.p99Us ? b : a));
          const ratio = best.latency!.p99Us / pulsejet.latency!.p99Us;
          out.push({ scenario, bodyBytes, durability, pulsejet, best, ratio, met: ratio > 1 });
        } else {
          const best = peers.reduce((a, b) => (b.messagesPerSecond! > a.messagesPerSecond! ? b : a));
          const ratio = pulsejet.messagesPerSecond! / best.messagesPerSecond!;
          out.push({ scenario, bodyBytes, durability, pulsejet, best, ratio, met: ratio >= 1 });
        }
      }
    }
  }
  return out;
}

export function renderPeersSection(results: PeersBenchResults, plotLink: string | undefined): string {
  const { config, machine } = results;
  const ran = results.targets.filter((t) => t.status === 'ran');
  const comparisons = comparePeers(results);
  const lines: string[] = [
    '## Pulsejet and its peers (Redis Streams, NATS JetStream, RabbitMQ)',
    '',
    `Run ${results.startedAt.toISOString()} (${formatInt(results.seconds)} s) by \`npm run bench:peers\`${config.quick ? ' **--quick (smoke figures, not for comparison)**' : ''}; ` +
      `${sourceLine(results.source)}. Every system ran on this machine in the same run, one after another, with the same scenarios, ` +
      `its server started fresh on 127.0.0.1 with its data in a temp dir. Figures are medians of ${config.rounds} run${config.rounds === 1 ? '' : 's'}.`,
    '',
    `**Machine:** ${describeMachine(machine)}; ` +
      `data on ${machine.disk.device} (${machine.disk.fsType}${machine.disk.rotational === false ? ', SSD' : ''}). ${busyLine(results)}${cpuSpeedSuffix(machine.cpuSpeed)}`,
    '',
    heapFlagsLine(results.heapFlags, 'bench:peers'),
    '',
    '| System | Durability of an ack | Why |',
    '| --- | --- | --- |',
    ...results.targets.map((t) => `| ${t.label} | ${DURABILITY_LABEL[t.durability]} | ${t.durabilityNote}${statusNote(t)} |`),
    '',
  ];
  if (ran.length > 0) {
    const header = ['Scenario', 'Body', ...ran.map((t) => `${t.label}<br>${SHORT_DURABILITY[t.durability]}`), 'Pulsejet ÷ best peer, no fsync', 'Pulsejet ÷ best peer, fsync'];
    lines.push(`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`);
    for (const scenario of SCENARIOS) {
      for (const bodyBytes of config.bodySizes) {
        const cells = ran.map((t) => cell(results.rows.find((r) => r.targetId === t.id && r.scenario === scenario && r.bodyBytes === bodyBytes)));
        const ratios = DURABILITIES.map((d) => {
          const c = comparisons.find((x) => x.scenario === scenario && x.bodyBytes === bodyBytes && x.durability === d);
          return c ? `${c.ratio.toFixed(2)}× ${c.met ? '✅' : '❌'}` : '—';
        });
        lines.push(`| ${scenarioLabel(scenario, results)} | ${formatBytes(bodyBytes)} | ${[...cells, ...ratios].join(' | ')} |`);
      }
    }
    lines.push('');
  }
  lines.push(
    '**How to read it.** Ratios compare the standalone Pulsejet broker (a separate process over TCP, as every peer is) with the best peer that gives the ' +
      'same durability: ASYNC_FLUSH with peers that ack before fsync, SYNC_FLUSH with peers that fsync before the ack; the embedded column and the ' +
      '1 master + 1 sync slave column (no peer here replicates) are shown but not used in ratios. Throughput ratio = Pulsejet msg/s ÷ best peer msg/s; latency ratio = best peer p99 ÷ Pulsejet p99; ≥ 1.00 means Pulsejet is ahead ' +
      `(goal: ≥ 1.0× on publish and consume rows, lower p99 than the peers at ${formatInt(config.e2eRate)} msg/s).`,
    '',
    `**Scenarios.** Bodies carry a send time and an id. *Publish*: ${formatInt(config.backlog)} messages in batches (Redis: one pipeline of XADDs; NATS: that many ` +
      `async publishes awaited together, JetStream 2.9 having no batch publish; RabbitMQ: that many publishes on a confirm channel awaited together, AMQP 0-9-1 having no batch publish; ` +
      `Pulsejet: \`Producer.sendBatch\`) and ${formatInt(config.singleMessages)} single ` +
      'messages (Redis: XADD; NATS: `js.publish`; RabbitMQ: a persistent `basic.publish` to a durable queue awaiting its confirm; Pulsejet: `Producer.send`), each awaiting its acknowledgement; afterwards every id must have been acked once ' +
      'and the server must hold exactly that many messages (XLEN, stream state, the queue\'s message count, the queues\' max offsets). *Consume*: the batched publish\'s backlog drained ' +
      'with acks (Redis: XREADGROUP COUNT 1000 + XACK; NATS: durable pull consumer, explicit acks; RabbitMQ: `basic.consume` on a connection of its own, prefetch 1000, ' +
      `one \`basic.ack\` with multiple=true per burst of deliveries; Pulsejet: \`PushConsumer\`, pullBatchSize ${config.pullBatch}, ` +
      `${config.queues} queues), timed from starting the consumer (for Pulsejet: route lookup and rebalance included) to the last id; every id must arrive once. *End-to-end*: a paced publisher and a consumer in the bench process (one clock), ` +
      `${formatInt(config.e2eWarmupMs / 1000)} s warm-up then ${formatInt(config.e2eDurationMs / 1000)} s measured; every sent id must arrive once. ` +
      'Loss or duplicates are shown in the cell as 🔴; rows measured while other processes took more than ' +
      `${formatPercent(BUSY_MACHINE)} of the CPU are marked †.`,
    '',
    integrityLine(results),
    '',
    goalsLine(comparisons),
  );
  if (plotLink !== undefined) lines.push('', `![Throughput and p99 latency per system](${plotLink})`);
  lines.push(
    '',
    '### Reproducing',
    '',
    '`npm run bench:peers` installs the peers\' missing Debian packages (`redis-server`, `nats-server`, `rabbitmq-server`) when run as root, then runs every system; ' +
      '`--quick` is a smoke run (writes nothing), `--only <id,id>` picks systems, `--no-install` reports missing peers as not run. Each server is a child of the bench, ' +
      'in the foreground on free ports of 127.0.0.1 with its data in a temp dir, and is stopped by pid together with the processes it started itself; where util-linux\'s ' +
      '`setpriv` is present the kernel also stops it if the bench dies. RabbitMQ gets an `epmd` of its own on a free port (not the shared daemon a normal start leaves ' +
      'running), its node name, cookie, config and enabled plugins (none) in the temp dir.',
  );
  return lines.join('\n');
}

function goalsLine(comparisons: readonly PeerComparison[]): string {
  if (comparisons.length === 0) return '**Goals:** no peer ran, nothing to compare.';
  const missed = comparisons.filter((c) => !c.met);
  if (missed.length === 0) return `**Goals:** met on all ${comparisons.length} comparisons.`;
  const name = (c: PeerComparison): string => `${c.scenario} ${formatBytes(c.bodyBytes)} (${SHORT_DURABILITY[c.durability]}, ${c.ratio.toFixed(2)}×)`;
  return `**Goals:** met on ${comparisons.length - missed.length} of ${comparisons.length} comparisons; missed: ${missed.map(name).join(', ')}.`;
}

function cell(row: ScenarioResult | undefined): string {
  if (!row) return '—';
  const noisy = row.otherCpuShare !== undefined && row.otherCpuShare > BUSY_MACHINE ? ' †' : '';
  const bad = row.integrity.lost > 0 || row.integrity.duplicated > 0 ? ` 🔴 **lost ${formatInt(row.integrity.lost)}, duplicated ${formatInt(row.integrity.duplicated)}**` : '';
  if (row.latency) return `${formatMicros(row.latency.p50Us)} / ${formatMicros(row.latency.p99Us)} / ${formatMicros(row.latency.p999Us)}${noisy}${bad}`;
  return `${formatInt(row.messagesPerSecond ?? Number.NaN)}${noisy}${bad}`;
}

function statusNote(target: TargetRun): string {
  if (target.status === 'ran') return '';
  return target.status === 'unavailable' ? ` — **not run here:** ${target.reason ?? ''}` : ` — 🔴 **failed:** ${target.reason ?? ''}`;
}

function integrityLine(results: PeersBenchResults): string {
  const bad = results.rows.filter((r) => r.integrity.lost > 0 || r.integrity.duplicated > 0);
  const checked = results.rows.reduce((sum, r) => sum + r.integrity.expected, 0);
  if (bad.length === 0) return `**Integrity:** ${formatInt(checked)} message ids checked; none lost, none duplicated.`;
  const labels = new Map(results.targets.map((t) => [t.id, t.label]));
  return `🔴 **Integrity: messages lost or duplicated** in ${bad.map((r) => `${labels.get(r.targetId) ?? r.targetId} ${r.scenario} ${formatBytes(r.bodyBytes)} (lost ${r.integrity.lost}, duplicated ${r.integrity.duplicated})`).join('; ')}.`;
}

function busyLine(results: PeersBenchResults): string {
  const load = `Load average (1 min) ${results.loadAverageAtStart.toFixed(2)} at the start, ${results.loadAverageAtEnd.toFixed(2)} at the end`;
  const worst = Math.max(0, ...results.rows.map((r) => r.otherCpuShare ?? 0));
  const busy = worst > BUSY_MACHINE ? `; **the machine was shared**: other processes took up to ${formatPercent(worst)} of its CPU during a measured row (cells marked †)` : '';
  return `${load}${busy}.`;
}

function sourceLine(source: SourceState): string {
  const commit = source.commit === undefined ? 'unknown commit (no git)' : `commit ${source.commit}`;
  if (source.changedFiles === 0) return `${commit}, no uncommitted changes under packages/`;
  return `${commit} plus ${source.changedFiles} uncommitted file${source.changedFiles === 1 ? '' : 's'} under packages/`;
}
