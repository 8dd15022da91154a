import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import {
  REPLICATION_FULL_CONFIG,
  REPLICATION_QUICK_CONFIG,
  ReplicationUsageError,
  SYNC_FLUSH_CASE,
  parseReplicationArgs,
  replicationCaseLabel,
} from './replication-bench-config';
import type { ReplicationBenchConfig } from './replication-bench-config';
import { lagPoints, offsetsOf, summariseLag } from './replication-bench-lag';
import type { OffsetSample } from './replication-bench-lag';
import { evaluateReplicationTargets, renderReplicationSection, syncShareOfAsync } from './replication-bench-report';
import { runReplicationBench } from './replication-bench-run';
import type { ReplicationBenchResults } from './replication-bench-run';

// A smoke test: every row runs against a real master and slave (the broker app in two child
// processes) for a few hundred milliseconds; the report has every row and sane values. Nothing
// here asserts a speed; that is what `npm run bench:replication` is for.
describe('replication bench (tiny run against master and slave broker apps)', () => {
  let workDir: string;
  let config: ReplicationBenchConfig;
  let results: ReplicationBenchResults;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-replication-bench-spec-'));
    config = {
      ...REPLICATION_QUICK_CONFIG,
      workDir: path.join(workDir, 'data'),
      brokerWarmupMs: 200,
      warmupMs: 200,
      // Long enough for several lag samples even when a loaded machine slows the sampler down.
      durationMs: 600,
      inFlight: 32,
      queues: 4,
      segmentBytes: 8 * 1024 * 1024,
    };
    results = await runReplicationBench(config);
  }, 300_000);

  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('measures every row with acknowledged sends and a running slave', () => {
    expect(results.rows.map((row) => row.label)).toEqual(REPLICATION_FULL_CONFIG.cases.map(replicationCaseLabel));
    // Rows named in the failure message: an empty window says which pair stalled.
    expect(results.rows.filter((row) => !(row.messagesPerSecond > 0 && row.latencyUs.samples > 0 && row.latencyUs.p50 > 0)).map((row) => row.label)).toEqual([]);
    for (const row of results.rows) {
      expect(row.rounds).toHaveLength(1);
      expect(row.roundLagP99Ms).toHaveLength(1);
      expect(row.roundOtherCpuShares).toHaveLength(1);
      expect(row.latencyUs.p99).toBeGreaterThanOrEqual(row.latencyUs.p50);
      expect(row.masterCpuUs).toBeGreaterThan(0);
      expect(row.slaveCpuUs).toBeGreaterThan(0);
    }
    expect(results.roundRatios).toHaveLength(1);
  });

  it('samples the lag of every row inside its window', () => {
    for (const row of results.rows) {
      const { lag } = row;
      expect(lag.samples).toBeGreaterThan(0);
      expect(lag.p50Ms).toBeGreaterThanOrEqual(0);
      expect(lag.p99Ms).toBeGreaterThanOrEqual(lag.p50Ms);
      expect(lag.maxMs).toBeGreaterThanOrEqual(lag.p99Ms);
      expect(lag.p99Bytes).toBeGreaterThanOrEqual(0);
      expect(lag.roundTripP50Ms).toBeGreaterThan(0);
    }
  });

  it('renders a section with both targets and every row', () => {
    const checks = evaluateReplicationTargets(results);
    expect(checks).toHaveLength(2);
    for (const check of checks) expect(check.pass).toEqual(expect.any(Boolean));
    expect(syncShareOfAsync(results)).toBeGreaterThan(0);
    expect(syncShareOfAsync(results)).toBe(results.roundRatios[0]);
    const section = renderReplicationSection(results, checks);
    expect(section).toMatch(/^## Replication \(`npm run bench:replication`\)/);
    expect(section).toContain('quick (smoke) mode');
    expect(section).toContain('### How the lag is measured');
    expect(section).toContain('| async | ASYNC_FLUSH | ');
    expect(section).toContain('| sync | ASYNC_FLUSH | ');
    expect(section).toContain('| sync (context) | SYNC_FLUSH | ');
    expect(section).toMatch(
      /\| Send throughput, sync replication, ASYNC_FLUSH vs async replication, ASYNC_FLUSH .* \| [\d.]+% \(median of the rounds' own ratios [\d.]+%; medians of the rows: .* = [\d.]+%\) \| ≥ 85% \| \*\*(PASS|MISS)\*\* \|/,
    );
    expect(section).toMatch(/\| Slave replication lag p99 .* \| < 50 ms \| \*\*(PASS|MISS)\*\* \|/);
  });
});

