// What one run of the broker benchmark measures, and its command line.
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_MAPPED_FILE_SIZE_COMMIT_LOG } from '@pulsejet/core';
import { DEFAULT_SERIALIZE_TYPE } from '@pulsejet/client';
import { REPO_ROOT } from './bench-config';
import { FlagReader } from './flag-reader';

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

/** The header encoding of the bench's requests: Pulsejet clients' default (ClientInstanceOptions.serializeType). */
export const CLIENT_SERIALIZE_TYPE = DEFAULT_SERIALIZE_TYPE;

/** One send row: how many messages per request (1 = SEND_MESSAGE_V2, more = SEND_BATCH_MESSAGE). */
export interface SendCase {
  flush: FlushDiskType;
  bodyBytes: number;
  /** Requests the producer keeps outstanding on its one connection. */
  inFlight: number;
  /** Messages per request; 1 sends SEND_MESSAGE_V2, more send one SEND_BATCH_MESSAGE. */
  batch: number;
  /**
   * A diagnostic row: the same sends without the client's message id (UNIQ_KEY), which every RocketMQ
   * producer sets and the broker indexes; the difference is what the key index costs.
   */
  withoutUniqKey?: true;
  /**
   * A diagnostic row: the same sends with JSON headers, as Java clients and ali-ons send them; every
   * other row sends binary ROCKETMQ headers, as Pulsejet's clients do (ClientInstanceOptions.serializeType).
   */
  jsonHeaders?: true;
  /**
   * Measured over one segment of the broker's log instead of `durationMs` (broker-bench-sustained.ts):
   * the window then holds one segment pre-fill and one roll wherever it starts.
   */
  sustained?: true;
}

export interface BrokerBenchConfig {
  /** A smoke run: its figures are labelled as not meaningful. */
  quick: boolean;
  /** Each broker child gets a fresh data directory under this one. */
  workDir: string;
  /** Unmeasured sends (1 KiB, 256 in flight) right after each broker starts: its code is compiled and cold. */
  brokerWarmupMs: number;
  /** Unmeasured time before each send window, ms (JIT warm-up of both processes). */
  warmupMs: number;
  /** Measured window of each send row, ms. */
  durationMs: number;
  /** Rounds over all send rows (a fresh broker per flush type and round); the median is reported. */
  rounds: number;
  /** Queues of the bench topic; sends go round robin over them, the consumer pulls all of them. */
  queues: number;
  sends: SendCase[];
  /** Messages preloaded (ASYNC_FLUSH broker) and then drained by the long-polling consumer. */
  consumeMessages: number;
  consumeBodyBytes: number;
  /** maxMsgNums of each PULL_MESSAGE. */
  consumeBatch: number;
  /** Paced send rate of the end-to-end latency row, msg/s. */
  e2eRate: number;
  e2eDurationMs: number;
  e2eBodyBytes: number;
  /** Commit-log segment size of the broker children; undefined keeps the broker's default (1 GiB). */
  segmentBytes: number | undefined;
  /**
   * Before each broker starts, wait up to this long for other processes to leave the CPU (they share
   * the 2 cores with the broker and the producer); 0 starts at once.
   */
  quietWaitMs: number;
  /** Profile the broker during this send row (in its own extra broker child); undefined: no profile. */
  profileCase: SendCase | undefined;
  /** Where the broker's .cpuprofile is written. */
  profileDir: string;
}

const KIB = 1024;

/** The headline load (1 KiB, 256 in flight), in a time window: the row profiled. */
export const HEADLINE_CASE: SendCase = { flush: 'ASYNC_FLUSH', bodyBytes: KIB, inFlight: 256, batch: 1 };

/** The headline load sustained over one segment of log: the rows the async and SYNC_FLUSH targets read. */
export const SUSTAINED_ASYNC_CASE: SendCase = { ...HEADLINE_CASE, sustained: true };
export const SUSTAINED_SYNC_CASE: SendCase = { ...HEADLINE_CASE, flush: 'SYNC_FLUSH', sustained: true };

/** Batched sends: 64 messages per request (8 KiB of 128 B bodies), 16 requests in flight. */
export const BATCH_SIZE = 64;
export const BATCH_IN_FLIGHT = 16;

/** The batched row with a target of its own (128 B bodies, async flush): the report checks it, `--profile-batch` profiles it. */
export const BATCH_TARGET_CASE: SendCase = { flush: 'ASYNC_FLUSH', bodyBytes: 128, inFlight: BATCH_IN_FLIGHT, batch: BATCH_SIZE };

function sendCases(): SendCase[] {
  const cases: SendCase[] = [];
  for (const flush of ['ASYNC_FLUSH', 'SYNC_FLUSH'] as const) {
    for (const bodyBytes of [128, KIB]) for (const inFlight of [1, 256]) cases.push({ flush, bodyBytes, inFlight, batch: 1 });
    // Right after the headline row, so the two windows see the same machine as nearly as possible.
    if (flush === 'ASYNC_FLUSH') cases.push({ ...HEADLINE_CASE, withoutUniqKey: true }, { ...HEADLINE_CASE, jsonHeaders: true });
    for (const bodyBytes of [128, KIB]) cases.push({ flush, bodyBytes, inFlight: BATCH_IN_FLIGHT, batch: BATCH_SIZE });
    // Last: its window does not depend on where the log stands, and it writes a whole segment.
    cases.push(flush === 'ASYNC_FLUSH' ? SUSTAINED_ASYNC_CASE : SUSTAINED_SYNC_CASE);
  }
  return cases;
}

