// Runs the broker benchmark: the broker app as a child process, this process as the producer and
// consumer, on loopback. Send rows run in rounds on a fresh broker per flush type and round; the
// consume and end-to-end rows on one more ASYNC_FLUSH broker; the profile on its own broker.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { REPO_ROOT } from './bench-config';
import { otherShareBesides } from './cpu-share';
import { createTopic, startBrokerChild, stopBrokerChild } from './broker-bench-child';
import type { BrokerChild } from './broker-bench-child';
import { CLIENT_SERIALIZE_TYPE, brokerSegmentBytes, sendCaseLabel } from './broker-bench-config';
import type { BrokerBenchConfig, FlushDiskType, SendCase } from './broker-bench-config';
import { runConsume } from './broker-bench-consume';
import type { ConsumeResult } from './broker-bench-consume';
import { runE2e } from './broker-bench-e2e';
import type { E2eResult } from './broker-bench-e2e';
import { monotonicUs, summariseBrokerProfile } from './broker-bench-profile';
import type { BrokerProfileSummary } from './broker-bench-profile';
import { SendLoad, batchSends, singleSends } from './broker-bench-send';
import type { SendRequestFactory } from './broker-bench-send';
import { measureSustained } from './broker-bench-sustained';
import { cpuSpeedSince, probeCpuSpeed } from './cpu-probe';
import { heapFlagsOf } from './heap-flags';
import { machineInfo } from './machine';
import type { MachineInfo } from './machine';
import { MB, cpuSnapshot, latencyOf, median, sleep, waitForQuietCpu, waitForSettledMachine } from './measure';
import type { Latency } from './measure';
import { withPauseWatch } from './pause-watch';
import { WindowRecorder, processCpuUs } from './remoting-bench-load';
import type { WindowResult } from './remoting-bench-load';
import { watchPrefill } from './prefill-watch';
import { measureRawDisk } from './raw-disk';
import { sourceState } from './source';
import type { SourceState } from './source';

export interface SendRound {
  messagesPerSecond: number;
  requestLatencyUs: Float64Array;
  /** CPU per message, µs. */
  producerCpuUs: number;
  brokerCpuUs: number;
  /** The broker's main thread only. */
  brokerMainCpuUs: number;
  /** Share of the machine's CPU that neither the producer nor the broker used in the window. */
  otherCpuShare: number | undefined;
  /** Sustained rows: the log bytes and the seconds the window covered. */
  sustained?: { logBytes: number; seconds: number };
  /** Whether the next commit-log segment was being pre-filled during the row (warm-up or window). */
  prefillOverlapped: boolean;
}

export interface SendResult {
  send: SendCase;
  label: string;
  /** Median over rounds. */
  messagesPerSecond: number;
  rounds: number[];
  /** Message bodies per second, MB/s. */
  payloadMBps: number;
  /** Request round trips (a batch is one request), pooled over rounds. */
  latencyUs: Latency;
  producerCpuUs: number;
  brokerCpuUs: number;
  /** The broker's main thread's CPU per message in each round, in round order. */
  brokerMainCpuRounds: number[];
  /** Largest otherCpuShare of its rounds. */
  otherCpuShare: number | undefined;
  /** Sustained rows: each round's window (log bytes, seconds). */
  sustainedWindows: { logBytes: number; seconds: number }[];
  /** Per round, in round order: whether a segment pre-fill overlapped it (prefill-watch.ts). */
  prefillRounds: boolean[];
}

export interface BrokerBenchResults {
  startedAt: Date;
  seconds: number;
  config: BrokerBenchConfig;
  machine: MachineInfo;
  source: SourceState;
  /** Load average (1 min) when the run started: other processes on the shared machine. */
  loadAverageAtStart: number;
  /** The V8 heap flags of this (the driver) process. */
  heapFlags: string[];
  quietWaitMs: number;
  /**
   * fdatasync after a 1 KiB append through the thread pool (as the store calls it), measured in the
   * data directory's filesystem just before each SYNC_FLUSH broker: what group commit waits for.
   */
  fsyncProbes: Latency[];
  sends: SendResult[];
  consume: ConsumeResult & { otherCpuShare: number | undefined };
  e2e: E2eResult & { otherCpuShare: number | undefined };
  profile: (BrokerProfileSummary & { send: SendCase; messagesPerSecond: number }) | undefined;
}

