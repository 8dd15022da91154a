// The consumer examples of docs/client.md, run as written (over TCP, as an application would).
// Keep the two in step: a doc example that is not here has not been run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Producer,
  PullConsumer as RealPullConsumer,
  PushConsumer as RealPushConsumer,
  messages$ as realMessages$,
  type MessagesOptions,
  type PullConsumerOptions,
  type PushConsumerOptions,
} from '@pulsejet/client';
import { startCluster, uniqueName, type TestCluster } from '../cluster';
import { FAST, SHORT_DELAY_LEVELS, waitFor } from './helpers';

jest.setTimeout(60_000);

// The snippets are verbatim; these stand-ins only shorten the timers (rebalance, commit, long
// polling) so the test is quick. Everything else is the documented default.
class PushConsumer extends RealPushConsumer {
  constructor(options: PushConsumerOptions) {
    super({ ...FAST, ...options });
  }
}
class PullConsumer extends RealPullConsumer {
  constructor(options: PullConsumerOptions) {
    super({ ...FAST, ...options });
  }
}
const messages$ = (topic: string, expression: string, options: MessagesOptions) => realMessages$(topic, expression, { ...FAST, ...options });

interface Order {
  id: string;
  total: number;
}

describe('docs/client.md consumer examples (tcp)', () => {
  let cluster: TestCluster;
  let namesrvAddr: string;
  let producer: Producer;
  let dir: string;

  beforeAll(async () => {
    cluster = await startCluster('tcp', { messageDelayLevel: SHORT_DELAY_LEVELS });
    namesrvAddr = cluster.namesrvAddr;
    producer = new Producer({ groupName: 'PID_docs', namesrvAddr });
    await producer.start();
    dir = mkdtempSync(join(tmpdir(), 'pj-docs-'));
  });
  afterAll(async () => {
    await producer.close();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('push consumer: subscribe, start, close', async () => {
    const topic = uniqueName('orders');
    await cluster.createTopic(topic, 4);
    const billed: Order[] = [];
    const bill = async (order: Order): Promise<void> => {
      billed.push(order);
    };

    // --- docs: push consumer
    const consumer = new PushConsumer({ groupName: 'billing', namesrvAddr });
    consumer.subscribe(topic, 'created || paid', async (msg) => {
      const order = msg.json<Order>();
      await bill(order); // resolves: acknowledged; throws: redelivered later
    });
    await consumer.start();
    // ---

    await producer.send({ topic, tags: 'created', body: { id: 'o-1', total: 12 } });
    await producer.send({ topic, tags: 'shipped', body: { id: 'o-1', total: 12 } });
    await waitFor(() => billed.length === 1, 'the created order');
    await consumer.close();
    expect(billed).toEqual([{ id: 'o-1', total: 12 }]);
  });

  it('retries and the dead-letter queue', async () => {
    const topic = uniqueName('payments');
    await cluster.createTopic(topic, 1);
    const attempts: number[] = [];
    const paymentServiceUp = (): boolean => attempts.length > 1;

    // --- docs: retries
    const consumer = new PushConsumer({ groupName: 'payments', namesrvAddr, maxReconsumeTimes: 3, consumeTimeoutMs: 60_000 });
    consumer.subscribe(topic, '*', (msg) => {
      attempts.push(msg.reconsumeTimes); // 0 the first time, then 1, 2, 3
      if (!paymentServiceUp()) return 'later'; // or throw: the message comes back from %RETRY%payments
      return undefined;
    });
    await consumer.start();
    // ---

    await producer.send({ topic, body: 'pay' });
    await waitFor(() => attempts.length === 2, 'the retry');
    await consumer.close();
    expect(attempts).toEqual([0, 1]);
  });

  it('orderly consumption with a sharding key', async () => {
    const topic = uniqueName('account-events');
    await cluster.createTopic(topic, 4);
    const applied: string[] = [];
    const apply = (event: { account: string; seq: number }): void => {
      applied.push(`${event.account}:${event.seq}`);
    };

    // --- docs: orderly
    await producer.send({ topic, body: { account: 'A-17', seq: 1 }, shardingKey: 'A-17' });
    await producer.send({ topic, body: { account: 'A-17', seq: 2 }, shardingKey: 'A-17' });

    const consumer = new PushConsumer({ groupName: 'ledger', namesrvAddr, orderly: true });
    consumer.subscribe(topic, '*', async (msg) => {
      apply(msg.json<{ account: string; seq: number }>()); // seq 1 then 2, one at a time for the queue
    });
    await consumer.start();
    // ---

    await waitFor(() => applied.length === 2, 'both events');
    await consumer.close();
    expect(applied).toEqual(['A-17:1', 'A-17:2']);
  });

  it('broadcasting', async () => {
    const topic = uniqueName('config-changed');
    await cluster.createTopic(topic, 1);
    const reloads: string[] = [];

    // --- docs: broadcasting
    const consumer = new PushConsumer({
      groupName: 'config-cache',
      namesrvAddr,
      messageModel: 'BROADCASTING',
      offsetStoreDir: dir, // offsets of broadcasting consumers are kept here, per client id and group
    });
    consumer.subscribe(topic, '*', (msg) => {
      reloads.push(msg.text());
    });
    await consumer.start();
    // ---

    await waitFor(() => consumer.stats().queues === 1, 'the queue');
    await producer.send({ topic, body: 'feature-flags' });
    await waitFor(() => reloads.length === 1, 'the change');
    await consumer.close();
  });

  it('messages$ with ack and nack', async () => {
    const topic = uniqueName('clicks');
    await cluster.createTopic(topic, 2);
    const counted: string[] = [];
    const count = async (user: string): Promise<void> => {
      counted.push(user);
    };

    // --- docs: rx
    const subscription = messages$(topic, '*', {
      groupName: 'click-counter',
      namesrvAddr,
      orderBy: 'keys', // messages of one key in order, different keys in parallel
      consumeConcurrency: 8, // at most 8 un-acked messages are emitted at a time
    }).subscribe((msg) => {
      count(msg.keys[0] ?? 'anonymous').then(
        () => msg.ack(),
        () => msg.nack(),
      );
    });
    // ---

    await producer.send({ topic, body: 'click', keys: 'user-1' });
    await waitFor(() => counted.length === 1, 'the click');
    // --- docs: rx (end)
    // later: stops pulling, commits what was acked, leaves the group
    subscription.unsubscribe();
    // ---
    expect(counted).toEqual(['user-1']);
  });

  it('pull consumer: assign, poll, seek, commit', async () => {
    const topic = uniqueName('audit');
    await cluster.createTopic(topic, 1);
    await producer.send({ topic, body: 'entry-0' });
    await producer.send({ topic, body: 'entry-1' });
    const exported: string[] = [];

    // --- docs: pull consumer
    const consumer = new PullConsumer({ groupName: 'audit-export', namesrvAddr, autoCommit: false });
    consumer.subscribe(topic, '*'); // or consumer.assign(queues) for fixed queues, no sharing
    await consumer.start();

    const batch = await consumer.poll(1000); // up to maxPollMessages (32); [] after 1 s with nothing
    for (const msg of batch) exported.push(msg.text());
    await consumer.commit(); // the group resumes after these on its next start

    const [queue] = consumer.assignment();
    consumer.seek(queue!, 0); // read the queue again from its first offset
    // ---

    const again = await consumer.poll(1000);
    await consumer.close();
    expect(exported.length).toBeGreaterThan(0);
    expect(again[0]?.text()).toBe('entry-0');
  });
});
