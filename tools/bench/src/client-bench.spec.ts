import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLIENT_FULL_CONFIG, CLIENT_QUICK_CONFIG, ClientUsageError, parseClientArgs } from './client-bench-config';
import type { ClientBenchConfig } from './client-bench-config';
import { evaluateClientTargets, renderClientSection } from './client-bench-report';
import { heapFlagsLine, heapFlagsOf } from './heap-flags';
import { CLIENT_BENCH_ROWS, DECORATOR_TARGET, baselineOf, runsOn } from './client-bench-rows';
import type { ClientBenchRow } from './client-bench-rows';
import { ratioOf, roundOrder, roundPlan, runClientBench } from './client-bench-run';
import type { ClientBenchResults, RowResult } from './client-bench-run';

// A smoke test: both transports (the broker app as a child process over TCP, and the embedded
// in-process cluster owned by PulsejetModule.embedded), every row (raw, client and decorator-path
// sends and drains, end-to-end) and the profiled client send run end to end for a few hundred
// milliseconds; the report is well-formed. Nothing here
// asserts a speed; that is what `npm run bench:client` is for.
describe('client bench (tiny run, tcp and embedded)', () => {
  let workDir: string;
  let config: ClientBenchConfig;
  let results: ClientBenchResults;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-client-bench-spec-'));
    config = {
      ...CLIENT_QUICK_CONFIG,
      workDir: path.join(workDir, 'data'),
      brokerWarmupMs: 100,
      warmupMs: 100,
      durationMs: 400,
      consumeMessages: 1000,
      e2eRate: 300,
      e2eWarmupMs: 100,
      e2eDurationMs: 300,
      segmentBytes: 8 * 1024 * 1024,
      profile: 'always',
      profileDir: path.join(workDir, 'prof'),
    };
    results = await runClientBench(config);
  }, 240_000);

  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('runs every row on both transports', () => {
    const ran = results.rows.map((r) => `${r.transport} ${r.row.id}`).sort();
    const expected = config.transports.flatMap((transport) => CLIENT_BENCH_ROWS.filter((row) => runsOn(row, transport)).map((row) => `${transport} ${row.id}`)).sort();
    expect(ran).toEqual(expected);
    // 8 rows on each transport, plus the embedded decorator drain's baseline on a module-owned broker.
    expect(ran).toHaveLength(17);
    expect(ran).toEqual(expect.arrayContaining(['tcp decorator-send', 'tcp decorator-drain', 'embedded decorator-send', 'embedded decorator-drain', 'embedded module-drain']));
    expect(ran).not.toContain('tcp module-drain');
  });

  it('measures acknowledged sends and drained backlogs with sane figures', () => {
    const throughput = results.rows.filter((r) => r.row.kind === 'throughput');
    expect(throughput).toHaveLength(13);
    // Rows named in the failure message: an empty window says which row stalled.
    expect(throughput.filter((r) => !(r.throughput!.messagesPerSecond > 0 && r.throughput!.payloadMBps > 0)).map((r) => `${r.transport} ${r.row.id}`)).toEqual([]);
    for (const r of throughput) expect(r.rounds).toHaveLength(1);
    for (const r of throughput.filter((t) => t.row.id.endsWith('-send'))) {
      expect(r.throughput!.latencyUs!.samples).toBeGreaterThan(0);
      expect(r.throughput!.latencyUs!.p50).toBeGreaterThan(0);
    }
    // The broker child's CPU is read over TCP; embedded, the broker is this process.
    // /proc counts CPU in 10 ms ticks, so one tiny row of a cheap broker can read 0; the rows together can't.
    const tcpRows = throughput.filter((t) => t.transport === 'tcp');
    for (const r of tcpRows) expect(r.throughput!.brokerCpuUs).toBeGreaterThanOrEqual(0);
    expect(tcpRows.reduce((sum, r) => sum + r.throughput!.brokerCpuUs, 0)).toBeGreaterThan(0);
    for (const r of throughput.filter((t) => t.transport === 'embedded')) expect(r.throughput!.brokerCpuUs).toBeNaN();
  });

  it('measures end-to-end latency through the raw protocol and the client', () => {
    const latency = results.rows.filter((r) => r.row.kind === 'latency');
    expect(latency).toHaveLength(4);
    for (const r of latency) {
      const e = r.latency!;
      expect(e.samples).toBeGreaterThan(0);
      expect(e.p50Us).toBeGreaterThan(0);
      expect(e.p99Us).toBeGreaterThanOrEqual(e.p50Us);
      expect(e.maxUs).toBeGreaterThanOrEqual(e.p99Us);
      expect(e.rejected).toBe(0);
    }
  });

  it('drains the whole backlog through the decorator path and the module-owned broker', () => {
    const drains = results.rows.filter((r) => r.row.id === 'decorator-drain' || r.row.id === 'module-drain');
    expect(drains.map((r) => `${r.transport} ${r.row.id}`).sort()).toEqual(['embedded decorator-drain', 'embedded module-drain', 'tcp decorator-drain']);
    for (const r of drains) {
      expect(r.throughput!.messagesPerSecond).toBeGreaterThan(0);
      expect(r.throughput!.clientCpuUs).toBeGreaterThan(0);
    }
  });

  it('compares each client row with its raw row, each decorator row with the plain client, and profiles the client send over TCP', () => {
    const checks = evaluateClientTargets(results);
    expect(checks.map((c) => `${c.transport} ${c.rowId} vs ${c.baselineLabel}`).sort()).toEqual([
      'embedded client-drain vs drain backlog: long-polling PULL_MESSAGE loops',
      'embedded client-send vs send: SEND_MESSAGE_V2, RemotingClient',
      'embedded decorator-drain vs drain backlog: PushConsumer, on the module-owned broker',
      'embedded decorator-send vs send: Producer.send',
      'tcp client-drain vs drain backlog: long-polling PULL_MESSAGE loops',
      'tcp client-send vs send: SEND_MESSAGE_V2, RemotingClient',
      'tcp decorator-drain vs drain backlog: PushConsumer',
      'tcp decorator-send vs send: Producer.send',
    ]);
    for (const c of checks) {
      expect(c.ratio).toBeGreaterThan(0);
      expect(c.target).toBe(c.rowId.startsWith('decorator-') ? DECORATOR_TARGET : config.target);
      expect(c.pass).toBe(c.ratio >= c.target);
      expect(c.rowCpuUs).toBeGreaterThan(0);
      expect(c.baselineCpuUs).toBeGreaterThan(0);
    }
    const profile = results.profile!;
    expect(fs.existsSync(profile.file)).toBe(true);
    expect(profile.totalMs).toBeGreaterThan(0);
    expect(profile.layers.map((l) => l.layer)).toContain('@pulsejet/client');
    expect(profile.top.length).toBeGreaterThan(0);
  });

  it('renders a section with the comparison, both tables and the profile', () => {
    const section = renderClientSection(results, evaluateClientTargets(results));
    expect(section).toContain('QUICK SMOKE RUN');
    expect(section).toContain('**Bench process heap:** V8 defaults (`npm run bench:client`');
    expect(section).toContain('### Client versus raw protocol, decorator path versus plain client');
    expect(section).toMatch(/\| tcp \| send: Producer\.send \| send: SEND_MESSAGE_V2, RemotingClient \| 1 \| [\d.]+% \| 80% \| (PASS|MISS) \| [\d.]+ µs \| [\d.]+ µs \|/);
    expect(section).toMatch(/\| embedded \| drain backlog: @Subscribe \+ startPulsejet \| drain backlog: PushConsumer, on the module-owned broker \| 1 \| [\d.]+% \| 90% \| (PASS|MISS) \| [\d.]+ µs \| [\d.]+ µs \|/);
    expect(section).toMatch(/\| tcp \| send: injected Producer \(PulsejetModule\) \| send: Producer\.send \| 1 \| [\d.]+% \| 90% \| (PASS|MISS) \|/);
    expect(section).toContain('### End-to-end latency');
    expect(section).toContain('| embedded | e2e: Producer → PushConsumer |');
    // Every latency row carries what the idle bystander saw (pause-watch.ts), and the table says what that is.
    for (const r of results.rows.filter((row) => row.latency)) expect(r.latency!.pauses).toEqual({ longestLagMs: expect.any(Number), stealMs: expect.any(Number) });
    expect(section).toContain('Idle bystander: longest stall / steal');
    expect(section).toContain('### Where the client spends its time');
  });
});

