// The slave's replication lag under load, in time rather than bytes. A sampler asks the master for
// GET_BROKER_RUNTIME_INFO every few ms: one answer holds, taken at the same instant on the master,
// its commit-log end (commitLogMaxOffset) and the offset its slave last acknowledged
// (haSlaveAckOffset). The series of master ends says when the master reached each offset; a sample's
// lag is how long before the sample the master had reached what the slave has now.
import { RequestCode, ResponseCode, createRequest } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { quantile, sleep } from './measure';

export interface OffsetSample {
  /** performance.now() at the middle of the runtime-info round trip, ms. */
  atMs: number;
  /** The master's commit-log end. */
  masterOffset: number;
  /** What the slave acknowledged; -1 before it reported. */
  slaveAckOffset: number;
  /** The runtime-info round trip, ms: the resolution of atMs. */
  roundTripMs: number;
}

const RUNTIME_INFO_TIMEOUT_MS = 10_000;

export async function runtimeInfo(client: RemotingClient, address: string): Promise<Record<string, string>> {
  const reply = await client.request(address, createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, {}), RUNTIME_INFO_TIMEOUT_MS);
  if (reply.code !== ResponseCode.SUCCESS || !reply.body) throw new Error(`GET_BROKER_RUNTIME_INFO at ${address} answered code ${reply.code}: ${reply.remark ?? ''}`);
  return (JSON.parse(reply.body.toString('utf8')) as { table?: Record<string, string> }).table ?? {};
}

/** The master's end and its slave's acknowledged offset, from one runtime-info answer. */
export function offsetsOf(table: Record<string, string>): { masterOffset: number; slaveAckOffset: number; connectedSlaves: number } {
  const number = (key: string): number => {
    const value = Number(table[key]);
    if (table[key] === undefined || !Number.isFinite(value)) throw new Error(`runtime info has no numeric ${key} (is this a master with HA?): ${JSON.stringify(table)}`);
    return value;
  };
  return { masterOffset: number('commitLogMaxOffset'), slaveAckOffset: number('haSlaveAckOffset'), connectedSlaves: number('haConnectedSlaves') };
}

/** Samples the master's offsets back to back, at most one request per `intervalMs`, on its own connection. */
export class LagSampler {
  readonly samples: OffsetSample[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly client: RemotingClient,
    private readonly masterAddress: string,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<OffsetSample[]> {
    this.stopped = true;
    await this.loop;
    return this.samples;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const sent = performance.now();
      const { masterOffset, slaveAckOffset } = offsetsOf(await runtimeInfo(this.client, this.masterAddress));
      const received = performance.now();
      this.samples.push({ atMs: (sent + received) / 2, masterOffset, slaveAckOffset, roundTripMs: received - sent });
      const rest = this.intervalMs - (received - sent);
      if (rest > 0) await sleep(rest);
    }
  }
}

export interface LagPoint {
  atMs: number;
  /** How long before atMs the master's end had reached the slave's acknowledged offset, ms. */
  lagMs: number;
  /** Master end minus slave acknowledgement, bytes. */
  lagBytes: number;
  /** The series did not reach back far enough: lagMs is a lower bound. */
  lowerBound: boolean;
}

/**
 * Converts byte lag to time lag. For each sample i in [fromMs, toMs]: if the slave has everything the
 * master had, 0; otherwise the first earlier sample j whose master end ≥ the slave's offset, and the
 * time the master reached that offset linearly interpolated between samples j-1 and j (the master's
 * end grows roughly linearly within a sampling interval under a steady load). Samples from before
 * the window (the warm-up) serve as the series' past.
 */
export function lagPoints(samples: readonly OffsetSample[], fromMs: number, toMs: number): LagPoint[] {
  const points: LagPoint[] = [];
  for (let i = 0; i < samples.length; i += 1) {
    const sample = samples[i]!;
    if (sample.atMs < fromMs || sample.atMs > toMs || sample.slaveAckOffset < 0) continue;
    const target = sample.slaveAckOffset;
    const lagBytes = Math.max(0, sample.masterOffset - target);
    if (lagBytes === 0) {
      points.push({ atMs: sample.atMs, lagMs: 0, lagBytes, lowerBound: false });
      continue;
    }
    // First j ≤ i with masterOffset ≥ target (master ends never decrease): binary search.
    let lo = 0;
    let hi = i;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (samples[mid]!.masterOffset >= target) hi = mid;
      else lo = mid + 1;
    }
    const reached = samples[lo]!;
    if (lo === 0) {
      points.push({ atMs: sample.atMs, lagMs: sample.atMs - reached.atMs, lagBytes, lowerBound: true });
      continue;
    }
    const before = samples[lo - 1]!;
    const grew = reached.masterOffset - before.masterOffset;
    const reachedAt = grew > 0 ? before.atMs + ((target - before.masterOffset) / grew) * (reached.atMs - before.atMs) : reached.atMs;
    points.push({ atMs: sample.atMs, lagMs: Math.max(0, sample.atMs - reachedAt), lagBytes, lowerBound: false });
  }
  return points;
}

export interface LagSummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  p99Bytes: number;
  /** Samples whose lag reached back before the first sample (their lag is a lower bound). */
  lowerBounds: number;
  /** Median runtime-info round trip in the window, ms: the timing resolution of the samples. */
  roundTripP50Ms: number;
  /** Median spacing of the samples, ms. */
  intervalP50Ms: number;
}

/** Samples in [fromMs, toMs]. */
export function windowOf(samples: readonly OffsetSample[], fromMs: number, toMs: number): OffsetSample[] {
  return samples.filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs);
}

/** Pools the lag points of one or more windows; `windows` are those windows' samples (each in time order). */
export function summariseLag(points: readonly LagPoint[], windows: readonly (readonly OffsetSample[])[]): LagSummary {
  const lags = points.map((point) => point.lagMs);
  const inWindow = windows.flat();
  const gaps = windows.flatMap((window) => window.slice(1).map((sample, i) => sample.atMs - window[i]!.atMs));
  return {
    samples: points.length,
    p50Ms: quantile(lags, 0.5),
    p99Ms: quantile(lags, 0.99),
    maxMs: lags.reduce((max, lag) => Math.max(max, lag), Number.NEGATIVE_INFINITY),
    p99Bytes: quantile(points.map((point) => point.lagBytes), 0.99),
    lowerBounds: points.filter((point) => point.lowerBound).length,
    roundTripP50Ms: quantile(inWindow.map((sample) => sample.roundTripMs), 0.5),
    intervalP50Ms: quantile(gaps, 0.5),
  };
}
