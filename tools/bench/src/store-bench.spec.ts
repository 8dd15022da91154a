import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QUICK_CONFIG, REPO_ROOT, UsageError, parseArgs, type StoreBenchConfig } from './bench-config';
import { replaceSection, sectionMarkers } from './docs-section';
import { putLabel } from './put-bench';
import { renderStoreSection } from './report';
import type { StoreBenchResults } from './results';
import { putScenarios, runStoreBench } from './run-store-bench';
import { evaluateTargets } from './targets';

const MIB = 1024 * 1024;

// A smoke test: every scenario runs end to end with tiny counts, and the results are well-formed.
// Nothing here asserts a speed; that is what `npm run bench:store` is for.
describe('store bench (tiny run)', () => {
  let workDir: string;
  let config: StoreBenchConfig;
  let results: StoreBenchResults;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-bench-spec-'));
    config = {
      ...QUICK_CONFIG,
      workDir,
      warmupMs: 30,
      durationMs: 120,
      putRounds: 1,
      putSegmentBytes: 8 * MIB,
      settleQuietMs: 50,
      readMessages: 3000,
      recoveryLogBytes: 12 * MIB,
      recoverySegmentBytes: 8 * MIB,
      recoveryWriters: 16,
      rawFileBytes: 4 * MIB,
      rawFsyncSamples: 20,
      newDataBytes: 12 * MIB,
    };
    results = await runStoreBench(config);
  }, 60_000);

  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('measures every put scenario', () => {
    expect(results.puts.map((put) => put.label)).toEqual(putScenarios(config).map(putLabel));
    expect(results.puts).toHaveLength(11);
    for (const put of results.puts) {
      expect(put.messages).toBeGreaterThan(0);
      expect(put.messagesPerSecond).toBeGreaterThan(0);
      expect(put.logMBps).toBeGreaterThan(0);
      expect(put.recordBytes).toBeGreaterThan(put.scenario.bodySize);
      expect(put.latency.p50).toBeGreaterThan(0);
      if (put.scenario.flushDiskType === 'SYNC_FLUSH') expect(put.fsyncsPerSecond).toBeGreaterThan(0);
      else expect(put.fsyncsPerSecond).toBeUndefined();
    }
  });

  it('measures the raw disk', () => {
    const raw = results.raw!;
    for (const mbps of [raw.prewrittenWriteMBps, raw.growingWriteMBps, raw.firstGrowingWriteMBps, raw.durableWriteMBps]) expect(mbps).toBeGreaterThan(0);
    for (const latency of [raw.fdatasyncPrewritten, raw.fdatasyncGrowing, raw.fdatasyncPrewrittenAsync]) {
      expect(latency.samples).toBe(20);
      expect(latency.p99).toBeGreaterThanOrEqual(latency.p50);
    }
  });

  it('writes the same new data with a bare loop and with the store, and times each at every sixth', () => {
    const data = results.newData!;
    expect(data.bytes).toBe(12 * MIB);
    for (const steps of [data.rawStepsMBps, data.storeStepsMBps]) {
      expect(steps).toHaveLength(6);
      for (const rate of steps) expect(rate).toBeGreaterThan(0);
    }
    expect(data.rawTailMBps).toBeGreaterThan(0);
    expect(data.storeTailMBps).toBeGreaterThan(0);
    // Both files are gone afterwards: the comparison leaves no gigabytes behind.
    expect(fs.readdirSync(path.join(workDir, 'new-data'))).toEqual([]);
  });

  it('reads the queue with each batch size', () => {
    expect(results.reads!.results.map((read) => read.maxMsgNums)).toEqual([32, 1024]);
    for (const read of results.reads!.results) {
      expect(read.messagesPerSecond).toBeGreaterThan(0);
      expect(read.messagesPerCall).toBeGreaterThan(1);
    }
  });

  it('recovers a store killed while writing, in fresh processes', () => {
    const recovery = results.recovery!;
    expect(recovery.fill.logBytes).toBeGreaterThanOrEqual(12 * MIB);
    expect(recovery.fill.peakRss).toBeGreaterThan(0);
    for (const open of [recovery.afterKill, recovery.withoutCheckpoint]) {
      expect(open.report.crashed).toBe(true);
      expect(open.report.logEnd).toBeGreaterThanOrEqual(recovery.fill.logBytes);
      expect(open.messages).toBeGreaterThanOrEqual(recovery.fill.messages);
      expect(open.openMs).toBeGreaterThan(0);
      expect(open.peakRss).toBeGreaterThan(0);
    }
    expect(recovery.withoutCheckpoint.report.scannedFrom).toBe(0);
  });

  it('checks every target and renders the report', () => {
    const checks = evaluateTargets(results);
    expect(checks).toHaveLength(7);
    for (const check of checks) expect(typeof check.pass).toBe('boolean');
    const section = renderStoreSection(results, checks);
    expect(section).toMatch(/^## Store/);
    expect(section).toContain('quick (smoke) mode');
    // The run probed the CPU's speed at its start and end (cpu-probe.ts), and the machine line says so.
    expect(section).toMatch(/CPU speed probe \(.*\): [0-9,]+ at the start, [0-9,]+ at the end\./);
    for (const heading of ['### Targets', '### Raw disk', '### New data, sustained', '### Puts', '### Reads', '### Recovery after a kill']) expect(section).toContain(heading);
    expect(section.match(/^\| (async|sync) \|/gm)).toHaveLength(11);
  });
});

