import * as fs from 'node:fs';
import * as path from 'node:path';

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
