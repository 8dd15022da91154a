import * as path from 'node:path';
import { FlagReader } from './flag-reader';

/** Repository root (tools/bench/src -> ../../..), where tmp/ and docs/ live. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** What one run of the store benchmark measures, and for how long. */
export interface StoreBenchConfig {
  /** A smoke run: its figures are labelled as not meaningful. */
  quick: boolean;
  /** Each scenario gets a fresh directory under this one (same filesystem as the raw-disk figures). */
  workDir: string;
  /** Unmeasured time before each put scenario's window, ms (JIT warm-up, first pages touched). */
  warmupMs: number;
  /** Measured window of each put and read scenario, ms. */
  durationMs: number;
  /** Message body sizes of the put scenarios, bytes. */
  bodySizes: number[];
  asyncWriters: number[];
  syncWriters: number[];
  /** Rounds over all put (and read) scenarios, interleaved so hiccups hit different rows; the median is reported. */
  putRounds: number;
  /**
   * Commit-log segment size for put scenarios; undefined keeps the store default (1 GiB), whose
   * open-time pre-fill of the next segment the bench waits out before measuring.
   */
  putSegmentBytes: number | undefined;
  /**
   * Before each measured scenario, wait up to this long for other processes to leave the CPU (a busy
   * neighbour on 2 cores halves the store's figures); 0 measures at once. Windows still disturbed are
   * flagged in the report.
   */
  quietWaitMs: number;
  /** Wait for the commit-log directory to stop growing for this long after open (pre-fill done), ms. */
  settleQuietMs: number;
  /** Messages of 128 B in the queue the read scenario walks. */
  readMessages: number;
  /** maxMsgNums of the read scenarios: RocketMQ's default 32 and a large batch. */
  readBatches: number[];
  /** Commit-log bytes the recovery scenario's writer reaches before it is killed. */
  recoveryLogBytes: number;
  recoverySegmentBytes: number;
  recoveryWriters: number;
  /** Raw-disk figures: file size of the buffered-write passes, and fdatasync samples. */
  rawFileBytes: number;
  rawFsyncSamples: number;
  /** New data the bare write loop and the store each write in the sustained comparison (new-data-bench.ts). */
  newDataBytes: number;
  /** Scenario groups to run. */
  groups: ReadonlySet<BenchGroup>;
  /** Write CPU profiles of the measured windows (and of the recovering processes) here. */
  profileDir: string | undefined;
  /** Only put scenarios whose label matches this regular expression (profiling one case). */
  match: string | undefined;
}

export type BenchGroup = 'raw' | 'puts' | 'reads' | 'recovery' | 'newdata';
export const ALL_GROUPS: readonly BenchGroup[] = ['raw', 'puts', 'reads', 'recovery', 'newdata'];

/** The full run, whose figures go into docs/benchmarks.md. */
export const FULL_CONFIG: StoreBenchConfig = {
  quick: false,
  workDir: path.join(REPO_ROOT, 'tmp', 'bench'),
  warmupMs: 1000,
  durationMs: 4000,
  bodySizes: [128, 1024],
  asyncWriters: [1, 64],
  syncWriters: [1, 64, 256],
  // fsync latency on this VM's disk has a long tail (p99 of a few ms, outliers of tens of ms), so one
  // 4 s window of a SYNC_FLUSH row can land 3x off; three interleaved rounds and the median settle it.
  putRounds: 3,
  putSegmentBytes: undefined,
  quietWaitMs: 120_000,
  settleQuietMs: 300,
  readMessages: 1_000_000,
  readBatches: [32, 1024],
  recoveryLogBytes: GIB,
  // 256 MiB segments put 1 GiB in five files, so the fill rolls segments (pre-fill, blank records).
  recoverySegmentBytes: 256 * MIB,
  recoveryWriters: 64,
  rawFileBytes: 256 * MIB,
  rawFsyncSamples: 2000,
  // Past what this VM still has backed after earlier runs freed memory (0.75-4 GiB seen), and under
  // the kernel's dirty limit (20% of memory), so the bare loop is not throttled to the device.
  newDataBytes: 4 * GIB,
  groups: new Set(ALL_GROUPS),
  match: undefined,
  profileDir: undefined,
};

