// The client side of the client benchmark: the same three loads as the broker bench's raw-protocol
// ones (broker-bench-send / -consume / -e2e), driven through @pulsejet/client's public API.
import { ClientError, Producer, PushConsumer } from '@pulsejet/client';
import { ResponseCode } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { batchSends, checkSendReply } from './broker-bench-send';
import { MB, SampleBuffer, quantile, sleep } from './measure';
import type { BenchCluster, BrokerAccess } from './client-bench-cluster';
import type { E2eOptions, E2eResult } from './broker-bench-e2e';
import type { ConsumeResult } from './broker-bench-consume';
import type { Load, RoundTripListener } from './remoting-bench-load';
import { processCpuUs } from './remoting-bench-load';

export const SEND_TIMEOUT_MS = 30_000;
const quiet = (): void => undefined;

/** A started Producer on its own remoting client (closed with it). */
export async function startProducer(cluster: BenchCluster, group: string): Promise<Producer> {
  const producer = new Producer({ groupName: group, namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true, sendTimeoutMs: SEND_TIMEOUT_MS, log: quiet });
  await producer.start();
  return producer;
}

/** N callers, each awaiting one Producer.send at a time (round robin over the topic's queues, as send does). */
export class ProducerLoad implements Load {
  private stopped = false;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly body: Buffer,
    private readonly onRoundTrip: RoundTripListener,
  ) {}

  start(inFlight: number): void {
    this.stopped = false;
    this.workers = Array.from({ length: inFlight }, () => this.worker());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
  }

  private async worker(): Promise<void> {
    while (!this.stopped) {
      const started = performance.now();
      const result = await this.producer.send({ topic: this.topic, tags: 'bench', body: this.body });
      if (result.status !== 'SEND_OK') throw new Error(`Producer.send returned ${result.status}`);
      this.onRoundTrip(performance.now() - started);
    }
  }
}

export interface PushConsumeOptions {
  topic: string;
  queues: number;
  messages: number;
  bodyBytes: number;
  /** pullBatchSize (maxMsgNums of each pull), as the raw drain's batch. */
  batch: number;
  group: string;
}

const PRELOAD_BATCH = 64;
const PRELOAD_IN_FLIGHT = 8;

/** What a drain row starts: a consumer of the preloaded backlog, counting each message it handles. */
export interface DrainConsumer {
  close(): Promise<void>;
}
export type StartDrainConsumer = (onMessage: (bodyBytes: number) => void) => Promise<DrainConsumer>;

/**
 * Preloads a backlog with raw batched sends (as the raw drain does), then drains it with the
 * consumer `startConsumer` starts (clustering, from the first offset, a handler that only counts).
 * The clock runs from that call (route lookup and the first rebalance included) to the last message
 * handled; the consumer's close() is outside it.
 */
export async function runDrain(cluster: BrokerAccess, sender: RemotingClient, options: PushConsumeOptions, startConsumer: StartDrainConsumer): Promise<ConsumeResult> {
  await cluster.createTopic(options.topic, options.queues);
  const body = Buffer.alloc(options.bodyBytes, 0x63);
  const requests = batchSends(options.topic, options.queues, body, PRELOAD_BATCH, 16);
  const preloadStarted = performance.now();
  let sent = 0;
  let preloaded = 0;
  await Promise.all(
    Array.from({ length: PRELOAD_IN_FLIGHT }, async () => {
      while (sent < options.messages) {
        sent += PRELOAD_BATCH;
        checkSendReply(await sender.request(cluster.brokerAddress, requests.next(), SEND_TIMEOUT_MS));
        preloaded += PRELOAD_BATCH;
      }
    }),
  );
  const preloadMessagesPerSecond = preloaded / ((performance.now() - preloadStarted) / 1000);

  let received = 0;
  let bytes = 0;
  const clientCpu = process.cpuUsage();
  const brokerCpu = processCpuUs(cluster.brokerPid);
  const started = performance.now();
  let finished = started;
  let consumer: DrainConsumer | undefined;
  try {
    consumer = await startConsumer((bodyBytes) => {
      received += 1;
      bytes += bodyBytes;
    });
    const deadline = Date.now() + 120_000 + options.messages;
    while (received < preloaded) {
      if (Date.now() > deadline) throw new Error(`the drain consumer of ${options.group} handled ${received} of ${preloaded} messages before the deadline`);
      await sleep(1);
    }
    finished = performance.now();
  } finally {
    await consumer?.close();
  }
  const drainSeconds = (finished - started) / 1000;
  const clientUsage = process.cpuUsage(clientCpu);
  const brokerUs = processCpuUs(cluster.brokerPid) - brokerCpu;
  return {
    messages: received,
    bodyBytes: options.bodyBytes,
    batch: options.batch,
    queues: options.queues,
    preloadMessagesPerSecond,
    drainSeconds,
    messagesPerSecond: received / drainSeconds,
    payloadMBps: bytes / MB / drainSeconds,
    messagesPerPull: Number.NaN,
    clientCpuUs: (clientUsage.user + clientUsage.system) / received,
    brokerCpuUs: brokerUs / received,
  };
}

