import { Worker } from 'node:worker_threads';

/**
 * Zeros are written in chunks of this size. Not larger: the page cache keeps a file's pages in folios
 * as large as the writes that created them (ext4 on Linux 6.x), and a later small write into a folio
 * walks all of its blocks. On the development VM a 160 B - 1.3 KB pwrite into a file pre-filled in
 * 1 MiB writes took 2.6-3.7 us, in 64 KiB writes 1.5-1.9 us (1.2-2 us into a growing file). The
 * store writes once per batch of puts, so a lone writer pays that per message.
 */
const CHUNK = 64 * 1024;
/**
 * An fdatasync every this many bytes, so the zeros reach the disk as they are written instead of as a
 * gigabyte of dirty pages whose writeback would later stall the store's own fsyncs.
 */
const SYNC_EVERY = 16 * 1024 * 1024;

/** A zero fill in progress; cancel() stops it within one chunk, and `done` then resolves false. */
export interface ZeroFill {
  /** True when the file was written full and synced, false when stopped. Rejects on an I/O error. */
  done: Promise<boolean>;
  cancel(): void;
  /**
   * Stops the fill and says what it leaves: zeros from the file's start up to `claimedTo`, the last
   * chunk of which the worker may still be writing. A segment needed before its fill finished takes
   * the file as it is rather than a fresh one: the zeros already written are page cache that is in
   * place, and on a VM every page touched for the first time is expensive (see docs/benchmarks.md).
   */
  stop(): StoppedZeroFill;
}

/** What a stopped fill may still write: nothing at or past claimedTo, and below it only from writingFrom. */
export interface StoppedZeroFill {
  /** End of the zeros (a chunk boundary, or the size): the worker never writes at or past it. */
  readonly claimedTo: number;
  /** Start of the chunk the worker may still be writing; claimedTo when it writes none. */
  readonly writingFrom: number;
  /** Blocks until the worker writes no more (at most the rest of one chunk). Throws after a timeout. */
  settle(): void;
}

/**
 * Control slots shared with the worker. The worker claims chunk k by raising CLAIMED from k to k + 1
 * before writing it; stopping swaps STOPPED in, so the claim and the stop cannot cross: whatever
 * stop() read was claimed, nothing after it will be. WRITTEN counts chunks written, DONE_WRITING
 * once the worker has left the file.
 */
const CLAIMED = 0;
const WRITTEN = 1;
const STOPPED = -1;
const DONE_WRITING = 0x7fffffff;
/**
 * The worker's nice value: it runs on whatever CPU the broker's threads and its neighbours leave.
 * The zeros have most of a segment's writing time to be ready (a fill starts when an eighth of the
 * previous segment is written, and a late one is taken over), but at the default priority the fill
 * (~1.5 s of CPU per GiB on a VM whose host hands back freed memory) competes with the broker's main
 * thread and its producers for the cores. Measured, a broker child under 1 KiB single sends from 256
 * in flight, 9 s windows each holding one 1 GiB fill, three ABBA quads: nice 19 against 0 carried
 * +4.5%, +1.9% and +0.7% more messages per second (quad means 125.0k / 119.6k, 107.2k / 105.2k,
 * 132.5k / 131.6k; the host's speed moved more than that between quads).
 */
const LOWEST_PRIORITY = 19;
/**
 * Linux's idle scheduling class (SCHED_IDLE), asked of `chrt` (util-linux; Node has no
 * sched_setscheduler), on top of nice 19, which still leaves the fill a share of a busy core: Linux
 * 6.6+ schedules by EEVDF, where a waking thread need not preempt a running nice-19 one before its
 * slice ends, while a SCHED_IDLE thread gives way to any other at once. Measured, a broker child under
 * 1 KiB single sends from 256 in flight, the rate during a 1 GiB fill over the rate outside it in the
 * same run (250 ms samples), three ABBA quads: 0.77-0.97 (mean 0.85) with SCHED_IDLE against
 * 0.71-0.80 (mean 0.74) at nice 19 alone. Linux derives the thread's I/O class from the policy (idle),
 * which matters only under an I/O scheduler that orders by class; mq-deadline, the development VM's,
 * serves such requests when no other class waits, and any that waited its prio_aging_expire (10 s).
 * Without chrt (or off Linux) the worker keeps nice 19.
 */
const IDLE_POLICY_ARGS = ['--idle', '--pid', '0'];
/** How long settle() waits for one chunk's write before calling the worker stuck. */
const SETTLE_TIMEOUT_MS = 30_000;

