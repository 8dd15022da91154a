// The bookkeeping both end-to-end latency rows share (broker-bench-e2e: raw protocol; client-bench-
// client: Pulsejet's client): bodies stamped with their send time, a paced send loop, the wait for
// every acknowledged message to arrive, and the result. Only how a message is sent and received
// differs between the rows, so that stays with them.
import type { E2eOptions, E2eResult } from './broker-bench-e2e';
import { SampleBuffer, quantile, sleep } from './measure';
import { epochOf } from './pause-watch';

/** Each body starts with its send time (performance.now(), a float64), finer than the wire's ms born timestamp. */
export const BODY_STAMP_BYTES = 8;
/** Sends start on a 1 ms timer; each tick sends what the rate owes, so messages leave in bursts of about rate/1000. */
const TICK_MS = 1;
/** More unacknowledged sends than this means the broker fell behind; the pacer waits instead of queueing without bound. */
const MAX_OUTSTANDING = 5000;
/** After the window, acknowledged messages must all arrive within this. */
const ARRIVAL_TIMEOUT_MS = 30_000;

export class E2eRecorder {
  /** Sends after the warm-up and before the end of the window are measured (performance.now() ms). */
  private measureFrom = Number.POSITIVE_INFINITY;
  private measureTo = Number.POSITIVE_INFINITY;
  private outstanding = 0;
  private acknowledged = 0;
  private rejected = 0;
  private sentInWindow = 0;
  private received = 0;
  readonly failures: unknown[] = [];
  private readonly latencies = new SampleBuffer();
  private readonly sendLatencies = new SampleBuffer();
  private readonly template: Buffer;

  constructor(
    private readonly options: E2eOptions,
    private readonly label: string,
  ) {
    if (options.bodyBytes < BODY_STAMP_BYTES) throw new RangeError(`e2e bodies carry an 8-byte send time; bodyBytes must be >= ${BODY_STAMP_BYTES}`);
    this.template = Buffer.alloc(options.bodyBytes, 0x65);
  }

  /** A fresh body stamped with now; the send it is for counts as outstanding until acked/refused/failed. */
  stampedBody(): { body: Buffer; sentAt: number } {
    const body = Buffer.allocUnsafe(this.options.bodyBytes);
    this.template.copy(body, BODY_STAMP_BYTES, BODY_STAMP_BYTES);
    const sentAt = performance.now();
    body.writeDoubleLE(sentAt, 0);
    this.outstanding += 1;
    if (sentAt >= this.measureFrom) this.sentInWindow += 1;
    return { body, sentAt };
  }

  acked(sentAt: number): void {
    this.outstanding -= 1;
    this.acknowledged += 1;
    if (this.inWindow(sentAt)) this.sendLatencies.push((performance.now() - sentAt) * 1000);
  }

  /** The broker fell behind the rate and refused (SYSTEM_BUSY): not received, not in the latencies. */
  refused(): void {
    this.outstanding -= 1;
    this.rejected += 1;
  }

  failed(error: unknown): void {
    this.outstanding -= 1;
    this.failures.push(error);
  }

  /** A stamped body arrived at `receivedAt` (performance.now() ms). */
  arrived(body: Buffer, receivedAt: number): void {
    this.received += 1;
    const sentAt = body.readDoubleLE(0);
    if (this.inWindow(sentAt)) this.latencies.push((receivedAt - sentAt) * 1000);
  }

  /** Every acknowledged message arrived (the consumer side may stop). */
  get caughtUp(): boolean {
    return this.received >= this.acknowledged;
  }

  /**
   * Calls `sendOne` at the options' rate through warm-up and window, then waits until nothing is
   * outstanding and every acknowledged message arrived. Throws the first failure.
   */
  async run(sendOne: () => void): Promise<E2eResult> {
    const { rate, warmupMs, durationMs } = this.options;
    const started = performance.now();
    const end = started + warmupMs + durationMs;
    this.measureFrom = started + warmupMs;
    let sent = 0;
    while (this.failures.length === 0) {
      const now = performance.now();
      if (now >= end) break;
      const owed = Math.floor(((now - started) * rate) / 1000);
      while (sent < owed && this.outstanding < MAX_OUTSTANDING) {
        sendOne();
        sent += 1;
      }
      await sleep(TICK_MS);
    }
    this.measureTo = end;
    const windowSeconds = (Math.min(performance.now(), end) - this.measureFrom) / 1000;

    const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
    while ((this.outstanding > 0 || !this.caughtUp) && this.failures.length === 0) {
      if (Date.now() > deadline) throw new Error(`${this.label}: ${this.acknowledged - this.received} acknowledged messages were not received within ${ARRIVAL_TIMEOUT_MS / 1000} s`);
      await sleep(10);
    }
    if (this.failures.length > 0) throw this.failures[0];
    const pauses = await this.options.pauseWatch?.window(epochOf(this.measureFrom), Date.now());

    const values = this.latencies.values();
    const sendValues = this.sendLatencies.values();
    return {
      rate,
      bodyBytes: this.options.bodyBytes,
      achievedRate: this.sentInWindow / windowSeconds,
      samples: values.length,
      p50Us: quantile(values, 0.5),
      p99Us: quantile(values, 0.99),
      maxUs: quantile(values, 1),
      sendP50Us: quantile(sendValues, 0.5),
      sendP99Us: quantile(sendValues, 0.99),
      rejected: this.rejected,
      ...(pauses !== undefined ? { pauses } : {}),
    };
  }

  private inWindow(sentAt: number): boolean {
    return sentAt >= this.measureFrom && sentAt < this.measureTo;
  }
}
