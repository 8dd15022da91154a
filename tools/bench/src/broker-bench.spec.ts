import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import { BATCH_TARGET_CASE, BROKER_FULL_CONFIG, BROKER_QUICK_CONFIG, BrokerUsageError, HEADLINE_CASE, SUSTAINED_ASYNC_CASE, SUSTAINED_SYNC_CASE, parseBrokerArgs, sendCaseLabel } from './broker-bench-config';
import type { BrokerBenchConfig } from './broker-bench-config';
import { LAYERS, layerShares, trimProfile } from './broker-bench-profile';
import type { CpuProfile } from './broker-bench-profile';
import { evaluateBrokerTargets, renderBrokerSection } from './broker-bench-report';
import { runBrokerBench } from './broker-bench-run';
import type { BrokerBenchResults } from './broker-bench-run';

// A smoke test: the real broker app runs as a child process and every row (sends, consume,
// end-to-end, the profiled broker) runs end to end for a few hundred milliseconds; the report is
// well-formed. Nothing here asserts a speed; that is what `npm run bench:broker` is for.
describe('broker bench (tiny run against the broker app)', () => {
  let workDir: string;
  let config: BrokerBenchConfig;
  let results: BrokerBenchResults;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-broker-bench-spec-'));
    config = {
      ...BROKER_QUICK_CONFIG,
      workDir: path.join(workDir, 'data'),
      brokerWarmupMs: 100,
      warmupMs: 100,
      // Long enough that a SYNC_FLUSH batch on a loaded machine still completes inside the window.
      durationMs: 500,
      queues: 4,
      consumeMessages: 2000,
      e2eRate: 500,
      e2eDurationMs: 300,
      segmentBytes: 8 * 1024 * 1024,
      profileCase: HEADLINE_CASE,
      profileDir: path.join(workDir, 'prof'),
    };
    results = await runBrokerBench(config);
  }, 240_000);

  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('measures every send row with acknowledged messages', () => {
    expect(results.sends.map((send) => send.label)).toEqual(BROKER_FULL_CONFIG.sends.map(sendCaseLabel));
    expect(results.sends).toHaveLength(16);
    // Rows named in the failure message: an empty window says which case stalled.
    expect(results.sends.filter((send) => !(send.messagesPerSecond > 0 && send.payloadMBps > 0)).map((send) => send.label)).toEqual([]);
    expect(results.sends.filter((send) => !(send.latencyUs.samples > 0 && send.latencyUs.p50 > 0)).map((send) => send.label)).toEqual([]);
    for (const send of results.sends) expect(send.rounds).toHaveLength(1);
    // The sustained rows' windows covered one segment of log (the replies' offsets say how much).
    const sustained = results.sends.filter((send) => send.send.sustained);
    expect(sustained.map((send) => send.label)).toEqual([sendCaseLabel(SUSTAINED_ASYNC_CASE), sendCaseLabel(SUSTAINED_SYNC_CASE)]);
    for (const send of sustained) {
      expect(send.sustainedWindows).toHaveLength(1);
      expect(send.sustainedWindows[0]!.logBytes).toBeGreaterThanOrEqual(config.segmentBytes!);
      expect(send.sustainedWindows[0]!.logBytes).toBeLessThan(config.segmentBytes! * 1.1);
    }
    for (const send of results.sends.filter((s) => !s.send.sustained)) expect(send.sustainedWindows).toEqual([]);
    // One fsync probe before the SYNC_FLUSH broker of the one round.
    expect(results.fsyncProbes).toHaveLength(1);
    expect(results.fsyncProbes[0]!.samples).toBeGreaterThan(0);
  });

  it('drains every preloaded message with the long-polling consumer', () => {
    const { consume } = results;
    // The preload sends whole batches of 64, so it may overshoot the asked-for count by less than a batch.
    expect(consume.messages).toBeGreaterThanOrEqual(config.consumeMessages);
    expect(consume.messages).toBeLessThan(config.consumeMessages + 64);
    expect(consume.messagesPerSecond).toBeGreaterThan(0);
    expect(consume.payloadMBps).toBeGreaterThan(0);
    expect(consume.messagesPerPull).toBeGreaterThan(0);
    expect(consume.messagesPerPull).toBeLessThanOrEqual(config.consumeBatch);
  });

  it('receives the paced messages and measures their end-to-end latency', () => {
    const { e2e } = results;
    expect(e2e.samples).toBeGreaterThan(0);
    expect(e2e.achievedRate).toBeGreaterThan(0);
    expect(e2e.p50Us).toBeGreaterThan(0);
    expect(e2e.p99Us).toBeGreaterThanOrEqual(e2e.p50Us);
    expect(e2e.maxUs).toBeGreaterThanOrEqual(e2e.p99Us);
    // What the idle bystander saw during the window (pause-watch.ts).
    expect(e2e.pauses).toEqual({ longestLagMs: expect.any(Number), stealMs: expect.any(Number) });
  });

  it("profiles the broker and charges its busy time to layers", () => {
    const profile = results.profile!;
    expect(fs.existsSync(profile.file)).toBe(true);
    // The broker child and this process share CLOCK_MONOTONIC, so the window is always cut out.
    expect(profile.trimmed).toBe(true);
    expect(fs.existsSync(profile.windowFile!)).toBe(true);
    expect(profile.totalMs).toBeGreaterThan(0);
    expect(profile.layers.map((layer) => layer.layer)).toEqual([...LAYERS]);
    const shares = profile.layers.reduce((sum, layer) => sum + layer.share, 0);
    // Every busy sample lands in exactly one layer (unless the window caught no busy sample at all).
    if (profile.totalMs > profile.idleMs) expect(shares).toBeCloseTo(1, 5);
  });

  it('renders a section with the targets, every row and the profile', () => {
    const checks = evaluateBrokerTargets(results);
    expect(checks).toHaveLength(4);
    // The async and SYNC_FLUSH targets read the sustained rows, the SYNC_FLUSH one paired round by round.
    expect(checks[0]!.cases).toEqual([SUSTAINED_ASYNC_CASE]);
    expect(checks[1]!.cases).toEqual([SUSTAINED_SYNC_CASE, SUSTAINED_ASYNC_CASE]);
    expect(checks[1]!.measured).toMatch(/^[\d.]+% \(per round: [\d.]+%; geometric mean\)$/);
    for (const check of checks) expect(check.pass).toEqual(expect.any(Boolean));
    const section = renderBrokerSection(results, checks);
    expect(section).toMatch(/^## Broker \(`npm run bench:broker`\)/);
    expect(section).toContain('quick (smoke) mode');
    // The run probed the CPU's speed at its start and end (cpu-probe.ts), and the machine line says so.
    expect(section).toMatch(/CPU speed probe \(.*\): [0-9,]+ at the start, [0-9,]+ at the end\./);
    // The spec runs under jest, without the npm script's heap flag: the section says so.
    expect(section).toContain('**Bench process heap:** V8 defaults (`npm run bench:broker`');
    expect(section).toContain('### Consume');
    expect(section).toContain('### End-to-end latency');
    expect(section).toContain('Idle bystander: longest stall / steal');
    expect(section).toContain('| Layer | Share of busy time | µs per message |');
    for (const send of results.sends) {
      const flush = send.send.flush === 'ASYNC_FLUSH' ? 'async' : 'sync';
      const body =
        `${send.send.bodyBytes === 1024 ? '1 KiB' : '128 B'}${send.send.withoutUniqKey ? ' without `UNIQ_KEY` (diagnostic)' : ''}` +
        `${send.send.jsonHeaders ? ', JSON headers (diagnostic)' : ''}${send.send.sustained ? ', sustained' : ''}`;
      expect(section).toContain(`| ${flush} | ${body} | ${send.send.inFlight} | ${send.send.batch} |`);
    }
    expect(section).toMatch(/Sustained windows, round by round: async 1 KiB 256 in flight, sustained over one segment: [\d.]+ MiB in [\d.]+ s; sync /);
    // Rounds a segment pre-fill overlapped are marked, and the footnote says what the mark means.
    expect(section).toContain("‡: the broker pre-filled its next commit-log segment");
    // The broker's main-thread CPU with / without UNIQ_KEY, paired round by round (one round here).
    expect(section).toMatch(/with \/ without it, round by round: [\d.]+ µs \/ [\d.]+ µs; carrying and indexing it is -?[\d.]+% of that thread's CPU per message \(geometric mean/);
    // What JSON headers (Java clients, ali-ons) cost against the binary ones every other row sends.
    expect(section).toMatch(/with JSON headers, the encoding Java clients \(by default\) and ali-ons send: it carried [\d.]+% of the headline row's messages per second/);
  });
});

describe('profile cutting and layers', () => {
  // A hand-made profile: root → a remoting frame → a native call; root → GC; root → idle.
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '' }, children: [2, 4, 5] },
      { id: 2, callFrame: { functionName: 'transmit', url: `file://${REPO_ROOT}/packages/remoting/src/tcp/tcp-channel.ts` }, children: [3] },
      { id: 3, callFrame: { functionName: 'writev', url: '' } },
      { id: 4, callFrame: { functionName: '(garbage collector)', url: '' } },
      { id: 5, callFrame: { functionName: '(idle)', url: '' } },
    ],
    startTime: 1_000,
    endTime: 1_600,
    samples: [3, 3, 4, 5, 2, 3],
    timeDeltas: [100, 100, 100, 100, 100, 100],
  };

  it('keeps only the samples inside the window', () => {
    const { profile: cut, trimmed } = trimProfile(profile, 1_250, 1_450);
    expect(trimmed).toBe(true);
    expect(cut.samples).toEqual([4, 5]);
    expect(trimProfile(profile, 5_000, 6_000)).toEqual({ profile, trimmed: false });
  });

  it('charges natives to the innermost frame of our packages and leaves idle out of the shares', () => {
    const { layers, idleMs, busyMs } = layerShares(profile);
    expect(idleMs).toBeCloseTo(0.1);
    expect(busyMs).toBeCloseTo(0.5);
    const share = (name: string): number => layers.find((layer) => layer.layer === name)!.share;
    expect(share('remoting: transport and dispatch')).toBeCloseTo(0.8);
    expect(share('GC')).toBeCloseTo(0.2);
  });
});

