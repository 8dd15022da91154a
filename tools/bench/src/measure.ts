import * as fs from 'node:fs';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Megabytes are 10^6 bytes throughout, as disk tools report them. */
export const MB = 1_000_000;

/** The q-quantile (0..1) of samples, nearest rank; NaN for no samples. Sorts a copy. */
export function quantile(samples: ArrayLike<number>, q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(samples: ArrayLike<number>): number {
  return quantile(samples, 0.5);
}

/**
 * How a row compares with its baseline when both ran in the same rounds: the ratio within each round
 * (back to back, so what changed between rounds cancels out), then the geometric mean of those
 * ratios, without the lowest and the highest from `TRIM_FROM_ROUNDS` rounds on. Not their median: on
 * this machine a process runs fast or slow for up to seconds at a time with its work unchanged (a
 * fixed single-threaded workload's CPU time per unit swung 1.6x on an idle machine), so per-round
 * ratios spread widely but seldom wildly, and a mean of their logarithms is the more precise
 * estimate; leaving out the two extremes keeps one round a host pause hit from deciding it.
 * Only the first min(rows, baselines) rounds pair up.
 */
export function pairedRatio(rows: readonly number[], baselines: readonly number[]): number {
  const rounds = Math.min(rows.length, baselines.length);
  if (rounds === 0) return Number.NaN;
  const logRatios = Array.from({ length: rounds }, (_, i) => Math.log(rows[i]! / baselines[i]!)).sort((a, b) => a - b);
  const kept = rounds >= TRIM_FROM_ROUNDS ? logRatios.slice(1, -1) : logRatios;
  return Math.exp(kept.reduce((sum, value) => sum + value, 0) / kept.length);
}

/** From this many rounds on, pairedRatio leaves out the lowest and the highest round. */
export const TRIM_FROM_ROUNDS = 5;

/** A latency distribution, microseconds. */
export interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

export function latencyOf(samplesUs: ArrayLike<number>): Latency {
  return { p50: quantile(samplesUs, 0.5), p99: quantile(samplesUs, 0.99), samples: samplesUs.length };
}

/** Collects samples without growing a JS array per value (millions of puts per run). */
export class SampleBuffer {
  private data = new Float64Array(1024);
  private count = 0;

  push(value: number): void {
    if (this.count === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.count] = value;
    this.count += 1;
  }

  get length(): number {
    return this.count;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.count);
  }
}

/** Peak (VmHWM) and current (VmRSS) resident set of a process, bytes, from /proc; undefined off Linux. */
export function processMemory(pid: number | 'self'): { rss: number; peakRss: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : Number.NaN;
    };
    return { rss: field('VmRSS'), peakRss: field('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Bytes of all files directly in `dir` (the commit log's segments and pre-fill files). */
export function directoryBytes(dir: string): number {
  let total = 0;
  for (const name of fs.readdirSync(dir)) {
    try {
      total += fs.statSync(path.join(dir, name)).size;
    } catch {
      // renamed or removed between readdir and stat: counted on the next poll
    }
  }
  return total;
}

/**
 * Waits until `dir` has stopped growing for `quietMs` (the store's background pre-fill of the next
 * segment is done), or `timeoutMs` passed. Returns how long it waited, ms.
 */
export async function waitForQuietDirectory(dir: string, quietMs: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  let last = directoryBytes(dir);
  let quietSince = performance.now();
  while (performance.now() - started < timeoutMs) {
    await sleep(Math.min(50, quietMs));
    const now = directoryBytes(dir);
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= quietMs) {
      break;
    }
  }
  return performance.now() - started;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Removes and recreates a scenario directory. */
export function freshDirectory(dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Share of the machine's CPU used by other processes above which a window is flagged as disturbed. */
export const BUSY_MACHINE = 0.1;

/** CPU time of the whole machine and of this process tree, in clock ticks, from /proc. */
export interface CpuSnapshot {
  machineBusy: number;
  machineTotal: number;
  /** This process (all its threads) plus its children that have exited. */
  own: number;
}

export function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = ticks;
    // /proc/self/stat: fields 14-17 are utime, stime, cutime, cstime; the name (field 2) may hold spaces.
    const self = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number);
    const own = (fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0);
    const busy = user + nice + system + irq + softirq + steal;
    return { machineBusy: busy, machineTotal: busy + idle + iowait, own };
  } catch {
    return undefined;
  }
}

/**
 * Share of the machine's CPU capacity (0..1) that other processes used between two snapshots: a
 * benchmark on a shared 2-core machine is only as good as the quiet it ran in. Kernel work done on
 * our behalf (page-cache writeback threads) counts as "other" too, so a few percent is normal.
 */
export function otherCpuShare(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined): number | undefined {
  if (!before || !after) return undefined;
  const total = after.machineTotal - before.machineTotal;
  if (total <= 0) return undefined;
  const other = after.machineBusy - before.machineBusy - (after.own - before.own);
  return Math.max(0, other / total);
}

/**
 * Waits until other processes use at most BUSY_MACHINE of the CPU over a `sampleMs` sample, for up
 * to `timeoutMs`; then the caller measures anyway (and its window's otherCpuShare shows the noise).
 * Returns how long it waited, ms.
 */
export async function waitForQuietCpu(sampleMs = 500, timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const before = cpuSnapshot();
    await sleep(sampleMs);
    const share = otherCpuShare(before, cpuSnapshot());
    if (share === undefined || share <= BUSY_MACHINE) break;
  }
  return performance.now() - started;
}

/** Share of the machine's CPU (every process, this one and the broker included) under which it counts as settled. */
export const SETTLED_MACHINE = 0.1;

/**
 * Waits until the whole machine, this process tree included, uses at most SETTLED_MACHINE of its CPU
 * over a `sampleMs` sample, for up to `timeoutMs`. After a preload the broker still indexes the
 * backlog's keys and flushes it; a drain timed during that would be charged with the preload's
 * leftovers, by a different amount in each round. Returns how long it waited, ms.
 */
export async function waitForSettledMachine(sampleMs = 200, timeoutMs = 5_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const before = cpuSnapshot();
    await sleep(sampleMs);
    const after = cpuSnapshot();
    if (!before || !after) break;
    const total = after.machineTotal - before.machineTotal;
    if (total > 0 && (after.machineBusy - before.machineBusy) / total <= SETTLED_MACHINE) break;
  }
  return performance.now() - started;
}

let fullGc: (() => void) | undefined;

/**
 * Before a measured drain's clock: collect this process's heap (collectGarbage), then wait until
 * the broker has finished with the preload (key index, flush; waitForSettledMachine).
 */
export async function settleBeforeDrain(): Promise<void> {
  collectGarbage();
  await waitForSettledMachine();
}

/**
 * A full garbage collection of this process, before a measured drain: otherwise a drain inherits
 * whatever the row before it left in the heap (a preload's garbage, the previous drain's promoted
 * buffers) and pays for collecting it, a different amount in each round depending on which row ran
 * before. V8's `gc()` is reached without `--expose-gc` on the command line (set at run time, then
 * taken from a fresh context, where V8 installs it).
 */
function collectGarbage(): void {
  if (fullGc === undefined) {
    setFlagsFromString('--expose-gc');
    fullGc = runInNewContext('gc') as () => void;
  }
  fullGc();
}