export const BROKER_FULL_CONFIG: BrokerBenchConfig = {
  quick: false,
  workDir: path.join(REPO_ROOT, 'tmp', 'bench-broker'),
  brokerWarmupMs: 4000,
  warmupMs: 1500,
  durationMs: 4000,
  // Three, so the median is a middle round (measure.median of two is the lower one).
  rounds: 3,
  queues: 8,
  sends: sendCases(),
  consumeMessages: 300_000,
  consumeBodyBytes: KIB,
  consumeBatch: 32,
  e2eRate: 5000,
  e2eDurationMs: 5000,
  e2eBodyBytes: KIB,
  segmentBytes: undefined,
  quietWaitMs: 60_000,
  profileCase: HEADLINE_CASE,
  profileDir: path.join(REPO_ROOT, 'tmp', 'bench-broker-prof'),
};

export const BROKER_QUICK_CONFIG: BrokerBenchConfig = {
  ...BROKER_FULL_CONFIG,
  quick: true,
  workDir: path.join(os.tmpdir(), 'pulsejet-bench-broker'),
  brokerWarmupMs: 500,
  warmupMs: 300,
  durationMs: 700,
  rounds: 1,
  consumeMessages: 20_000,
  e2eDurationMs: 1000,
  segmentBytes: 64 * KIB * KIB,
  quietWaitMs: 0,
  profileCase: undefined,
};

export interface BrokerCliOptions {
  config: BrokerBenchConfig;
  /** Where to write the markdown section; undefined: print only. */
  out: string | undefined;
}

const USAGE = `usage: npm run bench:broker -- [--quick] [--duration <s>] [--rounds <n>] [--out <file> | --no-write]
                                 [--profile | --profile-batch | --no-profile] [--profile-dir <dir>]
  --quick       smoke run (short windows, no profile; does not write docs unless --out is given)
  --duration    measured seconds per send row (default ${BROKER_FULL_CONFIG.durationMs / 1000})
  --rounds      rounds over the send rows, median reported (default ${BROKER_FULL_CONFIG.rounds})
  --out         markdown file whose broker section is rewritten (default docs/benchmarks.md on a full run)
  --profile     also profile the broker (node --cpu-prof) during 1 KiB / 256 in flight / ASYNC_FLUSH sends (default on a full run)
  --profile-batch  profile the batched row (128 B, ${BATCH_IN_FLIGHT} in flight × batch of ${BATCH_SIZE}, ASYNC_FLUSH) instead
  --no-profile  skip the profiled broker
  --profile-dir where the .cpuprofile goes (default tmp/bench-broker-prof)`;

export class BrokerUsageError extends Error {
  constructor(
    message: string,
    readonly help = false,
  ) {
    super(message);
  }
}

export function parseBrokerArgs(argv: readonly string[]): BrokerCliOptions {
  let config = BROKER_FULL_CONFIG;
  let out: string | undefined;
  let write = true;
  const overrides: Partial<BrokerBenchConfig> = {};
  let profile: SendCase | false | undefined;
  const args = new FlagReader(argv, (message) => new BrokerUsageError(`${message}\n${USAGE}`));
  for (let flag = args.next(); flag !== undefined; flag = args.next()) {
    if (flag === '--help' || flag === '-h') throw new BrokerUsageError(USAGE, true);
    else if (flag === '--quick') config = BROKER_QUICK_CONFIG;
    else if (flag === '--duration') overrides.durationMs = args.positive(args.value()) * 1000;
    else if (flag === '--rounds') overrides.rounds = Math.round(args.positive(args.value()));
    else if (flag === '--out') out = path.resolve(args.value());
    else if (flag === '--no-write') write = false;
    else if (flag === '--profile') profile = HEADLINE_CASE;
    else if (flag === '--profile-batch') profile = BATCH_TARGET_CASE;
    else if (flag === '--no-profile') profile = false;
    else if (flag === '--profile-dir') overrides.profileDir = path.resolve(args.value());
    else throw new BrokerUsageError(`unknown flag ${flag}\n${USAGE}`);
  }
  const merged: BrokerBenchConfig = { ...config, ...overrides };
  if (profile !== undefined) merged.profileCase = profile === false ? undefined : profile;
  if (out === undefined && write && !merged.quick) out = path.join(REPO_ROOT, 'docs', 'benchmarks.md');
  return { config: merged, out: write ? out : undefined };
}

/** A row's name in progress lines and the report. */
/** The broker children's commit-log segment: what a sustained row's window covers. */
export function brokerSegmentBytes(config: BrokerBenchConfig): number {
  return config.segmentBytes ?? DEFAULT_MAPPED_FILE_SIZE_COMMIT_LOG;
}

export function sendCaseLabel(send: SendCase): string {
  const body = send.bodyBytes >= KIB ? `${send.bodyBytes / KIB} KiB` : `${send.bodyBytes} B`;
  const batch = send.batch > 1 ? ` × batch of ${send.batch}` : '';
  const uniq = send.withoutUniqKey ? ' without UNIQ_KEY' : '';
  const json = send.jsonHeaders ? ' with JSON headers' : '';
  const sustained = send.sustained ? ', sustained over one segment' : '';
  return `${send.flush === 'ASYNC_FLUSH' ? 'async' : 'sync'} ${body} ${send.inFlight} in flight${batch}${uniq}${json}${sustained}`;
}

export function sameCase(a: SendCase, b: SendCase): boolean {
  return (
    a.flush === b.flush &&
    a.bodyBytes === b.bodyBytes &&
    a.inFlight === b.inFlight &&
    a.batch === b.batch &&
    (a.withoutUniqKey ?? false) === (b.withoutUniqKey ?? false) &&
    (a.jsonHeaders ?? false) === (b.jsonHeaders ?? false) &&
    (a.sustained ?? false) === (b.sustained ?? false)
  );
}
