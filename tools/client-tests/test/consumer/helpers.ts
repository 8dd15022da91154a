// Shared pieces of the consumer integration tests: a sender that puts messages on chosen queues
// (the Producer with an explicit queue), polling waits with timeouts, and short timers.
import { Producer, PushConsumer, type PushConsumerOptions } from '@pulsejet/client';
import type { RemotingClient } from '@pulsejet/remoting';
import type { TestCluster, Transport } from '../cluster';
import { startCluster, uniqueName } from '../cluster';

export interface TestMessage {
  body: string;
  tags?: string;
  keys?: string;
  /** @default 0 */
  queueId?: number;
}

/** Sends through a Producer of its own, to the queue a test chooses; close() it. */
export class TestSender {
  private constructor(
    private readonly producer: Producer,
    private readonly brokerName: string,
  ) {}

  static async start(cluster: TestCluster): Promise<TestSender> {
    const producer = new Producer({ groupName: uniqueName('PID_consumer_tests'), namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true });
    await producer.start();
    return new TestSender(producer, cluster.broker.options.brokerName);
  }

  /** Sends one message to the given queue (default 0); resolves with its queue offset. */
  async send(topic: string, message: TestMessage): Promise<number> {
    const result = await this.producer.send(
      { topic, body: message.body, ...(message.tags !== undefined ? { tags: message.tags } : {}), ...(message.keys !== undefined ? { keys: message.keys } : {}) },
      { queue: { topic, brokerName: this.brokerName, queueId: message.queueId ?? 0 }, timeoutMs: 10_000 },
    );
    if (result.status !== 'SEND_OK') throw new Error(`send failed: ${result.status}`);
    return result.queueOffset;
  }

  /** Sends `count` messages round robin over `queues` queues, bodies `${prefix}-${i}`; returns the bodies. */
  async sendMany(topic: string, count: number, queues: number, prefix = 'm', extra: Omit<TestMessage, 'body' | 'queueId'> = {}): Promise<string[]> {
    const bodies: string[] = [];
    const batch = 50;
    for (let start = 0; start < count; start += batch) {
      const sends: Promise<number>[] = [];
      for (let i = start; i < Math.min(count, start + batch); i++) {
        const body = `${prefix}-${i}`;
        bodies.push(body);
        sends.push(this.send(topic, { ...extra, body, queueId: i % queues }));
      }
      await Promise.all(sends);
    }
    return bodies;
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}

/** Polls `condition` every 20 ms until it holds; throws after `timeoutMs` naming what it waited for. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Quick settings for tests: short timers so rebalances and commits happen within a test's time. */
export const FAST = {
  rebalanceIntervalMs: 500,
  persistOffsetIntervalMs: 200,
  brokerSuspendMaxTimeMs: 1_000,
  pullTimeoutMs: 5_000,
  pullDelayOnErrorMs: 100,
  heartbeatBrokerIntervalMs: 1_000,
  pollNameServerIntervalMs: 500,
} as const;

/** Broker delay levels short enough for retry tests (level 3, the first retry, is 300 ms). */
export const SHORT_DELAY_LEVELS = '100ms 200ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms';

/** Run after each test, last registered first (consumers, then their remoting clients). */
export type Closers = Array<() => Promise<void>>;

/**
 * A consumer suite's set-up: a cluster of `transport` and a TestSender for the describe block
 * (handed to `started` once up, closed after the block), and the closers run after each test.
 */
export function useConsumerSuite(transport: Transport, started: (cluster: TestCluster, sender: TestSender) => void): Closers {
  const closers: Closers = [];
  let cluster: TestCluster | undefined;
  let sender: TestSender | undefined;
  beforeAll(async () => {
    cluster = await startCluster(transport);
    sender = await TestSender.start(cluster);
    started(cluster, sender);
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await sender?.close();
    await cluster?.close();
  });
  return closers;
}

/** A PushConsumer on its own remoting client, from the first offset with FAST timings, closed after the test. */
export function testPushConsumer(cluster: TestCluster, closers: Closers, options: Partial<PushConsumerOptions> & { groupName: string }): PushConsumer {
  const remoting: RemotingClient = cluster.newRemotingClient();
  const consumer = new PushConsumer({ namesrvAddr: cluster.namesrvAddr, remoting, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST, ...options });
  closers.push(async () => {
    await consumer.close();
    await remoting.close();
  });
  return consumer;
}
