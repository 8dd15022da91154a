// PushConsumer lifecycle and limits: the concurrency limit, rebalance at once on
// NOTIFY_CONSUMER_IDS_CHANGED (not only on the timer), graceful close (running handlers finish,
// offsets are committed, the group is left) and close with a deadline.
import { PushConsumer, type PushConsumerOptions } from '@pulsejet/client';
import { TRANSPORTS, uniqueName, type TestCluster } from '../cluster';
import { delay, testPushConsumer, TestSender, useConsumerSuite, waitFor } from './helpers';

jest.setTimeout(60_000);

describe.each(TRANSPORTS)('PushConsumer lifecycle (%s)', (transport) => {
  let cluster: TestCluster;
  let sender: TestSender;
  const closers = useConsumerSuite(transport, (started, startedSender) => {
    cluster = started;
    sender = startedSender;
  });

  function consumer(options: Partial<PushConsumerOptions> & { groupName: string }): PushConsumer {
    return testPushConsumer(cluster, closers, options);
  }

  it('runs at most consumeConcurrency handlers at once', async () => {
    const topic = uniqueName('Conc');
    await cluster.createTopic(topic, 4);
    await sender.sendMany(topic, 40, 4, 'c');
    let running = 0;
    let max = 0;
    let done = 0;
    const c = consumer({ groupName: uniqueName('G'), consumeConcurrency: 3 }).subscribe(topic, '*', async () => {
      running++;
      max = Math.max(max, running);
      await delay(5);
      running--;
      done++;
    });
    await c.start();
    await waitFor(() => done === 40, 'all 40');
    expect(max).toBe(3);
  });

  it('rebalances at once when a member joins, without waiting for the timer', async () => {
    const topic = uniqueName('Notify');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 4);
    // The timer would only fire after a minute: moving queues within the wait proves the notification path.
    const slow = { rebalanceIntervalMs: 60_000 };
    const a = consumer({ groupName: group, instanceName: 'na', ...slow }).subscribe(topic, '*', () => undefined);
    await a.start();
    await waitFor(() => a.stats().queues === 5, 'a to own every queue');
    const b = consumer({ groupName: group, instanceName: 'nb', ...slow }).subscribe(topic, '*', () => undefined);
    await b.start();
    await waitFor(() => a.stats().queues + b.stats().queues === 5 && b.stats().queues >= 2, 'the queues to be shared', 20_000);
    expect(a.stats().queues).toBeGreaterThanOrEqual(2);
  });

  it('close() lets running handlers finish, commits their offsets and leaves the group', async () => {
    const topic = uniqueName('Close');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 1);
    let started = 0;
    let finished = 0;
    // No timer commit and no pull reply within the test: only close() can commit.
    const c = consumer({ groupName: group, persistOffsetIntervalMs: 60_000, brokerSuspendMaxTimeMs: 20_000, pullTimeoutMs: 30_000 }).subscribe(topic, '*', async () => {
      started++;
      await delay(300);
      finished++;
    });
    await c.start();
    await sender.send(topic, { body: 'in-flight' });
    await waitFor(() => started === 1, 'the handler to start');
    await c.close();
    expect(finished).toBe(1);
    // Committed on close (the timer is a minute away), and the group has no member left.
    expect(cluster.broker.store.metadata.queryOffset(group, topic, 0)).toBe(1);
    expect(cluster.broker.consumers.consumerIds(group)).toEqual([]);
    await expect(c.start()).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  });

  it('close() gives up on a stuck handler after awaitTerminationMs and does not commit its message', async () => {
    const topic = uniqueName('Stuck');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 1);
    let started = 0;
    const c = consumer({ groupName: group, awaitTerminationMs: 200 }).subscribe(topic, '*', async (msg) => {
      started++;
      if (msg.text() === 'stuck') await new Promise(() => undefined);
    });
    await c.start();
    await sender.send(topic, { body: 'ok' });
    await sender.send(topic, { body: 'stuck' });
    await waitFor(() => started === 2, 'both handlers to start');
    await c.close();
    // 'ok' (offset 0) is committed, 'stuck' (offset 1) is not: a new member gets it again.
    expect(cluster.broker.store.metadata.queryOffset(group, topic, 0)).toBe(1);
  });

  it('piggybacks the consumed offset on the next pull (no timer needed)', async () => {
    const topic = uniqueName('Piggy');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 1);
    let done = 0;
    const c = consumer({ groupName: group, persistOffsetIntervalMs: 60_000, brokerSuspendMaxTimeMs: 300 }).subscribe(topic, '*', () => {
      done++;
    });
    await c.start();
    await sender.sendMany(topic, 5, 1, 'p');
    await waitFor(() => done === 5, 'the 5 messages');
    // The commit timer is a minute away: the offset reaches the broker on a pull's commitOffset.
    await waitFor(() => cluster.broker.store.metadata.queryOffset(group, topic, 0) === 5, 'the piggybacked offset', 20_000);
  });

  it('start() twice is one start; close() during start() waits for it and then closes', async () => {
    const topic = uniqueName('Life');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 2);
    const c = consumer({ groupName: group }).subscribe(topic, '*', () => undefined);
    const first = c.start();
    expect(c.start()).toBe(first);
    const closing = c.close();
    await first;
    await closing;
    expect(await c.close()).toBeUndefined();
    expect(c.stats().queues).toBe(0);
    expect(cluster.broker.consumers.consumerIds(group)).toEqual([]);

    const d = consumer({ groupName: group }).subscribe(topic, '*', () => undefined);
    await d.start();
    await d.start();
    await waitFor(() => d.stats().queues === 3, 'the queues');
    await d.close();
    await expect(d.start()).rejects.toMatchObject({ code: 'NOT_RUNNING' });
    expect(() => d.subscribe(topic, '*', () => undefined)).toThrow(expect.objectContaining({ code: 'NOT_RUNNING' }));
  });
});
