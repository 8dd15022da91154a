import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import { FlagReader } from './flag-reader';

/** The request code the benchmark servers answer by echoing the body. */
export const BENCH_ECHO_CODE = 9001;

/**
 * 'pulsejet-tcp' sends binary ROCKETMQ headers, as Pulsejet's clients do by default
 * (ClientInstanceOptions.serializeType); 'pulsejet-tcp-json' the JSON headers Java clients and ali-ons send.
 */
export type BenchTransport = 'bare-echo' | 'pulsejet-tcp' | 'pulsejet-tcp-json' | 'pulsejet-inprocess';
export const BENCH_TRANSPORTS: readonly BenchTransport[] = ['bare-echo', 'pulsejet-tcp', 'pulsejet-tcp-json', 'pulsejet-inprocess'];

/** What one run of the remoting benchmark measures, and for how long. */
export interface RemotingBenchConfig {
  /** A smoke run: its figures are labelled as not meaningful. */
  quick: boolean;
  /** Unmeasured time before each window, ms (JIT warm-up, socket buffers grown). */
  warmupMs: number;
  /** Measured window of each scenario, ms. */
  durationMs: number;
  /** Rounds over all scenarios, interleaved so hiccups hit different rows; the median is reported. */
  rounds: number;
  /** Body size of every request and response, bytes. */
  bodyBytes: number;
  /** Requests in flight per scenario: one at a time, and as many as a busy client keeps. */
  inFlight: number[];
  /** Transports to measure (the target needs 'bare-echo' and 'pulsejet-tcp'). */
  transports: BenchTransport[];
  /** Write CPU profiles of the server child here (run the bench itself under --cpu-prof for the client). */
  profileDir: string | undefined;
}

export const REMOTING_FULL_CONFIG: RemotingBenchConfig = {
  quick: false,
  warmupMs: 1000,
  durationMs: 3000,
  // Seven: the target is a ratio of two 3 s windows, and on this host the same window's rate moves
  // by a fifth between rounds (echo rounds 384-486k at 15:18); pairedRatio trims from five rounds.
  rounds: 7,
  bodyBytes: 1024,
  inFlight: [1, 64],
  transports: [...BENCH_TRANSPORTS],
  profileDir: undefined,
};

export const REMOTING_QUICK_CONFIG: RemotingBenchConfig = { ...REMOTING_FULL_CONFIG, quick: true, warmupMs: 200, durationMs: 500, rounds: 1 };

export interface RemotingCliOptions {
  config: RemotingBenchConfig;
  /** Where to write the markdown section; undefined: print only. */
  out: string | undefined;
}

const USAGE = `usage: npm run bench:remoting -- [--quick] [--duration <s>] [--rounds <n>] [--out <file> | --no-write] [--profile <dir>]
                                   [--only bare-echo,pulsejet-tcp,pulsejet-tcp-json,pulsejet-inprocess] [--in-flight 1,64]
  --quick       smoke run (short windows; does not write docs unless --out is given)
  --duration    measured seconds per scenario (default ${REMOTING_FULL_CONFIG.durationMs / 1000})
  --rounds      rounds over the scenarios, median reported (default ${REMOTING_FULL_CONFIG.rounds})
  --out         markdown file whose remoting section is rewritten (default docs/benchmarks.md on a full run)
  --only        transports to measure (a partial run does not write docs unless --out is given)
  --in-flight   requests in flight per scenario (default ${REMOTING_FULL_CONFIG.inFlight.join(',')})
  --profile     write a .cpuprofile of the server child process into <dir>; for the client side run
                node --cpu-prof --import tsx tools/bench/src/remoting-bench.ts`;

export class RemotingUsageError extends Error {
  constructor(
    message: string,
    readonly help = false,
  ) {
    super(message);
  }
}

export function parseRemotingArgs(argv: readonly string[]): RemotingCliOptions {
  let config = REMOTING_FULL_CONFIG;
  let out: string | undefined;
  let write = true;
  let partial = false;
  const overrides: Partial<RemotingBenchConfig> = {};
  const args = new FlagReader(argv, (message) => new RemotingUsageError(`${message}\n${USAGE}`));
  for (let flag = args.next(); flag !== undefined; flag = args.next()) {
    if (flag === '--help' || flag === '-h') throw new RemotingUsageError(USAGE, true);
    else if (flag === '--quick') config = REMOTING_QUICK_CONFIG;
    else if (flag === '--duration') overrides.durationMs = args.positive(args.value()) * 1000;
    else if (flag === '--rounds') overrides.rounds = Math.round(args.positive(args.value()));
    else if (flag === '--out') out = path.resolve(args.value());
    else if (flag === '--no-write') write = false;
    else if (flag === '--profile') overrides.profileDir = path.resolve(args.value());
    else if (flag === '--only') {
      const names = args.value().split(',');
      const unknown = names.filter((name) => !(BENCH_TRANSPORTS as readonly string[]).includes(name));
      if (unknown.length > 0) throw new RemotingUsageError(`unknown transport ${unknown.join(', ')}\n${USAGE}`);
      overrides.transports = names as BenchTransport[];
      partial = true;
    } else if (flag === '--in-flight') {
      overrides.inFlight = args.value().split(',').map((n) => Math.round(args.positive(n)));
      partial = true;
    }
    else throw new RemotingUsageError(`unknown flag ${flag}\n${USAGE}`);
  }
  const merged = { ...config, ...overrides };
  if (out === undefined && write && !merged.quick && !partial) out = path.join(REPO_ROOT, 'docs', 'benchmarks.md');
  return { config: merged, out: write ? out : undefined };
}
