/**
 * A child process of the recovery scenario (forked by recovery-bench.ts, never run by hand):
 *   fill <dir> <targetBytes> <segmentBytes> <writers> <bodySize>
 *     writes until the commit log reaches targetBytes, says so, and keeps writing until it is killed;
 *   recover <dir> <segmentBytes>
 *     opens the store (recovering it), reports, and exits without closing, as a crash would.
 */
import { randomBytes } from 'node:crypto';
import { MessageStore } from '@pulsejet/core';
import { processMemory } from './measure';
import { BENCH_TOPIC } from './put-bench';
import { RECOVERY_QUEUES, type ChildMessage, type FillArgs } from './recovery-messages';

const PROGRESS_CHECK_MS = 20;

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) {
      reject(new Error('recovery-child.ts runs as a forked child of the store bench'));
      return;
    }
    process.send(message, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

async function fill(args: FillArgs): Promise<void> {
  const store = await MessageStore.open({ storePathRootDir: args.dir, flushDiskType: 'ASYNC_FLUSH', mappedFileSizeCommitLog: args.segmentBytes });
  const body = randomBytes(args.bodySize);
  const started = performance.now();
  let messages = 0;
  const timer = setInterval(() => {
    const logBytes = store.stats().commitLogMaxOffset;
    if (logBytes < args.targetBytes) return;
    clearInterval(timer);
    void send({ kind: 'filled', logBytes, messages, seconds: (performance.now() - started) / 1000 });
  }, PROGRESS_CHECK_MS);
  const writer = async (id: number): Promise<never> => {
    for (;;) {
      const result = await store.putMessage({ topic: BENCH_TOPIC, queueId: id % RECOVERY_QUEUES, body, properties: { TAGS: 'a' } });
      if (result.status !== 'PUT_OK') throw new Error(`put answered ${result.status}: ${result.message ?? ''}`);
      messages += 1;
    }
  };
  await Promise.all(Array.from({ length: args.writers }, (_, id) => writer(id)));
}

async function recover(dir: string, segmentBytes: number): Promise<void> {
  const started = performance.now();
  const store = await MessageStore.open({ storePathRootDir: dir, flushDiskType: 'ASYNC_FLUSH', mappedFileSizeCommitLog: segmentBytes });
  const openMs = performance.now() - started;
  if (!store.recovery) throw new Error('a file store opened without a recovery report');
  let messages = 0;
  for (const queueId of store.queueIdsOf(BENCH_TOPIC)) messages += store.getMaxOffsetInQueue(BENCH_TOPIC, queueId);
  const memory = processMemory('self');
  const rss = process.memoryUsage().rss;
  await send({ kind: 'recovered', openMs, recovery: store.recovery, messages, rss, peakRss: memory?.peakRss ?? rss });
  // No close: the store stays "crashed" (abort file present) for the next recovery measurement.
  process.exit(0);
}

async function main(argv: readonly string[]): Promise<void> {
  const [mode, dir, ...numbers] = argv;
  const n = numbers.map(Number);
  if (mode === 'fill' && dir && n.length === 4) {
    await fill({ dir, targetBytes: n[0]!, segmentBytes: n[1]!, writers: n[2]!, bodySize: n[3]! });
  } else if (mode === 'recover' && dir && n.length === 1) {
    await recover(dir, n[0]!);
  } else {
    throw new Error(`usage: recovery-child.ts fill <dir> <targetBytes> <segmentBytes> <writers> <bodySize> | recover <dir> <segmentBytes>`);
  }
}

main(process.argv.slice(2)).catch(async (error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  await send({ kind: 'error', message }).catch(() => undefined);
  process.exit(1);
});
