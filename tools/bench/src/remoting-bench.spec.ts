import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import { REMOTING_FULL_CONFIG, REMOTING_QUICK_CONFIG, RemotingUsageError, parseRemotingArgs } from './remoting-bench-config';
import { evaluateRemotingTarget, renderRemotingSection } from './remoting-bench-report';
import { runRemotingBench } from './remoting-bench-run';
import type { RemotingBenchResults } from './remoting-bench-run';

// A smoke test: every transport runs end to end for a few milliseconds and the report is well-formed.
// Nothing here asserts a speed; that is what `npm run bench:remoting` is for.
describe('remoting bench (tiny run)', () => {
  let results: RemotingBenchResults;

  beforeAll(async () => {
    results = await runRemotingBench({ ...REMOTING_QUICK_CONFIG, warmupMs: 20, durationMs: 80, inFlight: [1, 64] });
  }, 60_000);

  it('measures every transport at every in-flight level', () => {
    expect(results.scenarios.map((s) => `${s.transport}/${s.inFlight}`)).toEqual([
      'bare-echo/1',
      'pulsejet-tcp/1',
      'pulsejet-tcp-json/1',
      'pulsejet-inprocess/1',
      'bare-echo/64',
      'pulsejet-tcp/64',
      'pulsejet-tcp-json/64',
      'pulsejet-inprocess/64',
    ]);
    for (const scenario of results.scenarios) {
      expect(scenario.roundTripsPerSecond).toBeGreaterThan(0);
      expect(scenario.latencyUs.samples).toBeGreaterThan(0);
    }
  });

  it('renders a section with the target row and the table', () => {
    const check = evaluateRemotingTarget(results);
    expect(check.pass).toEqual(expect.any(Boolean));
    const section = renderRemotingSection(results, check);
    expect(section).toMatch(/^## Remoting \(`npm run bench:remoting`\)/);
    expect(section).toContain('quick (smoke) mode');
    // The run probed the CPU's speed at its start and end (cpu-probe.ts), and the machine line says so.
    expect(section).toMatch(/CPU speed probe \(.*\): [0-9,]+ at the start, [0-9,]+ at the end\./);
    expect(section).toContain("| Pulsejet `TcpRemotingClient` → `TcpRemotingServer`, binary headers (Pulsejet clients' default) | 64 |");
    expect(section).toContain('| Pulsejet `TcpRemotingClient` → `TcpRemotingServer`, JSON headers (as Java clients and ali-ons send) | 64 |');
    expect(section).toMatch(/\| binary \(ROCKETMQ\) \| [\d.]+ µs \|/);
    // The target's share is paired round by round (one round here: its own ratio); JSON's is shown beside it.
    expect(check.measured).toMatch(/^[\d.]+% \(per round: [\d.]+%; geometric mean; medians [\d,]+ and [\d,]+ round trips\/s; with JSON headers \(Java clients, ali-ons\) [\d.]+%\)$/);
  });
});

describe('parseRemotingArgs', () => {
  it('writes docs/benchmarks.md only on a full run', () => {
    expect(parseRemotingArgs([])).toEqual({ config: REMOTING_FULL_CONFIG, out: path.join(REPO_ROOT, 'docs', 'benchmarks.md') });
    expect(parseRemotingArgs(['--quick']).out).toBeUndefined();
    expect(parseRemotingArgs(['--only', 'pulsejet-tcp']).out).toBeUndefined();
    expect(parseRemotingArgs(['--no-write']).out).toBeUndefined();
  });

  it('reads the flags and rejects unknown ones', () => {
    const { config } = parseRemotingArgs(['--duration', '2', '--rounds', '5', '--in-flight', '1,8', '--only', 'bare-echo,pulsejet-tcp']);
    expect(config).toMatchObject({ durationMs: 2000, rounds: 5, inFlight: [1, 8], transports: ['bare-echo', 'pulsejet-tcp'] });
    expect(() => parseRemotingArgs(['--only', 'carrier-pigeon'])).toThrow(RemotingUsageError);
    expect(() => parseRemotingArgs(['--bogus'])).toThrow(RemotingUsageError);
  });
});
