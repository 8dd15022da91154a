// The three loads of the peers benchmark, written once over callbacks so that every system runs
// exactly the same scenario: N publishers each awaiting its ack (single messages or batches), a
// timed drain of a backlog, and a paced publisher with a consumer in this process (one clock).
import { IdTracker, bodyId, bodySentAt, makeBody } from './peers-bench-ids';
import type { ConsumeOptions, E2eOptions, LatencyFigures, PublishOptions } from './peers-bench-types';
import { SampleBuffer, quantile, sleep } from './measure';

/** Publishes `bodies` and resolves once the server acknowledged every one of them. */
export type SendBatch = (bodies: Buffer[]) => Promise<void>;

export interface PublishRun {
  seconds: number;
  /** Each acknowledged id, once per ack. */
  acked: IdTracker;
}

/** `inFlight` workers, each taking the next `batch` ids, publishing them and awaiting the ack. */
export async function runPublish(options: PublishOptions, send: SendBatch): Promise<PublishRun> {
  const acked = new IdTracker(options.messages);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.inFlight }, async () => {
      while (next < options.messages) {
        const from = next;
        const to = Math.min(options.messages, from + options.batch);
        next = to;
        const bodies: Buffer[] = [];
        for (let id = from; id < to; id += 1) bodies.push(makeBody(options.bodyBytes, id));
        await send(bodies);
        for (let id = from; id < to; id += 1) acked.record(id);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, acked };
}

/** A running consumer; each message it handles (and acks) is passed to `onBody`. */
export interface RunningConsumer {
  close(): Promise<void>;
}
export type StartConsumer = (onBody: (body: Uint8Array) => void) => Promise<RunningConsumer>;

const DRAIN_BASE_TIMEOUT_MS = 120_000;

/** Drains ids 0..messages-1; the clock runs from starting the consumer to the last new id. */
export async function runDrain(options: ConsumeOptions, start: StartConsumer): Promise<{ seconds: number; seen: IdTracker }> {
  const seen = new IdTracker(options.messages);
  const started = performance.now();
  let finished = started;
  const consumer = await start((body) => seen.record(bodyId(body)));
  try {
    const deadline = Date.now() + DRAIN_BASE_TIMEOUT_MS + options.messages;
    while (seen.received < options.messages && Date.now() < deadline) await sleep(1);
    finished = performance.now();
    // A short settle so late duplicates are counted too (outside the clock).
    await sleep(100);
  } finally {
    await consumer.close();
  }
  return { seconds: (finished - started) / 1000, seen };
}

/** Sends start on a 1 ms timer; each tick sends what the rate owes. */
const TICK_MS = 1;
const MAX_OUTSTANDING = 10_000;
const SETTLE_TIMEOUT_MS = 30_000;

/**
 * End-to-end latency at a fixed rate: the consumer is started (and ready) first; each body carries
 * its send time; samples are the messages sent inside the measured window. Every sent id must
 * arrive once.
 */
export async function runE2e(options: E2eOptions, send: (body: Buffer) => Promise<void>, start: StartConsumer): Promise<LatencyFigures> {
  const latencies = new SampleBuffer();
  let expected = 0;
  const arrivals: number[] = [];
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureTo = Number.POSITIVE_INFINITY;
  const consumer = await start((body) => {
    const receivedAt = performance.now();
    arrivals.push(bodyId(body));
    const sentAt = bodySentAt(body);
    if (sentAt >= measureFrom && sentAt < measureTo) latencies.push((receivedAt - sentAt) * 1000);
  });
  const failures: unknown[] = [];
  let outstanding = 0;
  let sentInWindow = 0;
  try {
    const started = performance.now();
    const end = started + options.warmupMs + options.durationMs;
    measureFrom = started + options.warmupMs;
    while (failures.length === 0) {
      const now = performance.now();
      if (now >= end) break;
      const owed = Math.floor(((now - started) * options.rate) / 1000);
      while (expected < owed && outstanding < MAX_OUTSTANDING) {
        const sentAt = performance.now();
        const body = makeBody(options.bodyBytes, expected, sentAt);
        expected += 1;
        if (sentAt >= measureFrom) sentInWindow += 1;
        outstanding += 1;
        send(body).then(
          () => (outstanding -= 1),
          (error: unknown) => {
            outstanding -= 1;
            failures.push(error);
          },
        );
      }
      await sleep(TICK_MS);
    }
    measureTo = end;
    const windowSeconds = (Math.min(performance.now(), end) - measureFrom) / 1000;
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    while ((outstanding > 0 || arrivals.length < expected) && failures.length === 0 && Date.now() < deadline) await sleep(10);
    await sleep(100);
    if (failures.length > 0) throw failures[0];
    const seen = new IdTracker(expected);
    for (const id of arrivals) seen.record(id);
    const values = latencies.values();
    return {
      achievedRate: sentInWindow / windowSeconds,
      samples: values.length,
      p50Us: quantile(values, 0.5),
      p99Us: quantile(values, 0.99),
      p999Us: quantile(values, 0.999),
      integrity: seen.integrity(),
    };
  } finally {
    await consumer.close();
  }
}
