import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PEERS_QUICK_CONFIG, PeersUsageError, parsePeersArgs } from './peers-bench-config';
import type { PeersBenchConfig } from './peers-bench-config';
import { IdTracker, bodyId, bodySentAt, makeBody, publishIntegrity } from './peers-bench-ids';
import { renderPeersSvg } from './peers-bench-plot';
import { streamEntries } from './peers-bench-redis';
import { comparePeers, renderPeersSection } from './peers-bench-report';
import { SCENARIOS, runPeersBench } from './peers-bench-run';
import type { PeersBenchResults } from './peers-bench-run';
import { processTree, stillRunning } from './peers-bench-processes';
import { EPMD_EXECUTABLE } from './peers-bench-rabbitmq-server';
import { findExecutable, startServer, startedProcesses, stopServer } from './peers-bench-server';
import { PEER_PACKAGES, allTargets } from './peers-bench-targets';

describe('peers bench: ids in bodies and the loss / duplicate check', () => {
  it('round-trips the send time and id through a body of the asked size', () => {
    const body = makeBody(128, 4242, 1234.5);
    expect(body).toHaveLength(128);
    expect(bodyId(body)).toBe(4242);
    expect(bodySentAt(body)).toBe(1234.5);
    expect(() => makeBody(8, 1)).toThrow(RangeError);
  });

  it('counts ids never seen as lost and repeated or unknown ids as duplicated', () => {
    const tracker = new IdTracker(5);
    for (const id of [0, 1, 1, 3, 9]) tracker.record(id);
    expect(tracker.received).toBe(3);
    expect(tracker.integrity()).toEqual({ expected: 5, lost: 2, duplicated: 2 });
  });

  it('flags a publish whose server holds fewer or more messages than were acked', () => {
    const acked = new IdTracker(3);
    for (const id of [0, 1, 2]) acked.record(id);
    expect(publishIntegrity(acked, 3)).toEqual({ expected: 3, lost: 0, duplicated: 0 });
    expect(publishIntegrity(acked, 2)).toEqual({ expected: 3, lost: 1, duplicated: 0 });
    expect(publishIntegrity(acked, 4)).toEqual({ expected: 3, lost: 0, duplicated: 1 });
  });

  it('reads XREADGROUP replies in both RESP2 and RESP3 shapes', () => {
    const entry: [Buffer, Buffer[]] = [Buffer.from('1-0'), [Buffer.from('b'), Buffer.from('x')]];
    expect(streamEntries([[Buffer.from('s'), [entry]]])).toEqual([entry]);
    expect(streamEntries([Buffer.from('s'), [entry]])).toEqual([entry]);
    expect(streamEntries(null)).toEqual([]);
  });
});

describe('peers bench: flags', () => {
  it('parses --quick, --only, --rounds and --no-install, and rejects unknown flags', () => {
    const cli = parsePeersArgs(['--quick', '--only', 'redis-always,pulsejet-tcp-sync', '--rounds', '2', '--no-install']);
    expect(cli.config).toMatchObject({ quick: true, only: ['redis-always', 'pulsejet-tcp-sync'], rounds: 2, install: false });
    expect(cli.out).toBeUndefined();
    expect(parsePeersArgs([]).out).toMatch(/docs[/\\]benchmarks\.md$/);
    expect(() => parsePeersArgs(['--bogus'])).toThrow(PeersUsageError);
  });
});