export type Progress = (line: string) => void;

const SEND_TOPIC = 'BenchSend';
const WARMUP_TOPIC = 'BenchWarmUp';

export async function runBrokerBench(config: BrokerBenchConfig, progress: Progress = () => undefined): Promise<BrokerBenchResults> {
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg()[0] ?? Number.NaN;
  const cpuSpeedAtStart = probeCpuSpeed();
  fs.mkdirSync(config.workDir, { recursive: true });
  let quietWaitMs = 0;
  const quiet = async (): Promise<void> => {
    if (config.quietWaitMs > 0) quietWaitMs += await waitForQuietCpu(500, config.quietWaitMs);
  };

  const rounds = new Map<string, SendRound[]>();
  const fsyncProbes: Latency[] = [];
  for (let round = 1; round <= config.rounds; round += 1) {
    for (const flush of ['ASYNC_FLUSH', 'SYNC_FLUSH'] as const) {
      const cases = config.sends.filter((send) => send.flush === flush);
      if (cases.length === 0) continue;
      await quiet();
      if (flush === 'SYNC_FLUSH') fsyncProbes.push(await probeFsync(config));
      await withBroker(config, flush, undefined, progress, async (broker, producer) => {
        await createTopic(producer, broker.address, SEND_TOPIC, config.queues);
        for (const send of cases) {
          const result = await measureSend(broker, producer, config, send);
          const label = sendCaseLabel(send);
          rounds.set(label, [...(rounds.get(label) ?? []), result]);
          progress(`round ${round}/${config.rounds}  ${label.padEnd(36)} ${Math.round(result.messagesPerSecond).toLocaleString('en-US').padStart(9)} msg/s`);
        }
      });
    }
  }
  const sends = config.sends.map((send) => sendResult(send, rounds.get(sendCaseLabel(send)) ?? []));

  await quiet();
  let consume: BrokerBenchResults['consume'] | undefined;
  let e2e: BrokerBenchResults['e2e'] | undefined;
  await withBroker(config, 'ASYNC_FLUSH', undefined, progress, async (broker, producer, consumer) => {
    consume = await withOtherShare(broker, () =>
      runConsume(producer, consumer, broker.address, broker.child.pid, {
        topic: 'BenchConsume',
        queues: config.queues,
        messages: config.consumeMessages,
        bodyBytes: config.consumeBodyBytes,
        batch: config.consumeBatch,
      }),
    );
    progress(`consume: ${Math.round(consume.messagesPerSecond).toLocaleString('en-US')} msg/s (${consume.messages} messages)`);
    // The drain's leftovers (offset commits, flushes) are not the paced load's latency.
    await waitForSettledMachine();
    // The bystander starts outside the other-processes measure: its start-up is not the row's noise.
    e2e = await withPauseWatch((pauseWatch) =>
      withOtherShare(broker, () =>
        runE2e(producer, consumer, broker.address, {
          topic: 'BenchE2E',
          queues: config.queues,
          rate: config.e2eRate,
          warmupMs: Math.min(1000, config.warmupMs),
          durationMs: config.e2eDurationMs,
          bodyBytes: config.e2eBodyBytes,
          pauseWatch,
        }),
      ),
    );
    progress(`e2e at ${config.e2eRate} msg/s: p50 ${Math.round(e2e.p50Us)} µs, p99 ${Math.round(e2e.p99Us)} µs`);
  });

  let profile: BrokerBenchResults['profile'];
  const profileCase = config.profileCase;
  if (profileCase !== undefined) {
    await quiet();
    fs.mkdirSync(config.profileDir, { recursive: true });
    const dir = fs.mkdtempSync(path.join(config.profileDir, 'run-'));
    let window = { fromUs: 0, toUs: 0, messagesPerSecond: 0 };
    await withBroker(config, profileCase.flush, dir, progress, async (broker, producer) => {
      await createTopic(producer, broker.address, SEND_TOPIC, config.queues);
      const fromUs = monotonicUs() + config.warmupMs * 1000;
      const result = await measureSend(broker, producer, config, profileCase);
      window = { fromUs, toUs: fromUs + config.durationMs * 1000, messagesPerSecond: result.messagesPerSecond };
    });
    profile = { ...summariseBrokerProfile(dir, window.fromUs, window.toUs), send: profileCase, messagesPerSecond: window.messagesPerSecond };
    progress(`profile covers ${profile.profileSpanUs.join('–')} µs, window ${profile.windowUs.join('–')} µs`);
    progress(`profile: ${path.relative(REPO_ROOT, profile.windowFile ?? profile.file)} (${sendCaseLabel(profileCase)}, ${Math.round(window.messagesPerSecond).toLocaleString('en-US')} msg/s under the profiler)`);
  }

  return {
    startedAt,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    config,
    machine: machineInfo(config.workDir, cpuSpeedSince(cpuSpeedAtStart)),
    source: sourceState(REPO_ROOT),
    loadAverageAtStart,
    heapFlags: heapFlagsOf(process.execArgv),
    quietWaitMs,
    fsyncProbes,
    sends,
    consume: consume!,
    e2e: e2e!,
    profile,
  };
}

