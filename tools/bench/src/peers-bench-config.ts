// Settings of the peers benchmark (`npm run bench:peers`): the full run the docs section reports, a
// --quick smoke run, and the flags.
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import { FlagReader } from './flag-reader';

export interface PeersBenchConfig {
  quick: boolean;
  workDir: string;
  /** Body sizes; every scenario runs at each. */
  bodySizes: number[];
  /** The batched publish writes this many messages; the consume row drains them (the backlog). */
  backlog: number;
  /** Single-message publishes per round. */
  singleMessages: number;
  singleInFlight: number;
  batchSize: number;
  batchInFlight: number;
  e2eRate: number;
  e2eWarmupMs: number;
  e2eDurationMs: number;
  /** Messages of an unmeasured warm-up (publish, consume, e2e) per system before the first run (0: none). */
  warmupMessages: number;
  /** Runs of every scenario per system; medians reported. */
  rounds: number;
  /** Target ids to run (undefined: all); see peers-bench-targets.ts. */
  only: string[] | undefined;
  /** Install missing Debian packages of the peers with apt-get (as root). */
  install: boolean;
  queues: number;
  segmentBytes: number;
  pullBatch: number;
  /** Wait up to this long for a quiet machine before each system (0: don't). */
  quietWaitMs: number;
}

const KIB = 1024;

export const PEERS_FULL_CONFIG: PeersBenchConfig = {
  quick: false,
  workDir: path.join(os.tmpdir(), 'pulsejet-bench-peers'),
  bodySizes: [128, KIB],
  backlog: 100_000,
  singleMessages: 50_000,
  singleInFlight: 64,
  batchSize: 32,
  batchInFlight: 8,
  e2eRate: 5000,
  e2eWarmupMs: 1000,
  e2eDurationMs: 5000,
  warmupMessages: 20_000,
  rounds: 3,
  only: undefined,
  install: true,
  queues: 8,
  segmentBytes: 256 * KIB * KIB,
  pullBatch: 32,
  quietWaitMs: 30_000,
};

export const PEERS_QUICK_CONFIG: PeersBenchConfig = {
  ...PEERS_FULL_CONFIG,
  quick: true,
  backlog: 10_000,
  singleMessages: 5000,
  e2eWarmupMs: 500,
  e2eDurationMs: 2000,
  warmupMessages: 3000,
  rounds: 1,
  segmentBytes: 32 * KIB * KIB,
  quietWaitMs: 0,
};

export interface PeersCliOptions {
  config: PeersBenchConfig;
  /** Markdown file whose peers section is rewritten; undefined: print only. */
  out: string | undefined;
}

const USAGE = `usage: npm run bench:peers -- [--quick] [--rounds <n>] [--only <id,id>] [--no-install] [--out <file> | --no-write]
  --quick       smoke run (small backlog, 1 round; does not write docs unless --out is given)
  --rounds      runs of every scenario, medians reported (default ${PEERS_FULL_CONFIG.rounds})
  --only        only these systems: pulsejet-embedded-async, pulsejet-tcp-async, pulsejet-tcp-sync,
                pulsejet-pair-sync, redis-everysec, redis-always, nats-js-file, rabbitmq-classic,
                rabbitmq-quorum
  --no-install  do not apt-get install missing peer servers (peers not installed are reported as not run)
  --out         markdown file whose peers section is rewritten (default docs/benchmarks.md on a full run;
                the plot goes beside it as benchmarks-peers.svg)`;

export class PeersUsageError extends Error {
  constructor(
    message: string,
    readonly help = false,
  ) {
    super(message);
  }
}

export function parsePeersArgs(argv: readonly string[]): PeersCliOptions {
  let config = PEERS_FULL_CONFIG;
  let out: string | undefined;
  let write = true;
  const overrides: Partial<PeersBenchConfig> = {};
  const args = new FlagReader(argv, (message) => new PeersUsageError(`${message}\n${USAGE}`));
  for (let flag = args.next(); flag !== undefined; flag = args.next()) {
    if (flag === '--help' || flag === '-h') throw new PeersUsageError(USAGE, true);
    else if (flag === '--quick') config = PEERS_QUICK_CONFIG;
    else if (flag === '--rounds') {
      const text = args.value();
      const rounds = Math.round(Number(text));
      if (!(rounds > 0)) throw new PeersUsageError(`--rounds needs a positive number, got ${text}\n${USAGE}`);
      overrides.rounds = rounds;
    } else if (flag === '--only') overrides.only = args.value().split(',').map((id) => id.trim()).filter((id) => id !== '');
    else if (flag === '--no-install') overrides.install = false;
    else if (flag === '--out') out = path.resolve(args.value());
    else if (flag === '--no-write') write = false;
    else throw new PeersUsageError(`unknown flag ${flag}\n${USAGE}`);
  }
  const merged: PeersBenchConfig = { ...config, ...overrides };
  if (out === undefined && write && !merged.quick) out = path.join(REPO_ROOT, 'docs', 'benchmarks.md');
  return { config: merged, out: write ? out : undefined };
}
