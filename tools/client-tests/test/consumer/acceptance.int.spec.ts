// The clustering acceptance test: three consumers of one group share a topic of 8 queues while
// messages flow; one leaves, another joins, and the group still consumes every message, with
// duplicates rare and bounded.
import { PushConsumer, type PushConsumerOptions } from '@pulsejet/client';
import type { RemotingClient } from '@pulsejet/remoting';
import { TRANSPORTS, startCluster, uniqueName, type TestCluster } from '../cluster';
import { FAST, TestSender, delay, waitFor } from './helpers';

jest.setTimeout(120_000);

describe.each(TRANSPORTS)('clustering acceptance (%s)', (transport) => {
  let cluster: TestCluster;
  let sender: TestSender;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    cluster = await startCluster(transport);
    sender = await TestSender.start(cluster);
  });
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await sender.close();
    await cluster.close();
  });

  it('3 consumers on 8 queues: every message consumed while members leave and join, duplicates bounded', async () => {
    const topic = uniqueName('Accept');
    const group = uniqueName('G');
    const queues = 8;
    const total = 2000;
    const consumeConcurrency = 4;
    const pullBatchSize = 16;
    await cluster.createTopic(topic, queues);

    const deliveries = new Map<string, number>();
    let deliveryCount = 0;
    const members = new Map<string, PushConsumer>();
    async function join(name: string): Promise<PushConsumer> {
      const remoting: RemotingClient = cluster.newRemotingClient();
      const options: PushConsumerOptions = {
        namesrvAddr: cluster.namesrvAddr,
        remoting,
        groupName: group,
        instanceName: name,
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        consumeConcurrency,
        pullBatchSize,
        ...FAST,
      };
      const consumer = new PushConsumer(options).subscribe(topic, '*', async (msg) => {
        deliveryCount++;
        deliveries.set(msg.text(), (deliveries.get(msg.text()) ?? 0) + 1);
        await delay(1);
      });
      closers.push(async () => {
        await consumer.close();
        await remoting.close();
      });
      members.set(name, consumer);
      await consumer.start();
      return consumer;
    }
    const ownedQueues = (): number => [...members.values()].reduce((sum, c) => sum + c.stats().queues, 0);

    await join('c1');
    await join('c2');
    await join('c3');
    // 8 topic queues + the group's 1 retry queue, each owned by exactly one member.
    await waitFor(() => ownedQueues() === queues + 1 && [...members.values()].every((c) => c.stats().queues >= 2), 'the three members to share the queues');

    let sent = 0;
    const sending = (async () => {
      for (let batch = 0; batch < total / 50; batch++) {
        const bodies = await sender.sendMany(topic, 50, queues, `b${batch}`);
        sent += bodies.length;
        await delay(20);
      }
    })();
    await waitFor(() => sent >= total / 4, 'a quarter sent');
    // A member leaves (graceful close: commits, unregisters; its queues move to the others).
    await members.get('c3')!.close();
    members.delete('c3');
    await waitFor(() => ownedQueues() === queues + 1, 'the queues of c3 to move');
    await waitFor(() => sent >= total / 2, 'half sent');
    // A member joins (it takes queues from the others).
    await join('c4');
    await waitFor(() => members.get('c4')!.stats().queues >= 2 && ownedQueues() === queues + 1, 'c4 to take its share');
    await sending;
    await waitFor(() => deliveries.size === total, `all ${total} distinct messages (have ${deliveries.size})`, 60_000);
    await delay(500);

    const duplicates = deliveryCount - deliveries.size;
    // Where duplicates come from (delivery is at least once): when a queue moves, its old owner
    // commits what it finished and drops the rest, and the new owner starts from the committed
    // offset. So a move redelivers (1) the handlers running on the old owner at that moment (at most
    // consumeConcurrency = 4 per member), (2) what the old owner finished after the offset the new
    // owner read, when the new owner reads before the old owner's final commit lands, and (3) on a
    // join, what the old owner consumes between the newcomer's rebalance and its own (both follow
    // the same NOTIFY_CONSUMER_IDS_CHANGED, so this window is short). A graceful leave adds almost
    // nothing: the leaver commits before it unregisters. Measured here: about 1% of deliveries
    // (6 to 20 of 2000). "Rare" is asserted as at most 10%, loose enough for a loaded machine and
    // still far from what a broken handover (a queue replayed from the start, or consumed by two
    // members at once for long) produces.
    expect(duplicates / total).toBeLessThanOrEqual(0.1);
    // Nothing lost: every message sent was handled.
    for (let batch = 0; batch < total / 50; batch++) for (let i = 0; i < 50; i++) expect(deliveries.has(`b${batch}-${i}`)).toBe(true);
  });
});