describe('parseClientArgs', () => {
  it('defaults to the full run writing docs/benchmarks.md, both transports', () => {
    const cli = parseClientArgs([]);
    expect(cli.config).toEqual(CLIENT_FULL_CONFIG);
    expect(cli.out).toMatch(/docs[/\\]benchmarks\.md$/);
  });

  it('takes --quick (no write), --transport, --rounds and profile flags', () => {
    const cli = parseClientArgs(['--quick', '--transport', 'embedded', '--rounds', '3', '--no-profile']);
    expect(cli.config).toMatchObject({ quick: true, transports: ['embedded'], rounds: 3, extendedRounds: 9, profile: 'never' });
    expect(cli.out).toBeUndefined();
  });

  it('refuses unknown flags and bad values with the usage', () => {
    expect(() => parseClientArgs(['--transport', 'udp'])).toThrow(ClientUsageError);
    expect(() => parseClientArgs(['--rounds', '0'])).toThrow(/positive number/);
    expect(() => parseClientArgs(['--bogus'])).toThrow(/unknown flag --bogus/);
  });
});

describe('ratioOf', () => {
  const row = (id: string, rounds: number[]): RowResult => ({
    transport: 'tcp',
    row: CLIENT_BENCH_ROWS.find((r) => r.id === id)!,
    throughput: { messagesPerSecond: rounds[0]!, payloadMBps: 1, clientCpuUs: 1, brokerCpuUs: 1, latencyUs: undefined },
    rounds,
    latency: undefined,
    otherCpuShare: undefined,
  });

  it('pairs a row and its baseline round by round', () => {
    // Round 2 ran on a busier machine for both rows: paired, it still says 90%.
    const results = [row('raw-send', [20_000, 10_000, 30_000]), row('client-send', [18_000, 9_000, 27_000])];
    expect(ratioOf(results, 'tcp', 'client-send')).toBeCloseTo(0.9);
    expect(ratioOf(results, 'tcp', 'raw-send')).toBeUndefined();
    expect(ratioOf(results, 'embedded', 'client-send')).toBeUndefined();
  });

  it('takes the geometric mean of the per-round ratios, without the lowest and the highest from five rounds up', () => {
    // Ratios 0.8, 1.25, 0.5 (dropped), 1.0, 2.0 (dropped): the rest multiply to 1.
    const five = [row('raw-send', [10, 10, 10, 10, 10]), row('client-send', [8, 12.5, 5, 10, 20])];
    expect(ratioOf(five, 'tcp', 'client-send')).toBeCloseTo(1);
    // Below five rounds nothing is dropped: 0.5 and 2 average (geometrically) to 1, 0.5 and 0.5 to 0.5.
    expect(ratioOf([row('raw-send', [10, 10]), row('client-send', [5, 20])], 'tcp', 'client-send')).toBeCloseTo(1);
    expect(ratioOf([row('raw-send', [10, 10]), row('client-send', [5, 5])], 'tcp', 'client-send')).toBeCloseTo(0.5);
  });

  it('pairs only the rounds both rows ran', () => {
    // A baseline with fewer rounds (its extra rounds are not its pair's): three pairs, ratio 0.5 each.
    const results = [row('raw-drain', [10, 10, 10]), row('client-drain', [5, 5, 5, 50, 50])];
    expect(ratioOf(results, 'tcp', 'client-drain')).toBeCloseTo(0.5);
  });

  it('takes the baseline of the transport', () => {
    const results = [row('client-drain', [10_000]), row('decorator-drain', [9_500]), row('module-drain', [20_000])];
    // Over tcp the decorator drain is compared with the plain PushConsumer drain, not the embedded-only module-broker drain.
    expect(ratioOf(results, 'tcp', 'decorator-drain')).toBeCloseTo(0.95);
  });
});