/** A fresh broker child with a producer and a consumer connection; always stopped and its data removed. */
async function withBroker(
  config: BrokerBenchConfig,
  flush: FlushDiskType,
  profileDir: string | undefined,
  progress: Progress,
  body: (broker: BrokerChild, producer: TcpRemotingClient, consumer: TcpRemotingClient) => Promise<void>,
): Promise<void> {
  const dataDir = path.join(config.workDir, `broker-${flush.toLowerCase()}`);
  const broker = await startBrokerChild({ flush, dataDir, segmentBytes: config.segmentBytes, ...(profileDir !== undefined ? { profileDir } : {}) });
  const log = (level: string, message: string): void => progress(`[bench client] ${level}: ${message}`);
  const producer = new TcpRemotingClient({ log });
  const consumer = new TcpRemotingClient({ log });
  try {
    await warmUp(broker, producer, config);
    await body(broker, producer, consumer);
  } finally {
    await producer.close();
    await consumer.close();
    await stopBrokerChild(broker);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The broker's code starts cold (tsx-compiled, then JIT): the first second of sends runs several times slower. */
async function warmUp(broker: BrokerChild, producer: TcpRemotingClient, config: BrokerBenchConfig): Promise<void> {
  if (config.brokerWarmupMs <= 0) return;
  await createTopic(producer, broker.address, WARMUP_TOPIC, config.queues);
  const load = new SendLoad(producer, broker.address, singleSends(WARMUP_TOPIC, config.queues, Buffer.alloc(1024, 0x77)), () => undefined);
  load.start(256);
  await sleep(config.brokerWarmupMs);
  await load.stop();
}

/** A sustained row gives up if one segment of log has not been written in this long. */
const SUSTAINED_TIMEOUT_MS = 180_000;

async function measureSend(broker: BrokerChild, producer: TcpRemotingClient, config: BrokerBenchConfig, send: SendCase): Promise<SendRound> {
  const body = Buffer.alloc(send.bodyBytes, 0x61);
  const requests =
    send.batch > 1
      ? batchSends(SEND_TOPIC, config.queues, body, send.batch)
      : singleSends(SEND_TOPIC, config.queues, body, !send.withoutUniqKey, send.jsonHeaders ? 'JSON' : CLIENT_SERIALIZE_TYPE);
  const before = cpuSnapshot();
  const brokerBefore = processCpuUs(broker.child.pid);
  const prefill = watchPrefill(path.join(broker.dataDir, 'store', 'commitlog'));
  const sustained = send.sustained
    ? await measureSustained(producer, broker.address, requests, {
        inFlight: send.inFlight,
        warmupMs: config.warmupMs,
        logBytes: brokerSegmentBytes(config),
        timeoutMs: SUSTAINED_TIMEOUT_MS,
        brokerPid: broker.child.pid,
      })
    : undefined;
  const window = sustained ?? (await measureTimed(producer, broker, requests, send.inFlight, config));
  const prefillOverlapped = prefill.stop();
  const after = cpuSnapshot();
  const brokerAfter = processCpuUs(broker.child.pid);
  return {
    messagesPerSecond: window.roundTripsPerSecond * send.batch,
    requestLatencyUs: window.latenciesUs,
    producerCpuUs: window.clientCpuUs / send.batch,
    brokerCpuUs: window.serverCpuUs / send.batch,
    brokerMainCpuUs: window.serverMainThreadCpuUs / send.batch,
    otherCpuShare: otherShareBesides(before, after, brokerAfter - brokerBefore),
    prefillOverlapped,
    ...(sustained ? { sustained: { logBytes: sustained.logBytes, seconds: sustained.seconds } } : {}),
  };
}

/** A send row's `durationMs` window after `warmupMs`. */
function measureTimed(producer: TcpRemotingClient, broker: BrokerChild, requests: SendRequestFactory, inFlight: number, config: BrokerBenchConfig): Promise<WindowResult> {
  const recorder = new WindowRecorder();
  return recorder.measure(new SendLoad(producer, broker.address, requests, recorder.record), inFlight, config.warmupMs, config.durationMs, broker.child.pid);
}

/** Runs `measure` and adds the share of the machine's CPU that neither process used meanwhile. */
async function withOtherShare<T extends object>(broker: BrokerChild, measure: () => Promise<T>): Promise<T & { otherCpuShare: number | undefined }> {
  const before = cpuSnapshot();
  const brokerBefore = processCpuUs(broker.child.pid);
  const result = await measure();
  return { ...result, otherCpuShare: otherShareBesides(before, cpuSnapshot(), processCpuUs(broker.child.pid) - brokerBefore) };
}

const FSYNC_PROBE_SAMPLES = 300;

async function probeFsync(config: BrokerBenchConfig): Promise<Latency> {
  const dir = path.join(config.workDir, 'fsync-probe');
  try {
    const raw = await measureRawDisk(dir, { fileBytes: 1024 * 1024, fsyncSamples: FSYNC_PROBE_SAMPLES });
    return raw.fdatasyncPrewrittenAsync;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function sendResult(send: SendCase, rounds: SendRound[]): SendResult {
  const perSecond = rounds.map((round) => round.messagesPerSecond);
  const messagesPerSecond = median(perSecond);
  const latencies = new Float64Array(rounds.reduce((sum, round) => sum + round.requestLatencyUs.length, 0));
  let at = 0;
  for (const round of rounds) {
    latencies.set(round.requestLatencyUs, at);
    at += round.requestLatencyUs.length;
  }
  const shares = rounds.map((round) => round.otherCpuShare).filter((share): share is number => share !== undefined);
  return {
    send,
    label: sendCaseLabel(send),
    messagesPerSecond,
    rounds: perSecond,
    payloadMBps: (messagesPerSecond * send.bodyBytes) / MB,
    latencyUs: latencyOf(latencies),
    producerCpuUs: median(rounds.map((round) => round.producerCpuUs)),
    brokerCpuUs: median(rounds.map((round) => round.brokerCpuUs)),
    brokerMainCpuRounds: rounds.map((round) => round.brokerMainCpuUs),
    otherCpuShare: shares.length > 0 ? Math.max(...shares) : undefined,
    sustainedWindows: rounds.flatMap((round) => (round.sustained ? [round.sustained] : [])),
    prefillRounds: rounds.map((round) => round.prefillOverlapped),
  };
}