describe('docs section', () => {
  const { begin, end } = sectionMarkers('store');

  it('creates the document with a header', () => {
    const doc = replaceSection(undefined, 'store', '## Store\nfigures');
    expect(doc).toMatch(/^# Benchmarks/);
    expect(doc).toContain(`${begin}\n## Store\nfigures\n${end}`);
  });

  it('replaces only its own section', () => {
    const other = `${sectionMarkers('client').begin}\nclient figures\n${sectionMarkers('client').end}`;
    const doc = `# Benchmarks\n\nintro\n\n${begin}\nold\n${end}\n\n${other}\n`;
    const next = replaceSection(doc, 'store', 'new');
    expect(next).toBe(`# Benchmarks\n\nintro\n\n${begin}\nnew\n${end}\n\n${other}\n`);
  });

  it('keeps replacement-pattern characters of the body literally', () => {
    expect(replaceSection(`${begin}\nold\n${end}\n`, 'store', "run --match '^a$' and $&")).toBe(`${begin}\nrun --match '^a$' and $&\n${end}\n`);
  });

  it('appends its section to a document without one', () => {
    expect(replaceSection('# Benchmarks\n', 'store', 'new')).toBe(`# Benchmarks\n\n${begin}\nnew\n${end}\n`);
  });
});

describe('parseArgs', () => {
  it('writes docs on a full run only', () => {
    expect(parseArgs([]).out).toBe(path.join(REPO_ROOT, 'docs', 'benchmarks.md'));
    expect(parseArgs(['--quick']).out).toBeUndefined();
    expect(parseArgs(['--only', 'reads']).out).toBeUndefined();
    expect(parseArgs(['--profile', 'tmp/prof']).out).toBeUndefined();
    expect(parseArgs(['--quick', '--out', 'x.md']).out).toBe(path.resolve('x.md'));
  });

  it('reads durations and rounds', () => {
    const { config } = parseArgs(['--duration', '2.5', '--rounds', '1']);
    expect(config.durationMs).toBe(2500);
    expect(config.putRounds).toBe(1);
  });

  it('rejects unknown flags with the usage text', () => {
    expect(() => parseArgs(['--fast'])).toThrow(UsageError);
    expect(() => parseArgs(['--only', 'disk'])).toThrow(/usage/);
  });
});
