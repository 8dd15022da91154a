import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { MB, latencyOf, median, type Latency } from './measure';

const fdatasyncAsync = promisify(fs.fdatasync);

/** Size of each write of the buffered-write passes: large, like the store's batched appends. */
export const WRITE_CHUNK = 1024 * 1024;
/** Size of each append before an fdatasync: a small message. */
const APPEND_BYTES = 1024;
/** Buffered-write passes per kind; the median is reported. */
const PASSES = 3;

/**
 * What this machine's disk does without the store, measured in the store's directory, in the same
 * run. Buffered writes never wait for the device: they measure copying into the page cache, which is
 * what an ASYNC_FLUSH append costs at best.
 */
export interface RawDiskFigures {
  dir: string;
  fileBytes: number;
  writeChunkBytes: number;
  /** Rewriting a file whose pages exist already (the store pre-fills segments): the "raw" figure. */
  prewrittenWriteMBps: number;
  /** Appending to a new file: each page is allocated (and, on a fresh VM, first touched) as it is written. */
  growingWriteMBps: number;
  /** The first growing pass alone (page-cache memory the run had not touched yet). */
  firstGrowingWriteMBps: number;
  /**
   * Writing a new file and fdatasyncing it, timed to the end of the sync: what the device itself
   * sustains (not a target's reference; it says how far page-cache figures are from the disk).
   */
  durableWriteMBps: number;
  appendBytes: number;
  /** fdatasync after a 1 KiB append into pre-written space (no size change to journal). */
  fdatasyncPrewritten: Latency;
  /** fdatasync after a 1 KiB append that grows the file. */
  fdatasyncGrowing: Latency;
  /** As fdatasyncPrewritten, but called through the libuv thread pool, as the store calls it. */
  fdatasyncPrewrittenAsync: Latency;
}

export interface RawDiskOptions {
  fileBytes: number;
  fsyncSamples: number;
}

export async function measureRawDisk(dir: string, options: RawDiskOptions): Promise<RawDiskFigures> {
  fs.mkdirSync(dir, { recursive: true });
  const chunk = Buffer.alloc(WRITE_CHUNK, 0x5a);
  const fileBytes = Math.max(WRITE_CHUNK, options.fileBytes - (options.fileBytes % WRITE_CHUNK));

  const growing: number[] = [];
  for (let pass = 0; pass < PASSES; pass += 1) {
    const file = path.join(dir, `raw-growing-${pass}`);
    fs.rmSync(file, { force: true });
    growing.push(writePass(file, 'w', chunk, fileBytes));
    fs.rmSync(file, { force: true });
  }

  const prewrittenFile = path.join(dir, 'raw-prewritten');
  fs.rmSync(prewrittenFile, { force: true });
  writePass(prewrittenFile, 'w', chunk, fileBytes);
  syncFile(prewrittenFile);
  const prewritten: number[] = [];
  for (let pass = 0; pass < PASSES; pass += 1) prewritten.push(writePass(prewrittenFile, 'r+', chunk, fileBytes));
  fs.rmSync(prewrittenFile, { force: true });

  const durableFile = path.join(dir, 'raw-durable');
  fs.rmSync(durableFile, { force: true });
  const durableWriteMBps = durableWritePass(durableFile, chunk, fileBytes);
  fs.rmSync(durableFile, { force: true });

  const samples = options.fsyncSamples;
  const fdatasyncPrewritten = latencyOf(appendAndSync(path.join(dir, 'raw-fsync-prewritten'), samples, true));
  const fdatasyncGrowing = latencyOf(appendAndSync(path.join(dir, 'raw-fsync-growing'), samples, false));
  const fdatasyncPrewrittenAsync = latencyOf(await appendAndSyncAsync(path.join(dir, 'raw-fsync-async'), samples));

  return {
    dir,
    fileBytes,
    writeChunkBytes: WRITE_CHUNK,
    prewrittenWriteMBps: median(prewritten),
    growingWriteMBps: median(growing),
    firstGrowingWriteMBps: growing[0]!,
    durableWriteMBps,
    appendBytes: APPEND_BYTES,
    fdatasyncPrewritten,
    fdatasyncGrowing,
    fdatasyncPrewrittenAsync,
  };
}

/**
 * Writes `bytes` from offset 0 in positional writes of `chunk` (the last one cut short), finishing
 * each write the kernel took only in part; `afterEach` hears the offset written up to.
 */
export function writeSequential(fd: number, chunk: Buffer, bytes: number, afterEach?: (writtenTo: number) => void): void {
  for (let position = 0; position < bytes; position += chunk.length) {
    const length = Math.min(chunk.length, bytes - position);
    let done = 0;
    while (done < length) done += fs.writeSync(fd, chunk, done, length - done, position + done);
    afterEach?.(position + length);
  }
}

/** Writes `bytes` sequentially in `chunk`-sized positional writes; returns MB/s (no fsync timed). */
function writePass(file: string, flags: 'w' | 'r+', chunk: Buffer, bytes: number): number {
  const fd = fs.openSync(file, flags);
  try {
    const started = performance.now();
    writeSequential(fd, chunk, bytes);
    const seconds = (performance.now() - started) / 1000;
    return bytes / MB / seconds;
  } finally {
    fs.closeSync(fd);
  }
}

function durableWritePass(file: string, chunk: Buffer, bytes: number): number {
  const fd = fs.openSync(file, 'w');
  try {
    const started = performance.now();
    writeSequential(fd, chunk, bytes);
    fs.fdatasyncSync(fd);
    return bytes / MB / ((performance.now() - started) / 1000);
  } finally {
    fs.closeSync(fd);
  }
}

function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Room for every append, written and fsynced before the timed loop, so appends change no metadata. */
function preallocate(fd: number, bytes: number): void {
  writeSequential(fd, Buffer.alloc(Math.min(WRITE_CHUNK, bytes)), bytes);
  fs.fsyncSync(fd);
}

/** Appends APPEND_BYTES and fdatasyncs, `samples` times; returns each fdatasync's latency in µs. */
function appendAndSync(file: string, samples: number, prewritten: boolean): Float64Array {
  fs.rmSync(file, { force: true });
  const fd = fs.openSync(file, 'w+');
  const record = Buffer.alloc(APPEND_BYTES, 0x42);
  const latencies = new Float64Array(samples);
  try {
    if (prewritten) preallocate(fd, samples * APPEND_BYTES);
    for (let i = 0; i < samples; i += 1) {
      fs.writeSync(fd, record, 0, record.length, i * APPEND_BYTES);
      const started = process.hrtime.bigint();
      fs.fdatasyncSync(fd);
      latencies[i] = Number(process.hrtime.bigint() - started) / 1000;
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
  return latencies;
}

async function appendAndSyncAsync(file: string, samples: number): Promise<Float64Array> {
  fs.rmSync(file, { force: true });
  const fd = fs.openSync(file, 'w+');
  const record = Buffer.alloc(APPEND_BYTES, 0x42);
  const latencies = new Float64Array(samples);
  try {
    preallocate(fd, samples * APPEND_BYTES);
    for (let i = 0; i < samples; i += 1) {
      fs.writeSync(fd, record, 0, record.length, i * APPEND_BYTES);
      const started = process.hrtime.bigint();
      await fdatasyncAsync(fd);
      latencies[i] = Number(process.hrtime.bigint() - started) / 1000;
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
  return latencies;
}
