// What one run of the replication benchmark measures, and its command line.
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import type { FlushDiskType } from './broker-bench-config';
import { FlagReader } from './flag-reader';

export type MasterRole = 'ASYNC_MASTER' | 'SYNC_MASTER';

/** One row: a master of this role and flush type with one SLAVE (same flush type), loaded alike. */
export interface ReplicationCase {
  id: string;
  role: MasterRole;
  flush: FlushDiskType;
  /** Not part of a target: shown for context (sync replication plus SYNC_FLUSH, the 2m-2s-sync mode). */
  diagnostic?: true;
}

export const ASYNC_CASE: ReplicationCase = { id: 'async', role: 'ASYNC_MASTER', flush: 'ASYNC_FLUSH' };
export const SYNC_CASE: ReplicationCase = { id: 'sync', role: 'SYNC_MASTER', flush: 'ASYNC_FLUSH' };
export const SYNC_FLUSH_CASE: ReplicationCase = { id: 'sync-flush', role: 'SYNC_MASTER', flush: 'SYNC_FLUSH', diagnostic: true };

/** The targets. */
export const REPLICATION_TARGETS = {
  /** Sync replication's send throughput over async replication's, same run (RocketMQ's own figure: about 0.9). */
  syncShareOfAsync: 0.85,
  /** The slave's replication lag under the async load, p99, ms. */
  asyncLagP99Ms: 50,
} as const;

export interface ReplicationBenchConfig {
  /** A smoke run: its figures are labelled as not meaningful. */
  quick: boolean;
  /** Each broker child gets a fresh data directory under this one. */
  workDir: string;
  /** Unmeasured sends right after each pair starts (both brokers' code is cold), ms. */
  brokerWarmupMs: number;
  /** Unmeasured sends before each window (after the slave caught up with the broker warm-up), ms. */
  warmupMs: number;
  /** Measured window per row and round, ms. */
  durationMs: number;
  /** Rounds over all rows (a fresh pair per row and round, rows interleaved); the median is reported. */
  rounds: number;
  queues: number;
  inFlight: number;
  bodyBytes: number;
  cases: ReplicationCase[];
  /** How often the lag sampler asks the master for its runtime info, ms (it waits for each answer). */
  lagSampleIntervalMs: number;
  /** Commit-log segment size of both brokers; undefined keeps the broker's default (1 GiB). */
  segmentBytes: number | undefined;
  /** Before each pair starts, wait up to this long for other processes to leave the CPU; 0 starts at once. */
  quietWaitMs: number;
  /**
   * Run every broker under `node --cpu-prof`, into `<profileDir>/<row>-round<n>/{master,slave}/`
   * (a diagnostic: the profiler slows the brokers, so such a run does not write docs).
   */
  profileDir: string | undefined;
}

const KIB = 1024;

export const REPLICATION_FULL_CONFIG: ReplicationBenchConfig = {
  quick: false,
  workDir: path.join(REPO_ROOT, 'tmp', 'bench-replication'),
  brokerWarmupMs: 4000,
  warmupMs: 1500,
  durationMs: 5000,
  // Three, so the median is a middle round.
  rounds: 3,
  queues: 8,
  inFlight: 256,
  bodyBytes: KIB,
  cases: [ASYNC_CASE, SYNC_CASE, SYNC_FLUSH_CASE],
  lagSampleIntervalMs: 10,
  segmentBytes: undefined,
  quietWaitMs: 60_000,
  profileDir: undefined,
};

export const REPLICATION_QUICK_CONFIG: ReplicationBenchConfig = {
  ...REPLICATION_FULL_CONFIG,
  quick: true,
  workDir: path.join(os.tmpdir(), 'pulsejet-bench-replication'),
  brokerWarmupMs: 500,
  warmupMs: 300,
  durationMs: 1000,
  rounds: 1,
  segmentBytes: 64 * KIB * KIB,
  quietWaitMs: 0,
};

export interface ReplicationCliOptions {
  config: ReplicationBenchConfig;
  /** Where to write the markdown section; undefined: print only. */
  out: string | undefined;
}

const USAGE = `usage: npm run bench:replication -- [--quick] [--duration <s>] [--rounds <n>] [--no-sync-flush] [--out <file> | --no-write]
  --quick          smoke run (short windows, one round; does not write docs unless --out is given)
  --duration       measured seconds per row and round (default ${REPLICATION_FULL_CONFIG.durationMs / 1000})
  --rounds         rounds over the rows, median reported (default ${REPLICATION_FULL_CONFIG.rounds})
  --no-sync-flush  skip the diagnostic SYNC_MASTER + SYNC_FLUSH row
  --profile-dir    run the brokers under node --cpu-prof, profiles into <dir>/<row>-round<n>/{master,slave} (implies --no-write)
  --out            markdown file whose replication section is rewritten (default docs/benchmarks.md on a full run)`;

export class ReplicationUsageError extends Error {
  constructor(
    message: string,
    readonly help = false,
  ) {
    super(message);
  }
}

export function parseReplicationArgs(argv: readonly string[]): ReplicationCliOptions {
  let config = REPLICATION_FULL_CONFIG;
  let out: string | undefined;
  let write = true;
  let syncFlush = true;
  const overrides: Partial<ReplicationBenchConfig> = {};
  const args = new FlagReader(argv, (message) => new ReplicationUsageError(`${message}\n${USAGE}`));
  for (let flag = args.next(); flag !== undefined; flag = args.next()) {
    if (flag === '--help' || flag === '-h') throw new ReplicationUsageError(USAGE, true);
    else if (flag === '--quick') config = REPLICATION_QUICK_CONFIG;
    else if (flag === '--duration') overrides.durationMs = args.positive(args.value()) * 1000;
    else if (flag === '--rounds') overrides.rounds = Math.round(args.positive(args.value()));
    else if (flag === '--no-sync-flush') syncFlush = false;
    else if (flag === '--out') out = path.resolve(args.value());
    else if (flag === '--no-write') write = false;
    else if (flag === '--profile-dir') overrides.profileDir = path.resolve(args.value());
    else throw new ReplicationUsageError(`unknown flag ${flag}\n${USAGE}`);
  }
  const merged: ReplicationBenchConfig = { ...config, ...overrides };
  if (!syncFlush) merged.cases = merged.cases.filter((c) => c.id !== SYNC_FLUSH_CASE.id);
  // Profiled brokers are slower: their figures must not replace the section.
  if (merged.profileDir !== undefined) write = false;
  if (out === undefined && write && !merged.quick) out = path.join(REPO_ROOT, 'docs', 'benchmarks.md');
  return { config: merged, out: write ? out : undefined };
}

/** A row's name in progress lines and the report. */
export function replicationCaseLabel(c: ReplicationCase): string {
  return `${c.role === 'SYNC_MASTER' ? 'sync' : 'async'} replication, ${c.flush}`;
}
