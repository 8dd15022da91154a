// PushConsumer in clustering mode against a real nameserver and broker: tag filtering, every
// message consumed once, offsets committed and resumed, rebalance between two members.
import { PushConsumer, type ReceivedMessage } from '@pulsejet/client';
import { TRANSPORTS, uniqueName, type TestCluster } from '../cluster';
import { testPushConsumer, TestSender, useConsumerSuite, waitFor } from './helpers';

jest.setTimeout(60_000);

describe.each(TRANSPORTS)('PushConsumer clustering (%s)', (transport) => {
  let cluster: TestCluster;
  let sender: TestSender;
  const closers = useConsumerSuite(transport, (started, startedSender) => {
    cluster = started;
    sender = startedSender;
  });

  function consumer(options: Partial<ConstructorParameters<typeof PushConsumer>[0]> & { groupName: string }): PushConsumer {
    return testPushConsumer(cluster, closers, options);
  }

  it('consumes every message once, filtered by tag expression', async () => {
    const topic = uniqueName('PushTags');
    await cluster.createTopic(topic, 4);
    const got: ReceivedMessage[] = [];
    const c = consumer({ groupName: uniqueName('G') }).subscribe(topic, 'A || B', async (msg) => {
      got.push(msg);
    });
    await c.start();
    for (let i = 0; i < 30; i++) await sender.send(topic, { body: `m${i}`, tags: ['A', 'B', 'C'][i % 3]!, queueId: i % 4 });
    await waitFor(() => got.length >= 20, '20 messages with tags A or B');
    // C never arrives (and nothing arrives twice) even after more pulls.
    await sender.send(topic, { body: 'last', tags: 'A', queueId: 0 });
    await waitFor(() => got.some((m) => m.text() === 'last'), 'the last message');
    expect(got.every((m) => m.tags === 'A' || m.tags === 'B')).toBe(true);
    expect(new Set(got.map((m) => m.text())).size).toBe(got.length);
    expect(got).toHaveLength(21);
    expect(got[0]!.topic).toBe(topic);
  });

  it('commits offsets, so a restarted group resumes after what it consumed', async () => {
    const topic = uniqueName('PushResume');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 2);
    await sender.sendMany(topic, 10, 2, 'first');
    const first: string[] = [];
    const c1 = consumer({ groupName: group }).subscribe(topic, '*', (msg) => {
      first.push(msg.text());
    });
    await c1.start();
    await waitFor(() => first.length === 10, '10 messages');
    await c1.close();
    expect(cluster.broker.store.metadata.queryOffset(group, topic, 0)).toBe(5);
    expect(cluster.broker.store.metadata.queryOffset(group, topic, 1)).toBe(5);

    await sender.sendMany(topic, 6, 2, 'second');
    const second: string[] = [];
    const c2 = consumer({ groupName: group }).subscribe(topic, '*', (msg) => {
      second.push(msg.text());
    });
    await c2.start();
    await waitFor(() => second.length >= 6, '6 new messages');
    expect(second.sort()).toEqual(['second-0', 'second-1', 'second-2', 'second-3', 'second-4', 'second-5']);
  });

  it('shares the queues of a topic between two members and moves them when one leaves', async () => {
    const topic = uniqueName('PushShare');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 4);
    const byConsumer = new Map<string, Set<number>>();
    const seen: string[] = [];
    const handler = (name: string) => (msg: ReceivedMessage) => {
      seen.push(msg.text());
      const queues = byConsumer.get(name) ?? new Set<number>();
      queues.add(msg.queue.queueId);
      byConsumer.set(name, queues);
    };
    const a = consumer({ groupName: group, instanceName: 'a' }).subscribe(topic, '*', handler('a'));
    const b = consumer({ groupName: group, instanceName: 'b' }).subscribe(topic, '*', handler('b'));
    await a.start();
    await b.start();
    await waitFor(() => a.stats().queues + b.stats().queues >= 5 && a.stats().queues >= 2 && b.stats().queues >= 2, 'both members to own queues');
    await sender.sendMany(topic, 40, 4, 'share');
    await waitFor(() => new Set(seen).size === 40, 'all 40 messages');
    expect([...(byConsumer.get('a') ?? [])].every((q) => !(byConsumer.get('b') ?? new Set()).has(q))).toBe(true);

    await b.close();
    await waitFor(() => a.stats().queues === 5, 'a to own all 4 queues and the retry queue');
    await sender.sendMany(topic, 20, 4, 'after');
    await waitFor(() => seen.filter((s) => s.startsWith('after')).length >= 20, 'the 20 later messages');
    expect(new Set(seen.filter((s) => s.startsWith('after'))).size).toBe(20);
  });

  it('rejects invalid subscriptions and starting with none', async () => {
    const c = consumer({ groupName: uniqueName('G') });
    expect(() => c.subscribe('bad topic', '*', () => undefined)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => c.subscribe('T', '||', () => undefined)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await expect(c.start()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(() => new PushConsumer({ groupName: '', namesrvAddr: cluster.namesrvAddr })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new PushConsumer({ groupName: 'G', namesrvAddr: cluster.namesrvAddr, messageModel: 'BROADCASTING', orderly: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