/**
 * The worker's whole program, plain JavaScript so that it runs the same under tsx, Jest and built
 * code. Writes from a worker thread rather than through fs.promises: at 64 KiB per write that is
 * 16,384 completions per GiB, and each one woke the main thread (measured: 90-100 ms of main-thread
 * CPU per 256 MiB, against 10 ms with 1 MiB writes), the thread every put and request runs on. One
 * worker serves the whole process, one fill after another: starting a worker costs ~33 ms of CPU here,
 * too much per segment when segments are small (tests use KiB-sized ones).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
lowerPriority();
function lowerPriority() {
  // Linux: setpriority() on a thread id sets that thread's nice value alone (see LOWEST_PRIORITY).
  // Threads a thread starts inherit its nice value; this one starts none (sync fs calls only, so the
  // libuv thread pool is never started from here).
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return;
    require('node:os').setPriority(tid, ${LOWEST_PRIORITY});
    try {
      // Once per process (one worker serves every fill); chrt changes this thread's policy alone.
      require('node:child_process').execFileSync('chrt', ${JSON.stringify(IDLE_POLICY_ARGS)}.concat(String(tid)), { stdio: 'ignore', timeout: 5000 });
    } catch {
      // No chrt: nice 19 alone (see IDLE_POLICY_ARGS).
    }
  } catch {
    // No /proc (not Linux) or not permitted: the fill runs at the process's priority.
  }
}
function fill({ path, size, chunk, syncEvery, control }) {
  const ctl = new Int32Array(control);
  try {
    if (Atomics.load(ctl, ${CLAIMED}) === ${STOPPED}) return false;
    const zeros = Buffer.alloc(Math.min(chunk, size));
    const fd = fs.openSync(path, 'w');
    try {
      for (let k = 0, pos = 0; pos < size; k += 1, pos += zeros.length) {
        if (Atomics.compareExchange(ctl, ${CLAIMED}, k, k + 1) !== k) return false;
        const length = Math.min(zeros.length, size - pos);
        for (let done = 0; done < length; ) done += fs.writeSync(fd, zeros, done, length - done, pos + done);
        Atomics.store(ctl, ${WRITTEN}, k + 1);
        Atomics.notify(ctl, ${WRITTEN});
        if ((pos + length) % syncEvery === 0) fs.fdatasyncSync(fd);
      }
      fs.fdatasyncSync(fd);
      return Atomics.load(ctl, ${CLAIMED}) !== ${STOPPED};
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    Atomics.store(ctl, ${WRITTEN}, ${DONE_WRITING});
    Atomics.notify(ctl, ${WRITTEN});
  }
}
parentPort.on('message', (job) => {
  try {
    parentPort.postMessage({ id: job.id, filled: fill(job) });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.message || error) });
  }
});
`;

interface Job {
  resolve: (filled: boolean) => void;
  reject: (error: Error) => void;
}

interface Reply {
  id: number;
  filled?: boolean;
  error?: string;
}

/** The process's zero-fill worker, started on first use; it holds the process open only while it has work. */
let shared: { worker: Worker; jobs: Map<number, Job> } | undefined;
let nextJobId = 0;

function zeroFillWorker(): { worker: Worker; jobs: Map<number, Job> } {
  if (shared) return shared;
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  const jobs = new Map<number, Job>();
  const current = { worker, jobs };
  const failAll = (error: Error): void => {
    if (shared === current) shared = undefined;
    for (const job of jobs.values()) job.reject(error);
    jobs.clear();
  };
  worker.on('message', (reply: Reply) => {
    const job = jobs.get(reply.id);
    jobs.delete(reply.id);
    if (jobs.size === 0) worker.unref();
    if (reply.error !== undefined) job?.reject(new Error(reply.error));
    else job?.resolve(reply.filled === true);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the zero-fill worker exited with code ${code}`)));
  worker.unref();
  shared = current;
  return current;
}

/** Writes `size` zero bytes to a new file at `path` on the zero-fill worker. */
export function startZeroFill(path: string, size: number): ZeroFill {
  const control = new Int32Array(new SharedArrayBuffer(8));
  const { worker, jobs } = zeroFillWorker();
  const id = ++nextJobId;
  const done = new Promise<boolean>((resolve, reject) => jobs.set(id, { resolve, reject }));
  // Held open while a fill runs: the store's open awaits its first segment's zeros.
  worker.ref();
  worker.postMessage({ id, path, size, chunk: CHUNK, syncEvery: SYNC_EVERY, control: control.buffer });
  const stop = (): StoppedZeroFill => {
    const previous = Atomics.exchange(control, CLAIMED, STOPPED);
    // A second stop (cancel() after stop()) reports nothing: what was claimed belongs to the first.
    const claimed = previous === STOPPED ? 0 : previous;
    const claimedTo = Math.min(size, claimed * CHUNK);
    const writing = Atomics.load(control, WRITTEN) < claimed;
    return {
      claimedTo,
      writingFrom: writing ? (claimed - 1) * CHUNK : claimedTo,
      settle: () => settle(control, claimed),
    };
  };
  return { done, cancel: () => void stop(), stop };
}

function settle(control: Int32Array, claimed: number): void {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const written = Atomics.load(control, WRITTEN);
    if (written >= claimed) return;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`the zero-fill worker did not finish writing chunk ${claimed - 1} within ${SETTLE_TIMEOUT_MS} ms`);
    Atomics.wait(control, WRITTEN, written, left);
  }
}