describe('lag from offsets', () => {
  // The master's end grows 1000 bytes per 10 ms; the slave's acknowledged offset trails it.
  const sample = (atMs: number, masterOffset: number, slaveAckOffset: number): OffsetSample => ({ atMs, masterOffset, slaveAckOffset, roundTripMs: 1 });
  const samples = [sample(0, 0, 0), sample(10, 1000, 500), sample(20, 2000, 1500), sample(30, 3000, 3000), sample(40, 4000, 1000)];

  it('converts the slave offset to how long ago the master reached it, interpolating between samples', () => {
    const points = lagPoints(samples, 0, 40);
    // atMs 0: in sync; 10: master reached 500 at 5 ms; 20: reached 1500 at 15 ms; 30: in sync; 40: reached 1000 at 10 ms.
    expect(points.map((point) => point.lagMs)).toEqual([0, 5, 5, 0, 30]);
    expect(points.map((point) => point.lagBytes)).toEqual([0, 500, 500, 0, 3000]);
    expect(points.every((point) => !point.lowerBound)).toBe(true);
  });

  it('reports only the window, keeps earlier samples as the past, and flags lags older than the series', () => {
    expect(lagPoints(samples, 35, 40).map((point) => point.lagMs)).toEqual([30]);
    const late = [sample(0, 5000, 1000), sample(10, 6000, 2000)];
    expect(lagPoints(late, 0, 10)).toEqual([
      { atMs: 0, lagMs: 0, lagBytes: 4000, lowerBound: true },
      { atMs: 10, lagMs: 10, lagBytes: 4000, lowerBound: true },
    ]);
    // No slave yet (-1): no lag point.
    expect(lagPoints([sample(0, 100, -1)], 0, 10)).toEqual([]);
  });

  it('summarises pooled points with quantiles, max, sampling interval and round trip', () => {
    const summary = summariseLag(lagPoints(samples, 0, 40), [samples]);
    expect(summary).toMatchObject({ samples: 5, p50Ms: 5, p99Ms: 30, maxMs: 30, p99Bytes: 3000, lowerBounds: 0, roundTripP50Ms: 1, intervalP50Ms: 10 });
  });

  it('reads the offsets from a master runtime-info table and says what is missing', () => {
    expect(offsetsOf({ commitLogMaxOffset: '4096', haSlaveAckOffset: '1024', haConnectedSlaves: '1' })).toEqual({ masterOffset: 4096, slaveAckOffset: 1024, connectedSlaves: 1 });
    expect(() => offsetsOf({ commitLogMaxOffset: '4096', haSlaveMaxOffset: '1024' })).toThrow(/haSlaveAckOffset/);
  });
});

describe('parseReplicationArgs', () => {
  it('writes docs/benchmarks.md only on a full run', () => {
    expect(parseReplicationArgs([])).toEqual({ config: REPLICATION_FULL_CONFIG, out: path.join(REPO_ROOT, 'docs', 'benchmarks.md') });
    expect(parseReplicationArgs(['--quick'])).toEqual({ config: REPLICATION_QUICK_CONFIG, out: undefined });
    expect(parseReplicationArgs(['--no-write']).out).toBeUndefined();
    // Profiled brokers are slower: such a run never replaces the section.
    expect(parseReplicationArgs(['--profile-dir', 'tmp/p'])).toMatchObject({ config: { profileDir: path.resolve('tmp/p') }, out: undefined });
  });

  it('reads the flags and rejects unknown ones', () => {
    expect(parseReplicationArgs(['--duration', '2', '--rounds', '5']).config).toMatchObject({ durationMs: 2000, rounds: 5 });
    expect(parseReplicationArgs(['--no-sync-flush']).config.cases.map((c) => c.id)).not.toContain(SYNC_FLUSH_CASE.id);
    expect(() => parseReplicationArgs(['--rounds', '0'])).toThrow(ReplicationUsageError);
    expect(() => parseReplicationArgs(['--bogus'])).toThrow(ReplicationUsageError);
  });
});
