import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { MessageStore, type FlushDiskType, type PutMessageInput, type StoreStats } from '@pulsejet/core';
import type { WindowProfiler } from './window-profiler';
import { MB, SampleBuffer, cpuSnapshot, freshDirectory, latencyOf, otherCpuShare, sleep, waitForQuietCpu, waitForQuietDirectory, type Latency } from './measure';

export const BENCH_TOPIC = 'BenchTopic';

export interface PutScenario {
  flushDiskType: FlushDiskType;
  bodySize: number;
  /** Concurrent writers, each awaiting its put before sending the next. */
  writers: number;
  /** Messages per putMessages call; 1 = putMessage. @default 1 */
  batch?: number;
}

export interface PutTiming {
  warmupMs: number;
  durationMs: number;
  /** undefined: the store default. */
  segmentBytes: number | undefined;
  settleQuietMs: number;
  /** Longest wait for other processes to go quiet before the warm-up, ms (0: measure at once). */
  quietWaitMs: number;
  /** Profile the measured window into this file name (without extension) via the profiler. */
  profile?: { profiler: WindowProfiler; name: string };
}

export interface PutResult {
  scenario: PutScenario;
  label: string;
  /** Put calls completed in the measured window. */
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  /** Body bytes stored per second. */
  payloadMBps: number;
  /** Commit-log bytes appended per second (records: body + topic + properties + 91-byte header). */
  logMBps: number;
  /** Stored record size of one message. */
  recordBytes: number;
  /** Group-commit fsyncs per second (SYNC_FLUSH only; ASYNC_FLUSH fsyncs on a 500 ms timer). */
  fsyncsPerSecond: number | undefined;
  messagesPerFsync: number | undefined;
  /** Time from calling put to its result, µs. */
  latency: Latency;
  /** How long the store's open-time background pre-fill took to finish before the warm-up, ms. */
  settleMs: number;
  /** Share of the machine's CPU that other processes used during the window (undefined off Linux). */
  otherCpuShare: number | undefined;
}

export function putLabel(scenario: PutScenario): string {
  const flush = scenario.flushDiskType === 'SYNC_FLUSH' ? 'sync' : 'async';
  const size = scenario.bodySize % 1024 === 0 ? `${scenario.bodySize / 1024}KiB` : `${scenario.bodySize}B`;
  const batch = (scenario.batch ?? 1) > 1 ? `-batch${scenario.batch}` : '';
  return `${flush}-${size}-${scenario.writers}w${batch}`;
}

/**
 * Runs `writers` closed-loop writers against a fresh store: a warm-up, then a measured window in which
 * completed puts, appended bytes and group-commit fsyncs are counted.
 */
export async function runPutScenario(dir: string, scenario: PutScenario, timing: PutTiming): Promise<PutResult> {
  freshDirectory(dir);
  const store = await MessageStore.open({
    storePathRootDir: dir,
    flushDiskType: scenario.flushDiskType,
    ...(timing.segmentBytes !== undefined ? { mappedFileSizeCommitLog: timing.segmentBytes } : {}),
  });
  try {
    // At open the store pre-fills the next segment in the background; a long-running broker does that
    // once per segment, so the window starts after it (the 1 GiB default takes about a second).
    const settleMs = await waitForQuietDirectory(path.join(dir, 'commitlog'), timing.settleQuietMs, 60_000);
    // On a shared 2-core machine another busy process halves the store's CPU: wait for quiet first.
    if (timing.quietWaitMs > 0) await waitForQuietCpu(500, timing.quietWaitMs);
    return { ...(await measurePuts(store, scenario, timing)), settleMs };
  } finally {
    await store.close();
    freshDirectory(dir);
  }
}

async function measurePuts(store: MessageStore, scenario: PutScenario, timing: PutTiming): Promise<Omit<PutResult, 'settleMs'>> {
  const batch = Math.max(1, scenario.batch ?? 1);
  const body = randomBytes(scenario.bodySize);
  const inputs: PutMessageInput[] = Array.from({ length: batch }, () => ({ topic: BENCH_TOPIC, queueId: 0, body, properties: { TAGS: 'a' } }));
  let phase: 'warmup' | 'measure' | 'stop' = 'warmup';
  let completed = 0;
  const latencies = new SampleBuffer();
  let failure: Error | undefined;

  const writer = async (): Promise<void> => {
    while (phase !== 'stop') {
      const started = performance.now();
      const result = batch === 1 ? await store.putMessage(inputs[0]!) : await store.putMessages(inputs);
      if (result.status !== 'PUT_OK') {
        failure ??= new Error(`put answered ${result.status}: ${result.message ?? ''}`);
        phase = 'stop';
        return;
      }
      if (phase === 'measure') {
        completed += batch;
        latencies.push((performance.now() - started) * 1000);
      }
    }
  };

  const running = Array.from({ length: scenario.writers }, writer);
  await sleep(timing.warmupMs);
  await timing.profile?.profiler.start();
  const before = snapshot(store);
  const cpuBefore = cpuSnapshot();
  completed = 0;
  phase = 'measure';
  await sleep(timing.durationMs);
  const after = snapshot(store);
  const cpuAfter = cpuSnapshot();
  const measured = completed;
  if (timing.profile) await timing.profile.profiler.stop(`${timing.profile.name}-${measured}msgs`);
  phase = 'stop';
  await Promise.all(running);
  if (failure) throw failure;

  const seconds = (after.time - before.time) / 1000;
  const logBytes = after.stats.commitLogMaxOffset - before.stats.commitLogMaxOffset;
  const fsyncs = after.stats.fsyncs - before.stats.fsyncs;
  const sync = scenario.flushDiskType === 'SYNC_FLUSH';
  const recordBytes = store.getMessage(BENCH_TOPIC, 0, 0, { maxMsgNums: 1 }).messages[0]?.length ?? 0;
  return {
    scenario,
    label: putLabel(scenario),
    messages: measured,
    seconds,
    messagesPerSecond: measured / seconds,
    payloadMBps: (measured * scenario.bodySize) / MB / seconds,
    logMBps: logBytes / MB / seconds,
    recordBytes,
    fsyncsPerSecond: sync ? fsyncs / seconds : undefined,
    messagesPerFsync: sync && fsyncs > 0 ? measured / fsyncs : undefined,
    latency: latencyOf(latencies.values()),
    otherCpuShare: otherCpuShare(cpuBefore, cpuAfter),
  };
}

function snapshot(store: MessageStore): { time: number; stats: StoreStats } {
  return { time: performance.now(), stats: store.stats() };
}

/** A put scenario over several rounds: the median round (by messages/s) and the spread. */
export interface PutRow extends PutResult {
  rounds: number;
  /** The largest share of the CPU other processes took during any round's window. */
  maxOtherCpuShare: number | undefined;
  minMessagesPerSecond: number;
  maxMessagesPerSecond: number;
}

export function summarizeRounds(rounds: readonly PutResult[]): PutRow {
  if (rounds.length === 0) throw new Error('a put row needs at least one round');
  const sorted = [...rounds].sort((a, b) => a.messagesPerSecond - b.messagesPerSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return {
    ...median,
    rounds: rounds.length,
    maxOtherCpuShare: rounds.some((r) => r.otherCpuShare !== undefined) ? Math.max(...rounds.map((r) => r.otherCpuShare ?? 0)) : undefined,
    minMessagesPerSecond: sorted[0]!.messagesPerSecond,
    maxMessagesPerSecond: sorted[sorted.length - 1]!.messagesPerSecond,
  };
}