describe('roundOrder', () => {
  it('runs the rows as listed in odd rounds and reversed in even ones, each next to its baseline', () => {
    const ids = ['a', 'b', 'c'];
    expect([1, 2, 3, 4].map((round) => roundOrder(ids, round).join(''))).toEqual(['abc', 'cba', 'abc', 'cba']);
    for (const transport of ['tcp', 'embedded'] as const) {
      const rows = CLIENT_BENCH_ROWS.filter((row) => row.kind === 'throughput' && runsOn(row, transport));
      for (const round of [1, 2]) {
        const order = roundOrder(rows, round).map((row) => row.id);
        for (const row of rows) {
          const baseline = baselineOf(row, transport);
          if (baseline !== undefined) expect(Math.abs(order.indexOf(row.id) - order.indexOf(baseline))).toBe(1);
        }
      }
    }
  });
});

describe('roundPlan', () => {
  const ids = (plan: readonly (readonly ClientBenchRow[])[]): string[][] => plan.map((round) => round.map((row) => row.id));

  it('runs every throughput row in the first `rounds` rounds, and only the decorator drain pair in the extra ones', () => {
    const config = { ...CLIENT_QUICK_CONFIG, rounds: 2, extendedRounds: 4 };
    const tcp = ids(roundPlan(CLIENT_BENCH_ROWS, 'tcp', config));
    expect(tcp).toHaveLength(4);
    expect(tcp[0]).toEqual(CLIENT_BENCH_ROWS.filter((row) => row.kind === 'throughput' && runsOn(row, 'tcp')).map((row) => row.id));
    expect(tcp[1]).toEqual([...tcp[0]!].reverse());
    expect(tcp.slice(2)).toEqual([
      ['client-drain', 'decorator-drain'],
      ['decorator-drain', 'client-drain'],
    ]);
    const embedded = ids(roundPlan(CLIENT_BENCH_ROWS, 'embedded', config));
    expect(embedded[0]).toContain('raw-drain');
    expect(embedded.slice(2)).toEqual([
      ['module-drain', 'decorator-drain'],
      ['decorator-drain', 'module-drain'],
    ]);
  });

  it('never gives a row fewer rounds than `rounds`', () => {
    const plan = roundPlan(CLIENT_BENCH_ROWS, 'tcp', { ...CLIENT_QUICK_CONFIG, rounds: 3, extendedRounds: 1 });
    expect(plan).toHaveLength(3);
    expect(plan.every((round) => round.length === plan[0]!.length)).toBe(true);
  });
});

describe('bench process heap flags', () => {
  it('picks the V8 heap-sizing flags out of node\'s arguments and says which heap the figures had', () => {
    expect(heapFlagsOf(['--initial-old-space-size=128', '--import', 'tsx', '--max-semi-space-size=32', '--expose-gc'])).toEqual(['--initial-old-space-size=128', '--max-semi-space-size=32']);
    expect(heapFlagsOf(['--import', 'tsx'])).toEqual([]);
    expect(heapFlagsOf(['--max_old_space_size=512', '--max-http-header-size=16384'])).toEqual(['--max_old_space_size=512']);
    expect(heapFlagsLine(['--initial-old-space-size=128'], 'bench:client')).toContain('`node --initial-old-space-size=128`');
    expect(heapFlagsLine([], 'bench:broker')).toContain('V8 defaults (`npm run bench:broker`');
  });
});