describe('parseBrokerArgs', () => {
  it('writes docs/benchmarks.md and profiles only on a full run', () => {
    expect(parseBrokerArgs([])).toEqual({ config: BROKER_FULL_CONFIG, out: path.join(REPO_ROOT, 'docs', 'benchmarks.md') });
    expect(parseBrokerArgs(['--quick'])).toEqual({ config: BROKER_QUICK_CONFIG, out: undefined });
    expect(parseBrokerArgs(['--no-write']).out).toBeUndefined();
    expect(parseBrokerArgs(['--no-profile']).config.profileCase).toBeUndefined();
    expect(parseBrokerArgs(['--quick', '--profile']).config.profileCase).toEqual(HEADLINE_CASE);
    expect(parseBrokerArgs(['--profile-batch']).config.profileCase).toEqual(BATCH_TARGET_CASE);
    expect(BROKER_FULL_CONFIG.sends).toContainEqual(BATCH_TARGET_CASE);
  });

  it('reads the flags and rejects unknown ones', () => {
    expect(parseBrokerArgs(['--duration', '2', '--rounds', '3']).config).toMatchObject({ durationMs: 2000, rounds: 3 });
    expect(() => parseBrokerArgs(['--rounds', '0'])).toThrow(BrokerUsageError);
    expect(() => parseBrokerArgs(['--bogus'])).toThrow(BrokerUsageError);
  });
});
