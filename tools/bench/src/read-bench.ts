import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { DEFAULT_MAX_TOTAL_BYTES, MessageStore, type PutMessageInput } from '@pulsejet/core';
import { decodeStoredRecord } from '@pulsejet/protocol';
import { MB, cpuSnapshot, freshDirectory, otherCpuShare, waitForQuietCpu } from './measure';
import { BENCH_TOPIC } from './put-bench';
import type { WindowProfiler } from './window-profiler';

export const READ_BODY_SIZE = 128;
/** Messages per putMessages call while filling (the fill is not what is measured). */
const FILL_BATCH = 256;
const FILL_WRITERS = 8;
/** Yield to the event loop this often while reading, so the store's timers (flushes) still run. */
const YIELD_EVERY_MS = 20;

export interface ReadResult {
  bodySize: number;
  maxMsgNums: number;
  maxTotalBytes: number;
  /** Messages in the queue being read. */
  queueMessages: number;
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  /** Stored-record bytes returned per second. */
  MBps: number;
  /** Average messages per getMessage call. */
  messagesPerCall: number;
  /** Share of the machine's CPU other processes used during the window (the largest over the rounds). */
  otherCpuShare: number | undefined;
  rounds: number;
  minMessagesPerSecond: number;
  maxMessagesPerSecond: number;
}

export interface ReadRun {
  fillSeconds: number;
  fillMessagesPerSecond: number;
  results: ReadResult[];
}

/**
 * Fills one queue with `messages` messages of 128 B, then walks it from offset 0 with getMessage,
 * per batch size and round, for `durationMs` each (starting over at the end), after a short warm-up.
 */
export async function runReadScenarios(
  dir: string,
  options: {
    messages: number;
    batches: readonly number[];
    warmupMs: number;
    durationMs: number;
    /** Rounds over the batch sizes (interleaved); each row reports its median round. */
    rounds: number;
    quietWaitMs: number;
    profiler?: WindowProfiler | undefined;
  },
): Promise<ReadRun> {
  freshDirectory(dir);
  const store = await MessageStore.open({ storePathRootDir: dir, flushDiskType: 'ASYNC_FLUSH' });
  try {
    const fillStarted = performance.now();
    await fill(store, options.messages);
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    // The key index catches up in the background on the same thread; let it finish first.
    await store.waitForIndex();
    checkFirstMessage(store);
    const cursor = { offset: 0 };
    const rounds: ReadResult[][] = options.batches.map(() => []);
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const [index, maxMsgNums] of options.batches.entries()) {
        const maxTotalBytes = Math.max(DEFAULT_MAX_TOTAL_BYTES, maxMsgNums * 1024);
        if (options.quietWaitMs > 0) await waitForQuietCpu(500, options.quietWaitMs);
        await readFor(store, cursor, maxMsgNums, maxTotalBytes, options.warmupMs);
        const cpuBefore = cpuSnapshot();
        await options.profiler?.start();
        const measured = await readFor(store, cursor, maxMsgNums, maxTotalBytes, options.durationMs);
        const otherCpu = otherCpuShare(cpuBefore, cpuSnapshot());
        await options.profiler?.stop(`read-128B-maxMsgNums${maxMsgNums}-round${round}-${measured.messages}msgs`);
        rounds[index]!.push({
          bodySize: READ_BODY_SIZE,
          maxMsgNums,
          maxTotalBytes,
          queueMessages: options.messages,
          messages: measured.messages,
          seconds: measured.seconds,
          messagesPerSecond: measured.messages / measured.seconds,
          MBps: measured.bytes / MB / measured.seconds,
          messagesPerCall: measured.messages / measured.calls,
          otherCpuShare: otherCpu,
          rounds: 1,
          minMessagesPerSecond: measured.messages / measured.seconds,
          maxMessagesPerSecond: measured.messages / measured.seconds,
        });
      }
    }
    const results = rounds.map((results) => medianRound(results));
    return { fillSeconds, fillMessagesPerSecond: options.messages / fillSeconds, results };
  } finally {
    await store.close();
    freshDirectory(dir);
  }
}

async function fill(store: MessageStore, messages: number): Promise<void> {
  const body = randomBytes(READ_BODY_SIZE);
  let remaining = messages;
  const writer = async (): Promise<void> => {
    while (remaining > 0) {
      const count = Math.min(FILL_BATCH, remaining);
      remaining -= count;
      const inputs: PutMessageInput[] = Array.from({ length: count }, () => ({ topic: BENCH_TOPIC, queueId: 0, body, properties: { TAGS: 'a' } }));
      const result = await store.putMessages(inputs);
      if (result.status !== 'PUT_OK') throw new Error(`filling the read queue: put answered ${result.status}: ${result.message ?? ''}`);
    }
  };
  await Promise.all(Array.from({ length: FILL_WRITERS }, writer));
  const stored = store.getMaxOffsetInQueue(BENCH_TOPIC, 0);
  if (stored !== messages) throw new Error(`the read queue holds ${stored} messages, expected ${messages}`);
}

/** The bench must read real messages: decode one and check its body. */
function checkFirstMessage(store: MessageStore): void {
  const first = store.getMessage(BENCH_TOPIC, 0, 0, { maxMsgNums: 1 }).messages[0];
  if (!first) throw new Error('the read queue returned no message at offset 0');
  const message = decodeStoredRecord(first);
  if (message.body.length !== READ_BODY_SIZE || message.queueOffset !== 0) {
    throw new Error(`message 0 decodes to a ${message.body.length}-byte body at queue offset ${message.queueOffset}`);
  }
}

/** Reads sequentially from `cursor.offset` for `ms`, wrapping to offset 0 at the queue's end. */
async function readFor(
  store: MessageStore,
  cursor: { offset: number },
  maxMsgNums: number,
  maxTotalBytes: number,
  ms: number,
): Promise<{ messages: number; bytes: number; calls: number; seconds: number }> {
  let messages = 0;
  let bytes = 0;
  let calls = 0;
  const started = performance.now();
  const deadline = started + ms;
  let lastYield = started;
  for (;;) {
    const result = store.getMessage(BENCH_TOPIC, 0, cursor.offset, { maxMsgNums, maxTotalBytes });
    calls += 1;
    if (result.status === 'FOUND') {
      messages += result.messages.length;
      bytes += result.bufferTotalSize;
      cursor.offset = result.nextBeginOffset;
    } else if (result.status === 'OFFSET_OVERFLOW_ONE') {
      cursor.offset = 0; // end of the queue: start the next pass
    } else {
      throw new Error(`getMessage at offset ${cursor.offset} answered ${result.status}`);
    }
    const now = performance.now();
    if (now >= deadline) break;
    if (now - lastYield >= YIELD_EVERY_MS) {
      await yieldToLoop();
      lastYield = performance.now();
    }
  }
  return { messages, bytes, calls, seconds: (performance.now() - started) / 1000 };
}

/** The median round by messages/s, with the spread and the worst disturbance over all rounds. */
function medianRound(rounds: readonly ReadResult[]): ReadResult {
  const sorted = [...rounds].sort((a, b) => a.messagesPerSecond - b.messagesPerSecond);
  const shares = rounds.map((r) => r.otherCpuShare).filter((share): share is number => share !== undefined);
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)]!,
    otherCpuShare: shares.length > 0 ? Math.max(...shares) : undefined,
    rounds: rounds.length,
    minMessagesPerSecond: sorted[0]!.messagesPerSecond,
    maxMessagesPerSecond: sorted[sorted.length - 1]!.messagesPerSecond,
  };
}
