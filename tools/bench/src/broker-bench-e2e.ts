// End-to-end latency at a fixed rate: a paced producer and long-polling consumers (one pull loop per
// queue, held on the broker until a message arrives) in this process, so send and receive times
// come from one clock. Each body starts with its send time (performance.now(), a float64), which is
// finer than the wire's millisecond born timestamp.
import { RequestCode, ResponseCode, createRequest } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { createTopic } from './broker-bench-child';
import { pullLoop } from './broker-bench-pull';
import { UniqueKeys, checkSendReply, sendV2Header } from './broker-bench-send';
import { SampleBuffer, quantile, sleep } from './measure';

export interface E2eOptions {
  topic: string;
  queues: number;
  /** Target send rate, msg/s. */
  rate: number;
  /** Paced, unrecorded time before the window, ms. */
  warmupMs: number;
  durationMs: number;
  bodyBytes: number;
}

export interface E2eResult {
  rate: number;
  bodyBytes: number;
  /** Messages sent per second over the measured window. */
  achievedRate: number;
  /** Messages sent in the window whose receipt was recorded. */
  samples: number;
  /** Send → receive, µs. */
  p50Us: number;
  p99Us: number;
  maxUs: number;
  /** Send → broker acknowledgement, µs (same window). */
  sendP50Us: number;
  sendP99Us: number;
  /** Sends the broker refused with SYSTEM_BUSY (it fell behind the rate); not received, not in the latencies. */
  rejected: number;
}

/** Sends start on a 1 ms timer; each tick sends what the rate owes, so messages leave in bursts of about rate/1000. */
const TICK_MS = 1;
/** More unacknowledged sends than this means the broker fell behind; the pacer waits instead of queueing without bound. */
const MAX_OUTSTANDING = 5000;
const BODY_STAMP_BYTES = 8;
/** Pulls are held this long when nothing arrives; the loops end within that time after the last message. */
const SUSPEND_MS = 2000;

export async function runE2e(producer: RemotingClient, consumer: RemotingClient, address: string, options: E2eOptions): Promise<E2eResult> {
  if (options.bodyBytes < BODY_STAMP_BYTES) throw new RangeError(`e2e bodies carry an 8-byte send time; bodyBytes must be >= ${BODY_STAMP_BYTES}`);
  await createTopic(producer, address, options.topic, options.queues);
  const latencies = new SampleBuffer();
  const sendLatencies = new SampleBuffer();
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureTo = Number.POSITIVE_INFINITY;
  let acknowledged = 0;
  let rejected = 0;
  let received = 0;
  let stopping = false;
  const failures: unknown[] = [];

  const loops = Array.from({ length: options.queues }, (_, queueId) =>
    pullLoop(consumer, address, {
      topic: options.topic,
      queueId,
      batch: 32,
      suspendMs: SUSPEND_MS,
      done: () => (stopping && received >= acknowledged) || failures.length > 0,
      onMessages: (messages, receivedAt) => {
        received += messages.length;
        for (const message of messages) {
          const sentAt = message.body.readDoubleLE(0);
          if (sentAt >= measureFrom && sentAt < measureTo) latencies.push((receivedAt - sentAt) * 1000);
        }
      },
    }),
  );
  // The pull loops' first requests must be parked on the broker before the first send.
  await sleep(200);

  const keys = new UniqueKeys();
  const template = Buffer.alloc(options.bodyBytes, 0x65);
  let outstanding = 0;
  let sent = 0;
  let sentInWindow = 0;
  let queue = 0;
  const sendOne = (): void => {
    const body = Buffer.allocUnsafe(options.bodyBytes);
    template.copy(body, BODY_STAMP_BYTES, BODY_STAMP_BYTES);
    const sentAt = performance.now();
    body.writeDoubleLE(sentAt, 0);
    queue = (queue + 1) % options.queues;
    const properties = `TAGS\u0001bench\u0002WAIT\u0001true\u0002UNIQ_KEY\u0001${keys.next()}\u0002`;
    outstanding += 1;
    if (sentAt >= measureFrom) sentInWindow += 1;
    producer.request(address, createRequest(RequestCode.SEND_MESSAGE_V2, sendV2Header(options.topic, queue, properties), body), 30_000).then(
      (reply) => {
        outstanding -= 1;
        if (reply.code === ResponseCode.SYSTEM_BUSY) {
          rejected += 1;
          return;
        }
        try {
          checkSendReply(reply);
          acknowledged += 1;
          if (sentAt >= measureFrom && sentAt < measureTo) sendLatencies.push((performance.now() - sentAt) * 1000);
        } catch (error) {
          failures.push(error);
        }
      },
      (error: unknown) => {
        outstanding -= 1;
        failures.push(error);
      },
    );
  };

  const started = performance.now();
  const end = started + options.warmupMs + options.durationMs;
  measureFrom = started + options.warmupMs;
  while (failures.length === 0) {
    const now = performance.now();
    if (now >= end) break;
    const owed = Math.floor(((now - started) * options.rate) / 1000);
    while (sent < owed && outstanding < MAX_OUTSTANDING) {
      sendOne();
      sent += 1;
    }
    await sleep(TICK_MS);
  }
  measureTo = end;
  const windowSeconds = (Math.min(performance.now(), end) - measureFrom) / 1000;

  const deadline = Date.now() + 30_000;
  while ((outstanding > 0 || received < acknowledged) && failures.length === 0) {
    if (Date.now() > deadline) throw new Error(`e2e: ${acknowledged - received} acknowledged messages were not received within 30 s`);
    await sleep(10);
  }
  stopping = true;
  await Promise.all(loops);
  if (failures.length > 0) throw failures[0];

  const values = latencies.values();
  const sendValues = sendLatencies.values();
  return {
    rate: options.rate,
    bodyBytes: options.bodyBytes,
    achievedRate: sentInWindow / windowSeconds,
    samples: values.length,
    p50Us: quantile(values, 0.5),
    p99Us: quantile(values, 0.99),
    maxUs: quantile(values, 1),
    sendP50Us: quantile(sendValues, 0.5),
    sendP99Us: quantile(sendValues, 0.99),
    rejected,
  };
}
