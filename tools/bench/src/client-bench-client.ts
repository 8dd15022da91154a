// The client side of the client benchmark: the same three loads as the broker bench's raw-protocol
// ones (broker-bench-send / -consume / -e2e), driven through @pulsejet/client's public API.
import { ClientError, Producer, PushConsumer, type SendResult } from '@pulsejet/client';
import { ResponseCode } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { batchSends, checkSendReply } from './broker-bench-send';
import { E2eRecorder } from './e2e-recorder';
import { MB, settleBeforeDrain, sleep } from './measure';
import type { BenchCluster, BrokerAccess } from './client-bench-cluster';
import type { E2eOptions, E2eResult } from './broker-bench-e2e';
import type { ConsumeResult } from './broker-bench-consume';
import { ClosedLoopLoad, type RoundTripListener } from './closed-loop-load';
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
export class ProducerLoad extends ClosedLoopLoad<SendResult> {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly body: Buffer,
    onRoundTrip: RoundTripListener,
  ) {
    super(onRoundTrip);
  }

  protected issue(): Promise<SendResult> {
    return this.producer.send({ topic: this.topic, tags: 'bench', body: this.body });
  }

  protected check(result: SendResult): void {
    if (result.status !== 'SEND_OK') throw new Error(`Producer.send returned ${result.status}`);
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
  await settleBeforeDrain();

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
  return runDrain(cluster, sender, options, startPushConsumer(cluster, options));
}

/** Starts a plain PushConsumer of `options.topic` on its own remoting client of `cluster` (closed with it). */
export function startPushConsumer(cluster: BrokerAccess, options: PushConsumeOptions): StartDrainConsumer {
  return async (onMessage) => {
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
  };
}

/**
 * End-to-end latency through the client: a paced Producer and a PushConsumer in this process (one
 * clock). Each body starts with its send time (performance.now(), float64), as in the raw row.
 */
export async function runClientE2e(cluster: BenchCluster, producer: Producer, group: string, options: E2eOptions): Promise<E2eResult> {
  const recorder = new E2eRecorder(options, 'client e2e');
  await cluster.createTopic(options.topic, options.queues);
  const remoting = cluster.newRemotingClient();
  const consumer = new PushConsumer({
    groupName: group,
    namesrvAddr: cluster.namesrvAddr,
    remoting,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    log: quiet,
  }).subscribe(options.topic, '*', (message) => recorder.arrived(message.body, performance.now()));
  try {
    await consumer.start();
    // Every queue owned (and its first long poll parked) before the first send.
    const ownDeadline = Date.now() + 30_000;
    while (consumer.stats().queues < options.queues) {
      if (Date.now() > ownDeadline) throw new Error(`the e2e PushConsumer owned ${consumer.stats().queues} of ${options.queues} queues after 30 s`);
      await sleep(20);
    }
    await sleep(200);

    return await recorder.run(() => {
      const { body, sentAt } = recorder.stampedBody();
      producer.send({ topic: options.topic, tags: 'bench', body }).then(
        () => recorder.acked(sentAt),
        (error: unknown) => {
          // The broker fell behind the rate and refused (SYSTEM_BUSY) even the retries: counted as the raw row counts it.
          if (ClientError.is(error) && error.responseCode === ResponseCode.SYSTEM_BUSY) recorder.refused();
          else recorder.failed(error);
        },
      );
    });
  } finally {
    await consumer.close();
    await remoting.close();
  }
}
