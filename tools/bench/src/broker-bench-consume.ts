// Consume throughput: preload a backlog with batched sends, then drain it with one long-polling pull
// loop per queue in parallel (as a push consumer owning every queue does), decoding every record.
import type { RemotingClient } from '@pulsejet/remoting';
import { createTopic } from './broker-bench-child';
import { pullLoop } from './broker-bench-pull';
import { batchSends, checkSendReply } from './broker-bench-send';
import { MB, settleBeforeDrain } from './measure';
import { processCpuUs } from './remoting-bench-load';

export interface ConsumeOptions {
  topic: string;
  queues: number;
  messages: number;
  bodyBytes: number;
  /** maxMsgNums of each pull. */
  batch: number;
}

export interface ConsumeResult {
  messages: number;
  bodyBytes: number;
  batch: number;
  queues: number;
  /** Preload throughput (batched sends; not a target). */
  preloadMessagesPerSecond: number;
  drainSeconds: number;
  messagesPerSecond: number;
  /** Message bodies received per second, MB/s. */
  payloadMBps: number;
  /** Average messages per pull reply that carried messages. */
  messagesPerPull: number;
  /** CPU per message consumed, µs: this process (decode) and the broker. */
  clientCpuUs: number;
  brokerCpuUs: number;
}

const PRELOAD_BATCH = 64;
const PRELOAD_IN_FLIGHT = 8;

export async function runConsume(
  producer: RemotingClient,
  consumer: RemotingClient,
  address: string,
  brokerPid: number | undefined,
  options: ConsumeOptions,
): Promise<ConsumeResult> {
  await createTopic(producer, address, options.topic, options.queues);
  const expected = new Array<number>(options.queues).fill(0);
  const body = Buffer.alloc(options.bodyBytes, 0x62);
  const requests = batchSends(options.topic, options.queues, body, PRELOAD_BATCH, 16);
  const preloadStarted = performance.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: PRELOAD_IN_FLIGHT }, async () => {
      while (sent < options.messages) {
        sent += PRELOAD_BATCH;
        const reply = await producer.request(address, requests.next(), 30_000);
        checkSendReply(reply);
        const queueId = Number(reply.extFields['queueId']);
        expected[queueId] = (expected[queueId] ?? 0) + PRELOAD_BATCH;
      }
    }),
  );
  const preloaded = expected.reduce((sum, n) => sum + n, 0);
  const preloadMessagesPerSecond = preloaded / ((performance.now() - preloadStarted) / 1000);
  await settleBeforeDrain();

  const received = new Array<number>(options.queues).fill(0);
  let pulls = 0;
  let bytes = 0;
  const started = performance.now();
  const clientCpu = process.cpuUsage();
  const brokerCpu = processCpuUs(brokerPid);
  await Promise.all(
    expected.map((count, queueId) =>
      pullLoop(consumer, address, {
        topic: options.topic,
        queueId,
        batch: options.batch,
        suspendMs: 15_000,
        done: () => received[queueId]! >= count,
        onMessages: (messages) => {
          pulls += 1;
          received[queueId]! += messages.length;
          for (const message of messages) bytes += message.body.length;
        },
      }),
    ),
  );
  const drainSeconds = (performance.now() - started) / 1000;
  const clientUsage = process.cpuUsage(clientCpu);
  const brokerUs = processCpuUs(brokerPid) - brokerCpu;
  const total = received.reduce((sum, n) => sum + n, 0);
  return {
    messages: total,
    bodyBytes: options.bodyBytes,
    batch: options.batch,
    queues: options.queues,
    preloadMessagesPerSecond,
    drainSeconds,
    messagesPerSecond: total / drainSeconds,
    payloadMBps: bytes / MB / drainSeconds,
    messagesPerPull: total / Math.max(1, pulls),
    clientCpuUs: (clientUsage.user + clientUsage.system) / total,
    brokerCpuUs: brokerUs / total,
  };
}
