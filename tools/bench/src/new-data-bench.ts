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
import { MessageStore } from '@pulsejet/core';
import { MB, freshDirectory, sleep } from './measure';

/** Write size of the bare loop: large, like the store's batched appends. */
const WRITE_CHUNK = 1024 * 1024;
/** Each run's progress is recorded at this many equal steps; the last third of them is timed. */
const STEPS = 6;
const STORE_WRITERS = 64;
const STORE_BODY_BYTES = 1024;

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
  const rawFile = path.join(dir, 'raw-new-data');
  try {
    const raw = writeNewFile(rawFile, bytes);
    const store = await fillStore(path.join(dir, 'store'), bytes, segmentBytes);
    return { bytes, rawStepsMBps: stepRates(raw, bytes), rawTailMBps: tailRate(raw, bytes), storeStepsMBps: stepRates(store, bytes), storeTailMBps: tailRate(store, bytes), storeWriters: STORE_WRITERS, storeBodyBytes: STORE_BODY_BYTES };
  } finally {
    freshDirectory(dir);
  }
}

/** Writes `bytes` to a new file; returns the time (ms) at each step boundary, index 0 the start. */
function writeNewFile(file: string, bytes: number): number[] {
  const chunk = Buffer.alloc(WRITE_CHUNK, 0x5a);
  const fd = fs.openSync(file, 'w');
  try {
    const marks = [performance.now()];
    for (let position = 0; position < bytes; position += chunk.length) {
      const length = Math.min(chunk.length, bytes - position);
      let done = 0;
      while (done < length) done += fs.writeSync(fd, chunk, done, length - done, position + done);
      while (marks.length <= STEPS && position + length >= (bytes * marks.length) / STEPS) marks.push(performance.now());
    }
    // Not timed: written back now, so its dirty pages do not slow the store's run.
    fs.fdatasyncSync(fd);
    return marks;
  } finally {
    fs.closeSync(fd);
  }
}

/** Puts until the store's log holds `bytes`; returns the time (ms) at each step boundary (sampled every 20 ms). */
async function fillStore(dir: string, bytes: number, segmentBytes: number | undefined): Promise<number[]> {
  const store = await MessageStore.open({ storePathRootDir: dir, flushDiskType: 'ASYNC_FLUSH', ...(segmentBytes !== undefined ? { mappedFileSizeCommitLog: segmentBytes } : {}) });
  try {
    const input = { topic: 'BenchTopic', queueId: 0, body: randomBytes(STORE_BODY_BYTES), properties: { TAGS: 'a' } };
    let stop = false;
    let failure: Error | undefined;
    const writer = async (): Promise<void> => {
      while (!stop) {
        const result = await store.putMessage(input);
        if (result.status !== 'PUT_OK') {
          failure ??= new Error(`put answered ${result.status}: ${result.message ?? ''}`);
          stop = true;
        }
      }
    };
    const writers = Array.from({ length: STORE_WRITERS }, writer);
    const marks = [performance.now()];
    while (marks.length <= STEPS && !stop) {
      await sleep(20);
      const written = store.stats().commitLogMaxOffset;
      while (marks.length <= STEPS && written >= (bytes * marks.length) / STEPS) marks.push(performance.now());
    }
    stop = true;
    await Promise.all(writers);
    if (failure) throw failure;
    return marks;
  } finally {
    await store.close();
  }
}

function stepRates(marks: readonly number[], bytes: number): number[] {
  const step = bytes / STEPS / MB;
  return marks.slice(1).map((at, index) => step / ((at - marks[index]!) / 1000));
}

function tailRate(marks: readonly number[], bytes: number): number {
  const from = marks[(STEPS * 2) / 3]!;
  return bytes / 3 / MB / ((marks[STEPS]! - from) / 1000);
}
