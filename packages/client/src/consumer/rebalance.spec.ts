// The rebalancer on its own, against a fake client and offset store: how it takes new queues.
import type { MessageQueue } from '../message/message-queue';
import { allocateAveragely } from './allocate-strategy';
import type { ConsumeContext, ConsumeService } from './consume-context';
import type { ConsumerClient } from './consumer-client';
import type { OffsetStore } from './offset-store';
import { resolvePushConsumerOptions } from './push-consumer-options';
import type { QueueEntry } from './queue-entry';
import { Rebalancer } from './rebalance';

const TOPIC = 'T';

/** A rebalancer for one consumer owning all `queueCount` queues; the offset store answers when told to. */
function setUp(queueCount: number) {
  const queues: MessageQueue[] = Array.from({ length: queueCount }, (_, queueId) => ({ topic: TOPIC, brokerName: 'b', queueId }));
  const pendingLookups: { mq: MessageQueue; answer: (offset: number) => void }[] = [];
  let lookupsRunning = 0;
  let mostAtOnce = 0;
  const client = {
    clientId: 'me',
    subscribeQueues: () => Promise.resolve(queues),
    findConsumerIdList: () => Promise.resolve(['me']),
  } as unknown as ConsumerClient;
  const offsetStore = {
    readStore: (mq: MessageQueue) =>
      new Promise<number>((resolve) => {
        lookupsRunning++;
        mostAtOnce = Math.max(mostAtOnce, lookupsRunning);
        pendingLookups.push({
          mq,
          answer: (offset) => {
            lookupsRunning--;
            resolve(offset);
          },
        });
      }),
    update: () => undefined,
  } as unknown as OffsetStore;
  let running = true;
  const ctx = {
    client,
    options: resolvePushConsumerOptions({ groupName: 'G', namesrvAddr: '127.0.0.1:9876' }),
    offsetStore,
    log: () => undefined,
    isRunning: () => running,
  } as unknown as ConsumeContext;
  const started: QueueEntry[] = [];
  const rebalancer = new Rebalancer(ctx, allocateAveragely, {} as ConsumeService, { startPulling: (entry) => started.push(entry) }, () => [TOPIC]);
  return { rebalancer, pendingLookups, started, mostAtOnce: () => mostAtOnce, stop: () => (running = false) };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Rebalancer: taking new queues', () => {
  it('looks start offsets up several at a time and starts each queue as soon as its own answer is in', async () => {
    const { rebalancer, pendingLookups, started, mostAtOnce } = setUp(20);
    const done = rebalancer.rebalance();
    await settle();
    expect(pendingLookups).toHaveLength(8);
    // The third lookup answers first: its queue pulls before the others, from the stored offset.
    pendingLookups[2]!.answer(42);
    await settle();
    expect(started.map((entry) => [entry.mq.queueId, entry.nextOffset])).toEqual([[2, 42]]);
    // Every answer lets the next queue's lookup start; never more than 8 at once.
    while (started.length < 20) {
      const waiting = pendingLookups.filter((lookup) => !started.some((entry) => entry.mq.queueId === lookup.mq.queueId));
      for (const lookup of waiting) lookup.answer(lookup.mq.queueId * 10);
      await settle();
    }
    await done;
    expect(mostAtOnce()).toBe(8);
    expect(new Set(started.map((entry) => entry.mq.queueId)).size).toBe(20);
    expect(started.every((entry) => entry.nextOffset === (entry.mq.queueId === 2 ? 42 : entry.mq.queueId * 10))).toBe(true);
    expect(rebalancer.owned()).toHaveLength(20);
  });

  it('stops looking start offsets up once the consumer is closing', async () => {
    const { rebalancer, pendingLookups, started, stop } = setUp(20);
    const done = rebalancer.rebalance();
    await settle();
    expect(pendingLookups).toHaveLength(8);
    stop();
    for (const lookup of pendingLookups) lookup.answer(0);
    await done;
    // The 8 answers in flight are dropped, and no lookup starts for the other 12 queues.
    expect(pendingLookups).toHaveLength(8);
    expect(started).toHaveLength(0);
  });
});
