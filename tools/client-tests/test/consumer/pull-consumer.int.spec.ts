// PullConsumer (lite): assign or subscribe, poll, seek, commit.
import { PullConsumer, type PullConsumerOptions, type ReceivedMessage } from '@pulsejet/client';
import type { RemotingClient } from '@pulsejet/remoting';
import { TRANSPORTS, uniqueName, type TestCluster } from '../cluster';
import { FAST, TestSender, useConsumerSuite, waitFor } from './helpers';

jest.setTimeout(60_000);

describe.each(TRANSPORTS)('PullConsumer (%s)', (transport) => {
  let cluster: TestCluster;
  let sender: TestSender;
  const closers = useConsumerSuite(transport, (started, startedSender) => {
    cluster = started;
    sender = startedSender;
  });

  function consumer(options: Partial<PullConsumerOptions> & { groupName: string }): PullConsumer {
    const remoting: RemotingClient = cluster.newRemotingClient();
    const c = new PullConsumer({ namesrvAddr: cluster.namesrvAddr, remoting, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST, ...options });
    closers.push(async () => {
      await c.close();
      await remoting.close();
    });
    return c;
  }

  async function pollUntil(c: PullConsumer, count: number): Promise<ReceivedMessage[]> {
    const got: ReceivedMessage[] = [];
    await waitFor(async () => {
      got.push(...(await c.poll(200)));
      return got.length >= count;
    }, `${count} polled messages`);
    return got;
  }

  it('assign, poll in queue order, commit manually, seek back', async () => {
    const topic = uniqueName('Lite');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 2);
    await sender.sendMany(topic, 10, 2, 'lite');
    const c = consumer({ groupName: group, autoCommit: false, maxPollMessages: 4 });
    const probe = consumer({ groupName: uniqueName('probe') }).subscribe(topic);
    await probe.start();
    const queues = await probe.fetchQueues(topic);
    expect(queues.map((q) => q.queueId).sort()).toEqual([0, 1]);
    const queue0 = queues.find((q) => q.queueId === 0)!;
    c.assign([queue0]);
    await c.start();
    expect(c.assignment()).toEqual([queue0]);

    const first = await c.poll(5000);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThanOrEqual(4);
    const all = [...first, ...(await pollUntil(c, 5 - first.length))];
    expect(all.map((m) => m.text())).toEqual(['lite-0', 'lite-2', 'lite-4', 'lite-6', 'lite-8']);
    expect(all.map((m) => m.queueOffset)).toEqual([0, 1, 2, 3, 4]);

    // Nothing is committed until commit().
    expect(await c.committed(queue0)).toBe(0); // the broker's answer for a young queue with no commit
    expect(cluster.broker.store.metadata.queryOffset(group, topic, 0)).toBeUndefined();
    await c.commit();
    expect(cluster.broker.store.metadata.queryOffset(group, topic, 0)).toBe(5);

    c.seek(queue0, 3);
    const again = await pollUntil(c, 2);
    expect(again.map((m) => m.text())).toEqual(['lite-6', 'lite-8']);
    await c.seekToBeginning(queue0);
    expect((await pollUntil(c, 5)).map((m) => m.queueOffset)).toEqual([0, 1, 2, 3, 4]);
    expect(() => c.seek({ topic, brokerName: queue0.brokerName, queueId: 1 }, 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));

    // Past the end: the broker answers OFFSET_ILLEGAL with a corrected offset (Java's rule: the
    // queue's min offset while that is 0, else its max) and the queue restarts there, empty-handed.
    c.seek(queue0, 1000);
    expect((await pollUntil(c, 5)).map((m) => m.queueOffset)).toEqual([0, 1, 2, 3, 4]);
    await sender.send(topic, { body: 'after-illegal', queueId: 0 });
    expect((await pollUntil(c, 1)).map((m) => m.text())).toEqual(['after-illegal']);
  });

  it('subscribe shares the queues between members and auto-commits what was polled', async () => {
    const topic = uniqueName('LiteSub');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 4);
    const a = consumer({ groupName: group, instanceName: 'la' }).subscribe(topic, '*');
    const b = consumer({ groupName: group, instanceName: 'lb' }).subscribe(topic, '*');
    await a.start();
    await b.start();
    await waitFor(() => a.assignment().length === 2 && b.assignment().length === 2, 'a 2/2 split');
    const bodies = await sender.sendMany(topic, 20, 4, 'sub');
    const got: string[] = [];
    await waitFor(async () => {
      for (const c of [a, b]) got.push(...(await c.poll(50)).map((m) => m.text()));
      return got.length >= 20;
    }, '20 polled messages');
    expect(got.sort()).toEqual([...bodies].sort());
    await waitFor(() => [0, 1, 2, 3].every((q) => cluster.broker.store.metadata.queryOffset(group, topic, q) === 5), 'auto-committed offsets');
  });

  it('rejects mixing assign and subscribe, and poll before start', async () => {
    const c = consumer({ groupName: uniqueName('G') }).subscribe('T');
    expect(() => c.assign([{ topic: 'T', brokerName: 'b', queueId: 0 }])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await expect(c.poll(10)).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  });
});
