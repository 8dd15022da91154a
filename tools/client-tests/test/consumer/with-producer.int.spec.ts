// The Producer and the PushConsumer together: bodies and metadata round-trip, delayed messages
// arrive no earlier than their delay (and within a generous tolerance), and messages sent with a
// sharding key are handled in send order by an orderly consumer.
import { ClientInstance, Producer, PushConsumer, type PushConsumerOptions, type ReceivedMessage } from '@pulsejet/client';
import { TRANSPORTS, startCluster, uniqueName, type TestCluster } from '../cluster';
import { FAST, testPushConsumer, waitFor } from './helpers';

jest.setTimeout(60_000);

// Level 2 is 1 s here: long enough to tell apart from immediate delivery.
const DELAY_LEVELS = '200ms 1s 2s 3s 4s 5s 6s 7s 8s 9s 10s 11s 12s 13s 14s 15s 16s 17s';

describe.each(TRANSPORTS)('Producer to PushConsumer (%s)', (transport) => {
  let cluster: TestCluster;
  let producer: Producer;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    cluster = await startCluster(transport, { messageDelayLevel: DELAY_LEVELS });
    producer = new Producer({ groupName: uniqueName('PID'), namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true });
    await producer.start();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await producer.close();
    await cluster.close();
  });

  function consumer(options: Partial<PushConsumerOptions> & { groupName: string }): PushConsumer {
    return testPushConsumer(cluster, closers, options);
  }

  it('delivers what the producer sent: JSON body, tags, keys, properties, the msgId send returned', async () => {
    const topic = uniqueName('E2E');
    await cluster.createTopic(topic, 4);
    const got: ReceivedMessage[] = [];
    const c = consumer({ groupName: uniqueName('G') }).subscribe(topic, 'created', (msg) => {
      got.push(msg);
    });
    await c.start();
    const sent = await producer.send({ topic, body: { id: 7, items: ['a'] }, tags: 'created', keys: ['order-7'], properties: { region: 'eu' } });
    await producer.send({ topic, body: 'other tag', tags: 'deleted' });
    await waitFor(() => got.length === 1, 'the created message');
    const [msg] = got;
    expect(msg!.json()).toEqual({ id: 7, items: ['a'] });
    expect(msg).toMatchObject({ topic, tags: 'created', keys: ['order-7'], msgId: sent.msgId, offsetMsgId: sent.offsetMsgId, reconsumeTimes: 0 });
    expect(msg!.userProperties['region']).toBe('eu');
  });

  it('delivers a delayed message after its delay level, within tolerance', async () => {
    const topic = uniqueName('Delay');
    await cluster.createTopic(topic, 1);
    const arrivals = new Map<string, number>();
    const c = consumer({ groupName: uniqueName('G') }).subscribe(topic, '*', (msg) => {
      arrivals.set(msg.text(), Date.now());
    });
    await c.start();
    await waitFor(() => c.stats().queues >= 1, 'the queue');
    const sentAt = Date.now();
    await producer.send({ topic, body: 'delayed', delayLevel: 2 });
    await producer.send({ topic, body: 'now' });
    await waitFor(() => arrivals.size === 2, 'both messages');
    // Never before the delay (1 s; 50 ms for clock granularity), and not absurdly late.
    expect(arrivals.get('delayed')! - sentAt).toBeGreaterThanOrEqual(950);
    expect(arrivals.get('delayed')! - sentAt).toBeLessThan(10_000);
    expect(arrivals.get('now')!).toBeLessThan(arrivals.get('delayed')!);
  });

  it('keeps sharding-key order from producer to orderly consumer', async () => {
    const topic = uniqueName('Sharded');
    await cluster.createTopic(topic, 4);
    const seen = new Map<string, number[]>();
    const c = consumer({ groupName: uniqueName('G'), orderly: true, lockRenewIntervalMs: 500 }).subscribe(topic, '*', (msg) => {
      const { key, seq } = msg.json<{ key: string; seq: number }>();
      seen.set(key, [...(seen.get(key) ?? []), seq]);
    });
    await c.start();
    for (let seq = 0; seq < 10; seq++) {
      for (const key of ['u1', 'u2', 'u3', 'u4', 'u5']) await producer.send({ topic, body: { key, seq }, shardingKey: key });
    }
    await waitFor(() => [...seen.values()].reduce((n, l) => n + l.length, 0) === 50, 'all 50 messages');
    for (const list of seen.values()) expect(list).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('shares one ClientInstance between a producer and a consumer, and unsubscribe releases a topic', async () => {
    const topic = uniqueName('Shared');
    const other = uniqueName('Other');
    await cluster.createTopic(topic, 2);
    await cluster.createTopic(other, 2);
    const remoting = cluster.newRemotingClient();
    const instance = new ClientInstance({ namesrvAddr: cluster.namesrvAddr, remoting, ownsRemoting: true, ...FAST });
    const sharedProducer = new Producer({ groupName: uniqueName('PID'), clientInstance: instance });
    const got: string[] = [];
    const c = new PushConsumer({ groupName: uniqueName('G'), clientInstance: instance, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST })
      .subscribe(topic, '*', (msg) => {
        got.push(msg.text());
      })
      .subscribe(other, '*', () => undefined);
    try {
      await sharedProducer.start();
      await c.start();
      expect(c.clientId).toBe(instance.clientId);
      await sharedProducer.send({ topic, body: 'one instance' });
      await waitFor(() => got.length === 1, 'the message');
      await waitFor(() => c.stats().queues === 5, 'two topics and the retry queue');
      c.unsubscribe(other);
      await waitFor(() => c.stats().queues === 3, 'the other topic released');
      await c.close();
      // The consumer leaves the shared instance running for the producer.
      await sharedProducer.send({ topic, body: 'still sending' });
    } finally {
      await c.close();
      await sharedProducer.close();
      await instance.close();
    }
  });

  it("orderBy: 'shardingKey' runs one message per sharding key at a time, in send order, keys in parallel", async () => {
    const topic = uniqueName('ByKey');
    await cluster.createTopic(topic, 2);
    const order = new Map<string, number[]>();
    const active = new Set<string>();
    let overlap = false;
    let parallel = 0;
    let done = 0;
    const c = consumer({ groupName: uniqueName('G'), orderBy: 'shardingKey', consumeConcurrency: 8 }).subscribe(topic, '*', async (msg) => {
      const { key, seq } = msg.json<{ key: string; seq: number }>();
      if (active.has(key)) overlap = true;
      active.add(key);
      parallel = Math.max(parallel, active.size);
      await new Promise((resolve) => setTimeout(resolve, 3));
      order.set(key, [...(order.get(key) ?? []), seq]);
      active.delete(key);
      done++;
    });
    for (let seq = 0; seq < 8; seq++) {
      for (const key of ['k1', 'k2', 'k3', 'k4']) await producer.send({ topic, body: { key, seq }, shardingKey: key });
    }
    await c.start();
    await waitFor(() => done === 32, 'all 32 messages');
    expect(overlap).toBe(false);
    expect(parallel).toBeGreaterThan(1);
    for (const list of order.values()) expect(list).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