// What RabbitMQ's start does (a script that runs a VM that runs helpers in sessions of their own),
// with sh and sleep, so it runs everywhere: stopping the server stops the helpers too, by pid.
describe('peers bench: a stopped server takes the processes it started with it', () => {
  it('kills, by pid, descendants that left for a session of their own and ignore SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-peers-bench-tree-'));
    const marker = path.join(dir, 'started');
    try {
      const script = `setsid sh -c 'trap "" TERM; sleep 300' & sleep 300 & echo > '${marker}'; wait`;
      const server = await startServer('tree', '/bin/sh', ['-c', script], () => Promise.resolve(fs.existsSync(marker)), 30_000);
      const commands = (): string[] => server.descendants.map((d) => d.command).sort();
      const expected = ['sh', 'sleep', 'sleep'];
      try {
        const deadline = Date.now() + 30_000;
        // Ready once the marker is written; the grandchildren may take a moment more to exist, and
        // a forked child goes by its parent's name (sh) until it has exec'd sleep.
        while (commands().join() !== expected.join() && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          server.descendants = processTree(server.pid);
        }
        expect(commands()).toEqual(expected);
        expect(server.descendants.every(stillRunning)).toBe(true);
      } finally {
        // Also when an expectation failed: the tree must not outlive the test (the last test of this
        // file checks that no process the bench started is left).
        await stopServer(server, 10_000, 500);
      }
      expect(server.child.exitCode !== null || server.child.signalCode !== null).toBe(true);
      expect(server.descendants.filter(stillRunning)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

// The run's bookkeeping on this machine regardless of what is installed: a target whose server is
// missing (what CI sees for every peer) and one whose start fails are reported with their reason.
describe('peers bench: systems that cannot run are reported, not dropped', () => {
  it('records an uninstalled peer as not run and a failing one as failed, with no rows', async () => {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-peers-bench-fake-'));
    try {
      const base = { system: 'Redis' as const, durability: 'fsync' as const, durabilityNote: 'n/a' };
      const results = await runPeersBench({ ...PEERS_QUICK_CONFIG, workDir, install: false, quietWaitMs: 0 }, () => undefined, [
        { ...base, id: 'missing', label: 'Missing', unavailable: () => 'fake-server is not installed (Debian package fake)', start: () => Promise.reject(new Error('must not start')) },
        { ...base, id: 'broken', label: 'Broken', unavailable: () => undefined, start: () => Promise.reject(new Error('port in use\nmore detail')) },
      ]);
      expect(results.targets.map((t) => [t.id, t.status, t.reason])).toEqual([
        ['missing', 'unavailable', 'fake-server is not installed (Debian package fake)'],
        ['broken', 'failed', 'port in use'],
      ]);
      expect(results.rows).toEqual([]);
      const section = renderPeersSection(results, undefined);
      expect(section).toContain('**not run here:** fake-server is not installed');
      expect(section).toContain('**Bench process heap:** V8 defaults (`npm run bench:peers`');
      expect(section).toContain('🔴 **failed:** port in use');
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });
});

// The whole bench, tiny: Pulsejet's three configurations always run (they need nothing but this
// repository); each peer runs when its server is installed on this machine and is otherwise reported
// as not run, with the reason in the report. CI installs only npm packages, so there the peers'
// rows are the "not installed" path; on a machine with redis-server / nats-server they run for real.
describe('peers bench (tiny run: Pulsejet always, each peer whose server is installed)', () => {
  let workDir: string;
  let config: PeersBenchConfig;
  let results: PeersBenchResults;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-peers-bench-spec-'));
    config = {
      ...PEERS_QUICK_CONFIG,
      workDir,
      bodySizes: [128],
      backlog: 400,
      singleMessages: 200,
      warmupMessages: 100,
      e2eRate: 200,
      e2eWarmupMs: 100,
      e2eDurationMs: 400,
      rounds: 1,
      install: false,
      segmentBytes: 8 * 1024 * 1024,
      quietWaitMs: 0,
    };
    results = await runPeersBench(config);
  }, 300_000);

  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  const installed = (executable: string): boolean => findExecutable(executable) !== undefined;

  it('runs every Pulsejet configuration (embedded, standalone async and sync flush, master + sync slave) through every scenario with nothing lost or duplicated', () => {
    const pulsejet = results.targets.filter((t) => t.system === 'Pulsejet');
    expect(pulsejet.map((t) => `${t.id} ${t.status} ${t.reason ?? ''}`.trim())).toEqual(['pulsejet-embedded-async ran', 'pulsejet-tcp-async ran', 'pulsejet-tcp-sync ran', 'pulsejet-pair-sync ran']);
    for (const target of pulsejet) {
      const rows = results.rows.filter((r) => r.targetId === target.id);
      expect(rows.map((r) => r.scenario)).toEqual([...SCENARIOS]);
      for (const row of rows) {
        expect(row.integrity).toEqual({ expected: expect.any(Number), lost: 0, duplicated: 0 });
        expect(row.integrity.expected).toBeGreaterThan(0);
        if (row.scenario === 'e2e') expect(row.latency!.samples).toBeGreaterThan(0);
        else expect(row.messagesPerSecond).toBeGreaterThan(0);
      }
    }
  });

  it('runs each peer whose server is installed, and reports the others as not installed', () => {
    const peers = results.targets.filter((t) => t.system !== 'Pulsejet');
    expect(peers.map((t) => t.id)).toEqual(['redis-everysec', 'redis-always', 'nats-js-file', 'rabbitmq-classic', 'rabbitmq-quorum']);
    const executables = { Redis: [PEER_PACKAGES[0].executable], NATS: [PEER_PACKAGES[1].executable], RabbitMQ: [PEER_PACKAGES[2].executable, EPMD_EXECUTABLE] };
    for (const target of peers) {
      if (target.system === 'Pulsejet') continue;
      const missing = executables[target.system].find((e) => !installed(e));
      if (missing === undefined) {
        expect(`${target.id} ${target.status} ${target.reason ?? ''}`.trim()).toBe(`${target.id} ran`);
        const rows = results.rows.filter((r) => r.targetId === target.id);
        expect(rows.map((r) => r.scenario)).toEqual([...SCENARIOS]);
        for (const row of rows) expect([row.integrity.lost, row.integrity.duplicated]).toEqual([0, 0]);
      } else {
        expect(target.status).toBe('unavailable');
        expect(target.reason).toContain(`${missing} is not installed`);
      }
    }
  });

  it('leaves no process of any peer running: servers and what they started themselves (RabbitMQ: its script, beam.smp, erl_child_setup, inet_gethost, our epmd)', () => {
    const seen = startedProcesses();
    expect(seen.filter(stillRunning)).toEqual([]);
    if (results.targets.some((t) => t.system === 'RabbitMQ' && t.status === 'ran')) {
      expect(seen.map((p) => p.command)).toEqual(expect.arrayContaining(['rabbitmq-server', 'beam.smp', 'erl_child_setup', 'epmd']));
    }
  });

  it('labels every configuration with its durability', () => {
    const durability = Object.fromEntries(allTargets(config).map((t) => [t.id, t.durability]));
    expect(durability).toEqual({
      'pulsejet-embedded-async': 'page-cache',
      'pulsejet-tcp-async': 'page-cache',
      'pulsejet-tcp-sync': 'fsync',
      'pulsejet-pair-sync': 'replicated',
      'redis-everysec': 'page-cache',
      'redis-always': 'fsync',
      'nats-js-file': 'page-cache',
      'rabbitmq-classic': 'fsync',
      'rabbitmq-quorum': 'fsync',
    });
  });

  it('renders the section (durability, ratios against peers that ran, integrity) and the plot', () => {
    const section = renderPeersSection(results, 'benchmarks-peers.svg');
    expect(section).toContain('fsync before ack');
    expect(section).toContain('none lost, none duplicated');
    expect(section).toContain('](benchmarks-peers.svg)');
    for (const target of results.targets.filter((t) => t.status === 'unavailable')) expect(section).toContain(`**not run here:** ${target.reason!}`);
    const ranPeers = results.targets.filter((t) => t.status === 'ran' && t.system !== 'Pulsejet');
    const comparisons = comparePeers(results);
    // One comparison per scenario for each durability some installed peer gives.
    expect(comparisons).toHaveLength(new Set(ranPeers.map((t) => t.durability)).size * SCENARIOS.length);
    for (const c of comparisons) expect(c.ratio).toBeGreaterThan(0);
    const svg = renderPeersSvg(results);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Pulsejet standalone (SYNC_FLUSH)');
  });

  it('shows lost and duplicated messages in red in the table and the plot', () => {
    const lossy: PeersBenchResults = {
      ...results,
      rows: results.rows.map((r, i) => (i === 0 ? { ...r, integrity: { ...r.integrity, lost: 3, duplicated: 1 } } : r)),
    };
    const section = renderPeersSection(lossy, undefined);
    expect(section).toContain('🔴 **lost 3, duplicated 1**');
    expect(section).toContain('🔴 **Integrity: messages lost or duplicated**');
    expect(renderPeersSvg(lossy)).toContain('LOST/DUPLICATED');
  });
});
