// End-to-end latency at a fixed rate: a paced producer and long-polling consumers (one pull loop per
// queue, held on the broker until a message arrives) in this process, so send and receive times
// come from one clock. Each body starts with its send time (performance.now(), a float64), which is
// finer than the wire's millisecond born timestamp.
import { ResponseCode } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { createTopic } from './broker-bench-child';
import { pullLoop } from './broker-bench-pull';
import { UniqueKeys, checkSendReply, singleSend } from './broker-bench-send';
import { E2eRecorder } from './e2e-recorder';
import { sleep } from './measure';
import type { PauseStats, PauseWatch } from './pause-watch';

export interface E2eOptions {
  topic: string;
  queues: number;
  /** Target send rate, msg/s. */
  rate: number;
  /** Paced, unrecorded time before the window, ms. */
  warmupMs: number;
  durationMs: number;
  bodyBytes: number;
  /** An idle bystander process whose view of the window goes into the result (./pause-watch). */
  pauseWatch?: PauseWatch;
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
  /** What an idle process beside the bench saw from the window's start until the last arrival; undefined without a watcher. */
  pauses?: PauseStats;
}

/** Pulls are held this long when nothing arrives; the loops end within that time after the last message. */
const SUSPEND_MS = 2000;

export async function runE2e(producer: RemotingClient, consumer: RemotingClient, address: string, options: E2eOptions): Promise<E2eResult> {
  const recorder = new E2eRecorder(options, 'e2e');
  await createTopic(producer, address, options.topic, options.queues);
  let stopping = false;

  const loops = Array.from({ length: options.queues }, (_, queueId) =>
    pullLoop(consumer, address, {
      topic: options.topic,
      queueId,
      batch: 32,
      suspendMs: SUSPEND_MS,
      done: () => (stopping && recorder.caughtUp) || recorder.failures.length > 0,
      onMessages: (messages, receivedAt) => {
        for (const message of messages) recorder.arrived(message.body, receivedAt);
      },
    }),
  );
  // The pull loops' first requests must be parked on the broker before the first send.
  await sleep(200);

  const keys = new UniqueKeys();
  let queue = 0;
  try {
    return await recorder.run(() => {
      const { body, sentAt } = recorder.stampedBody();
      queue = (queue + 1) % options.queues;
      const properties = `TAGS\u0001bench\u0002WAIT\u0001true\u0002UNIQ_KEY\u0001${keys.next()}\u0002`;
      producer.request(address, singleSend(options.topic, queue, properties, body), 30_000).then(
        (reply) => {
          if (reply.code === ResponseCode.SYSTEM_BUSY) return recorder.refused();
          try {
            checkSendReply(reply);
            recorder.acked(sentAt);
          } catch (error) {
            recorder.failed(error);
          }
        },
        (error: unknown) => recorder.failed(error),
      );
    });
  } finally {
    stopping = true;
    await Promise.all(loops);
  }
}