/** A smoke run: every scenario, tiny counts, small segments (a 1 GiB pre-fill per scenario is too slow). */
export const QUICK_CONFIG: StoreBenchConfig = {
  ...FULL_CONFIG,
  quick: true,
  warmupMs: 100,
  durationMs: 400,
  putRounds: 1,
  putSegmentBytes: 16 * MIB,
  quietWaitMs: 0,
  settleQuietMs: 100,
  readMessages: 20_000,
  recoveryLogBytes: 32 * MIB,
  recoverySegmentBytes: 8 * MIB,
  rawFileBytes: 32 * MIB,
  rawFsyncSamples: 200,
  newDataBytes: 48 * MIB,
};

export interface CliOptions {
  config: StoreBenchConfig;
  /** Where to write the markdown section; undefined: print only. */
  out: string | undefined;
}

const USAGE = `usage: npm run bench:store -- [--quick] [--duration <s>] [--rounds <n>] [--dir <path>] [--out <file> | --no-write]
                                [--only raw,puts,reads,recovery,newdata] [--match <put label regexp>] [--profile <dir>]
  --quick       smoke run (tiny counts, small segments; does not write docs unless --out is given)
  --duration    measured seconds per put/read scenario (default ${FULL_CONFIG.durationMs / 1000})
  --rounds      rounds over the put and read scenarios, median reported (default ${FULL_CONFIG.putRounds})
  --dir         work directory (default ${path.relative(REPO_ROOT, FULL_CONFIG.workDir)}, gitignored)
  --out         markdown file whose store section is rewritten (default docs/benchmarks.md on a full run)
  --only        scenario groups to run (a partial run does not write docs unless --out is given)
  --profile     write .cpuprofile files of each measured put/read window and of the recovering processes
                (summarise with: npx tsx tools/bench/src/profile-summary.ts <file> --per <messages>)
  --match       only put scenarios whose label matches this regular expression, e.g. '^async-1KiB-64w$'`;

/** A bad command line (or --help); its message is the problem and the usage text. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** --help was asked for: print the usage and exit 0. */
    readonly help = false,
  ) {
    super(message);
  }
}

/** Parses the command line; throws UsageError on a bad flag. */
export function parseArgs(argv: readonly string[]): CliOptions {
  let quick = false;
  let duration: number | undefined;
  let rounds: number | undefined;
  let dir: string | undefined;
  let out: string | undefined;
  let noWrite = false;
  let only: BenchGroup[] | undefined;
  let match: string | undefined;
  let profileDir: string | undefined;
  const args = new FlagReader(argv, (message) => new UsageError(`${message}\n${USAGE}`));
  for (let flag = args.next(); flag !== undefined; flag = args.next()) {
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--duration':
        duration = Number(args.value());
        if (!(duration > 0)) throw new UsageError(`--duration takes a positive number of seconds\n${USAGE}`);
        break;
      case '--rounds':
        rounds = Number(args.value());
        if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError(`--rounds takes a positive integer\n${USAGE}`);
        break;
      case '--dir':
        dir = path.resolve(args.value());
        break;
      case '--out':
        out = path.resolve(args.value());
        break;
      case '--no-write':
        noWrite = true;
        break;
      case '--only':
        only = args.value().split(',').map((group) => {
          if (!(ALL_GROUPS as readonly string[]).includes(group)) throw new UsageError(`unknown group '${group}'\n${USAGE}`);
          return group as BenchGroup;
        });
        break;
      case '--match':
        match = args.value();
        try {
          new RegExp(match);
        } catch {
          throw new UsageError(`--match takes a regular expression; '${match}' is not one\n${USAGE}`);
        }
        break;
      case '--profile':
        profileDir = path.resolve(args.value());
        break;
      case '--help':
      case '-h':
        throw new UsageError(USAGE, true);
      default:
        throw new UsageError(`unknown flag '${flag}'\n${USAGE}`);
    }
  }
  const base = quick ? QUICK_CONFIG : FULL_CONFIG;
  const config: StoreBenchConfig = {
    ...base,
    ...(duration !== undefined ? { durationMs: duration * 1000 } : {}),
    ...(rounds !== undefined ? { putRounds: rounds } : {}),
    ...(dir !== undefined ? { workDir: dir } : {}),
    ...(only !== undefined ? { groups: new Set(only) } : {}),
    match,
    profileDir,
  };
  // A profiled run is slower, so its figures do not go into the docs either.
  const partial = quick || only !== undefined || match !== undefined || profileDir !== undefined;
  const defaultOut = partial ? undefined : path.join(REPO_ROOT, 'docs', 'benchmarks.md');
  return { config, out: noWrite ? undefined : (out ?? defaultOut) };
}
