// Writing new data for longer than this VM keeps freed memory backed: a bare write loop and the store
// each write the same amount, and each is timed over its last third.
//
// Why: on the development VM the host takes free memory back (virtio_balloon free page reporting),
// so a page of page cache touched for the first time costs ~3 ns a byte, ten times a page reused
// soon after a file was deleted. How much freed memory is still backed depends on what ran before
// (a new file wrote at 4 GB/s for its first 0.75-4 GiB, 265-400 MB/s after). A log that keeps
// growing lives past that, and so does this measurement: the first two thirds of each run use up
// whatever was still backed, and only the last third is timed. The bare loop's file is kept (synced)
// until the store has run, so that its pages are not freed for the store to reuse.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageStore, type PutMessageInput, type PutMessageResult } from '@pulsejet/core';
import { ClosedLoopLoad } from './closed-loop-load';
import { MB, freshDirectory, sleep } from './measure';
import { WRITE_CHUNK, writeSequential } from './raw-disk';

/** Each run's progress is recorded at this many equal steps; the last third of them is timed. */
const STEPS = 6;
const STORE_WRITERS = 64;
const STORE_BODY_BYTES = 1024;
/** How often the store's log end is read while its writers run. */
const STORE_POLL_MS = 20;

export interface NewDataFigures {
  /** New bytes each of the two writes. */
  bytes: number;
  /** The bare loop (a new file in 1 MiB writes, no fsync), MB/s per sixth of its bytes. */
  rawStepsMBps: number[];
  /** The bare loop over its last third. */
  rawTailMBps: number;
  /** The store (ASYNC_FLUSH, 1 KiB puts from 64 writers), log MB/s per sixth of its bytes. */
  storeStepsMBps: number[];
  /** The store over its last third. */
  storeTailMBps: number;
  storeWriters: number;
  storeBodyBytes: number;
}

export async function measureNewData(dir: string, bytes: number, segmentBytes: number | undefined): Promise<NewDataFigures> {
  freshDirectory(dir);
  try {
    const raw = writeNewFile(path.join(dir, 'raw-new-data'), bytes);
    const store = await fillStore(path.join(dir, 'store'), bytes, segmentBytes);
    return { bytes, rawStepsMBps: raw.stepRates(), rawTailMBps: raw.tailRate(), storeStepsMBps: store.stepRates(), storeTailMBps: store.tailRate(), storeWriters: STORE_WRITERS, storeBodyBytes: STORE_BODY_BYTES };
  } finally {
    freshDirectory(dir);
  }
}

/** When a run of `bytes` reached each sixth of them. */
class StepClock {
  private readonly marks = [performance.now()];

  constructor(private readonly bytes: number) {}

  get done(): boolean {
    return this.marks.length > STEPS;
  }

  /** Notes the time for every step boundary `progress` (bytes written so far) has passed. */
  reached(progress: number): void {
    const now = performance.now();
    while (!this.done && progress >= (this.bytes * this.marks.length) / STEPS) this.marks.push(now);
  }

  stepRates(): number[] {
    const step = this.bytes / STEPS / MB;
    return this.marks.slice(1).map((at, index) => step / ((at - this.marks[index]!) / 1000));
  }

  tailRate(): number {
    const from = this.marks[(STEPS * 2) / 3]!;
    return this.bytes / 3 / MB / ((this.marks[STEPS]! - from) / 1000);
  }
}

/** Writes `bytes` to a new file in WRITE_CHUNK writes, timing each step. */
function writeNewFile(file: string, bytes: number): StepClock {
  const fd = fs.openSync(file, 'w');
  try {
    const clock = new StepClock(bytes);
    writeSequential(fd, Buffer.alloc(WRITE_CHUNK, 0x5a), bytes, (writtenTo) => clock.reached(writtenTo));
    // Not timed: written back now, so its dirty pages do not slow the store's run.
    fs.fdatasyncSync(fd);
    return clock;
  } finally {
    fs.closeSync(fd);
  }
}

/** Puts until the store's log holds `bytes`, timing each step (the log end read every STORE_POLL_MS). */
async function fillStore(dir: string, bytes: number, segmentBytes: number | undefined): Promise<StepClock> {
  const store = await MessageStore.open({ storePathRootDir: dir, flushDiskType: 'ASYNC_FLUSH', ...(segmentBytes !== undefined ? { mappedFileSizeCommitLog: segmentBytes } : {}) });
  try {
    const load = new PutLoad(store, { topic: 'BenchTopic', queueId: 0, body: randomBytes(STORE_BODY_BYTES), properties: { TAGS: 'a' } });
    const clock = new StepClock(bytes);
    load.start(STORE_WRITERS);
    const failure = load.failure();
    failure.catch(() => undefined); // raced below, and awaited through stop()
    try {
      while (!clock.done) {
        await Promise.race([sleep(STORE_POLL_MS), failure]);
        clock.reached(store.stats().commitLogMaxOffset);
      }
    } catch (error) {
      // The other writers stop before the store closes under them.
      await load.stop().catch(() => undefined);
      throw error;
    }
    await load.stop();
    return clock;
  } finally {
    await store.close();
  }
}

/** Closed-loop writers of one message each; anything but PUT_OK fails the run. */
class PutLoad extends ClosedLoopLoad<PutMessageResult> {
  constructor(
    private readonly store: MessageStore,
    private readonly input: PutMessageInput,
  ) {
    super(() => undefined);
  }

  protected issue(): Promise<PutMessageResult> {
    return this.store.putMessage(this.input);
  }

  protected check(result: PutMessageResult): void {
    if (result.status !== 'PUT_OK') throw new Error(`put answered ${result.status}: ${result.message ?? ''}`);
  }
}