/** runDrain with a plain PushConsumer on its own remoting client of `cluster`. */
export function runPushConsume(cluster: BrokerAccess, sender: RemotingClient, options: PushConsumeOptions): Promise<ConsumeResult> {
  return runDrain(cluster, sender, options, async (onMessage) => {
    const remoting = cluster.newRemotingClient();
    const consumer = new PushConsumer({
      groupName: options.group,
      namesrvAddr: cluster.namesrvAddr,
      remoting,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      pullBatchSize: options.batch,
      log: quiet,
    }).subscribe(options.topic, '*', (message) => onMessage(message.body.length));
    const close = async (): Promise<void> => {
      await consumer.close();
      await remoting.close();
    };
    try {
      await consumer.start();
    } catch (error) {
      await close().catch(() => undefined);
      throw error;
    }
    return { close };
  });
}

/** Sends start on a 1 ms timer; each tick sends what the rate owes (as broker-bench-e2e paces). */
const TICK_MS = 1;
const MAX_OUTSTANDING = 5000;
const BODY_STAMP_BYTES = 8;

/**
 * End-to-end latency through the client: a paced Producer and a PushConsumer in this process (one
 * clock). Each body starts with its send time (performance.now(), float64), as in the raw row.
 */
export async function runClientE2e(cluster: BenchCluster, producer: Producer, group: string, options: E2eOptions): Promise<E2eResult> {
  if (options.bodyBytes < BODY_STAMP_BYTES) throw new RangeError(`e2e bodies carry an 8-byte send time; bodyBytes must be >= ${BODY_STAMP_BYTES}`);
  await cluster.createTopic(options.topic, options.queues);
  const latencies = new SampleBuffer();
  const sendLatencies = new SampleBuffer();
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureTo = Number.POSITIVE_INFINITY;
  let acknowledged = 0;
  let rejected = 0;
  let received = 0;
  const failures: unknown[] = [];
  const remoting = cluster.newRemotingClient();
  const consumer = new PushConsumer({
    groupName: group,
    namesrvAddr: cluster.namesrvAddr,
    remoting,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    log: quiet,
  }).subscribe(options.topic, '*', (message) => {
    const receivedAt = performance.now();
    received += 1;
    const sentAt = message.body.readDoubleLE(0);
    if (sentAt >= measureFrom && sentAt < measureTo) latencies.push((receivedAt - sentAt) * 1000);
  });
  try {
    await consumer.start();
    // Every queue owned (and its first long poll parked) before the first send.
    const ownDeadline = Date.now() + 30_000;
    while (consumer.stats().queues < options.queues) {
      if (Date.now() > ownDeadline) throw new Error(`the e2e PushConsumer owned ${consumer.stats().queues} of ${options.queues} queues after 30 s`);
      await sleep(20);
    }
    await sleep(200);

    const template = Buffer.alloc(options.bodyBytes, 0x65);
    let outstanding = 0;
    let sent = 0;
    let sentInWindow = 0;
    const sendOne = (): void => {
      const body = Buffer.allocUnsafe(options.bodyBytes);
      template.copy(body, BODY_STAMP_BYTES, BODY_STAMP_BYTES);
      const sentAt = performance.now();
      body.writeDoubleLE(sentAt, 0);
      outstanding += 1;
      if (sentAt >= measureFrom) sentInWindow += 1;
      producer.send({ topic: options.topic, tags: 'bench', body }).then(
        () => {
          outstanding -= 1;
          acknowledged += 1;
          if (sentAt >= measureFrom && sentAt < measureTo) sendLatencies.push((performance.now() - sentAt) * 1000);
        },
        (error: unknown) => {
          outstanding -= 1;
          // The broker fell behind the rate and refused (SYSTEM_BUSY) even the retries: counted as the raw row counts it.
          if (ClientError.is(error) && error.responseCode === ResponseCode.SYSTEM_BUSY) rejected += 1;
          else failures.push(error);
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
      if (Date.now() > deadline) throw new Error(`client e2e: ${acknowledged - received} acknowledged messages were not received within 30 s`);
      await sleep(10);
    }
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
  } finally {
    await consumer.close();
    await remoting.close();
  }
}
