// messages$(): a cold Observable over a PushConsumer. Subscription starts pulling, unsubscription
// stops it; ack() commits, nack() redelivers; a slow subscriber never makes the client buffer more
// than its bounds, because pulling follows the buffers, not RxJS; per-key ordered concurrency.
import { messages$, type AckableMessage, type ConsumerStats, type MessagesOptions } from '@pulsejet/client';
import type { RemotingClient } from '@pulsejet/remoting';
import type { Subscription } from 'rxjs';
import { TRANSPORTS, startCluster, uniqueName, type TestCluster } from '../cluster';
import { FAST, TestSender, SHORT_DELAY_LEVELS, delay, waitFor } from '../consumer/helpers';

jest.setTimeout(120_000);

describe.each(TRANSPORTS)('messages$ (%s)', (transport) => {
  let cluster: TestCluster;
  let sender: TestSender;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    cluster = await startCluster(transport, { messageDelayLevel: SHORT_DELAY_LEVELS });
    sender = await TestSender.start(cluster);
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await sender.close();
    await cluster.close();
  });

  function options(groupName: string, extra: Partial<MessagesOptions> = {}): MessagesOptions {
    const remoting: RemotingClient = cluster.newRemotingClient();
    closers.push(async () => {
      await delay(50); // let the unsubscription's close finish with this transport
      await remoting.close();
    });
    return { groupName, namesrvAddr: cluster.namesrvAddr, remoting, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST, ...extra };
  }

  function track(subscription: Subscription): Subscription {
    closers.push(async () => subscription.unsubscribe());
    return subscription;
  }

  it('emits on subscription, commits acked messages, redelivers nacked ones, stops on unsubscription', async () => {
    const topic = uniqueName('Rx');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 2);
    await sender.sendMany(topic, 6, 2, 'rx');
    const got: string[] = [];
    const sub = track(
      messages$(topic, '*', options(group)).subscribe((msg) => {
        got.push(`${msg.text()}#${msg.reconsumeTimes}`);
        if (msg.text() === 'rx-3' && msg.reconsumeTimes === 0) msg.nack();
        else msg.ack();
      }),
    );
    await waitFor(() => got.includes('rx-3#1'), 'the nacked message again');
    expect(got.filter((g) => g.endsWith('#0')).sort()).toEqual(['rx-0#0', 'rx-1#0', 'rx-2#0', 'rx-3#0', 'rx-4#0', 'rx-5#0']);
    await waitFor(
      () => (cluster.broker.store.metadata.queryOffset(group, topic, 0) ?? 0) + (cluster.broker.store.metadata.queryOffset(group, topic, 1) ?? 0) === 6,
      'all 6 offsets committed',
    );
    sub.unsubscribe();
    await waitFor(() => cluster.broker.consumers.consumerIds(group).length === 0, 'the group to be left', 10_000);
    const before = got.length;
    await sender.send(topic, { body: 'after-unsubscribe' });
    await delay(500);
    expect(got.length).toBe(before);
  });

  it('is cold: nothing is pulled before subscription, and start errors arrive as errors', async () => {
    const topic = uniqueName('RxCold');
    await cluster.createTopic(topic, 1);
    const group = uniqueName('G');
    const stream = messages$(topic, '*', options(group));
    await sender.send(topic, { body: 'x' });
    await delay(200);
    // No consumer exists until someone subscribes.
    expect(cluster.broker.consumers.consumerIds(group)).toEqual([]);
    const first = await new Promise<AckableMessage>((resolve) => {
      const sub = track(
        stream.subscribe((msg) => {
          msg.ack();
          resolve(msg);
          sub.unsubscribe();
        }),
      );
    });
    expect(first.text()).toBe('x');
    const error = await new Promise<unknown>((resolve) => {
      messages$(topic, '||', options(uniqueName('G'))).subscribe({ error: resolve });
    });
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('keeps messages of one key in order while different keys run in parallel', async () => {
    const topic = uniqueName('RxKeyed');
    await cluster.createTopic(topic, 1);
    const keys = ['a', 'b', 'c', 'd'];
    for (let i = 0; i < 40; i++) await sender.send(topic, { body: `${keys[i % 4]}:${Math.floor(i / 4)}`, keys: keys[i % 4]! });
    const order = new Map<string, number[]>();
    const active = new Set<string>();
    let maxParallel = 0;
    let sameKeyOverlap = false;
    let done = 0;
    track(
      messages$(topic, '*', options(uniqueName('G'), { orderBy: 'keys', consumeConcurrency: 8 })).subscribe((msg) => {
        const [key, seq] = msg.text().split(':') as [string, string];
        if (active.has(key)) sameKeyOverlap = true;
        active.add(key);
        maxParallel = Math.max(maxParallel, active.size);
        order.set(key, [...(order.get(key) ?? []), Number(seq)]);
        setTimeout(() => {
          active.delete(key);
          done++;
          msg.ack();
        }, 5 + Math.floor(Math.random() * 10));
      }),
    );
    await waitFor(() => done === 40, 'all 40 messages');
    expect(sameKeyOverlap).toBe(false);
    expect(maxParallel).toBeGreaterThan(1);
    for (const key of keys) expect(order.get(key)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps memory bounded for a slow subscriber while 100,000 messages wait', async () => {
    const topic = uniqueName('RxSlow');
    const queues = 4;
    const total = 100_000;
    await cluster.createTopic(topic, queues);
    const body = Buffer.alloc(512, 'x');
    // Straight into the store, a batch per queue at a time (a store batch is one topic and queue).
    const perQueue = total / queues;
    for (let start = 0; start < perQueue; start += 500) {
      const results = await Promise.all(
        Array.from({ length: queues }, (_, queueId) =>
          cluster.broker.store.putMessages(Array.from({ length: 500 }, () => ({ topic, queueId, body, properties: {}, waitStoreMsgOK: false }))),
        ),
      );
      for (const result of results) expect(result.status).toBe('PUT_OK');
    }
    expect(cluster.broker.store.getMaxOffsetInQueue(topic, 0)).toBe(total / queues);

    const bounds = { pullThresholdForQueue: 200, pullThresholdSizeForQueue: 256 * 1024, pullBatchSize: 32, consumeConcurrency: 10 };
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let received = 0;
    let acked = 0;
    const samples: ConsumerStats[] = [];
    const unacked: AckableMessage[] = [];
    track(
      messages$(topic, '*', options(uniqueName('G'), { ...bounds, onStats: (s) => samples.push(s), statsIntervalMs: 50 })).subscribe((msg) => {
        received++;
        // Slow: acks the first 500 one by one, every 2 ms; then stops acking altogether.
        if (received <= 500) setTimeout(() => {
          acked++;
          msg.ack();
        }, 2);
        else unacked.push(msg);
      }),
    );
    await waitFor(() => acked === 500 && samples.length > 0 && samples[samples.length - 1]!.bufferedMessages >= queues * bounds.pullThresholdForQueue, 'the buffers to fill up');
    await delay(1000);
    const stats = samples[samples.length - 1]!;
    const maxSeen = Math.max(...samples.map((s) => s.maxQueueMessages));
    const maxBytesSeen = Math.max(...samples.map((s) => s.maxQueueBytes));
    // A queue stops pulling once it buffers pullThresholdForQueue messages (or bytes); the pull in
    // flight at that moment may add one batch more.
    expect(maxSeen).toBeLessThanOrEqual(bounds.pullThresholdForQueue + bounds.pullBatchSize);
    expect(maxBytesSeen).toBeLessThanOrEqual(bounds.pullThresholdSizeForQueue + bounds.pullBatchSize * body.length);
    expect(stats.bufferedMessages).toBeLessThanOrEqual(queues * (bounds.pullThresholdForQueue + bounds.pullBatchSize));
    // The subscriber holds at most consumeConcurrency unsettled messages: RxJS never pulls more.
    expect(received).toBeLessThanOrEqual(500 + bounds.consumeConcurrency);
    expect(unacked.length).toBeLessThanOrEqual(bounds.consumeConcurrency);
    // Loose: 100,000 x 512 B would be ~50 MB of bodies plus the message objects if they were all held.
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    process.stdout.write(`[rx slow subscriber ${transport}] received=${received} buffered=${stats.bufferedMessages} msgs/${stats.bufferedBytes} B maxQueue=${maxSeen} heapGrowth=${Math.round(heapGrowth / 1024)} KiB\n`);
    expect(heapGrowth).toBeLessThan(64 * 1024 * 1024);
  });
});
