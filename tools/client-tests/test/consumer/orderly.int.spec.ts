// Orderly consumption: per queue one message at a time, in queue order, with the queue locked on
// the broker; when a second member joins, queues move only after the first member has finished
// the running message, committed and unlocked, so each sharding key stays in send order.
import { PushConsumer, type PushConsumerOptions } from '@pulsejet/client';
import type { RemotingClient } from '@pulsejet/remoting';
import { TRANSPORTS, startCluster, uniqueName, type TestCluster } from '../cluster';
import { delay, FAST, TestSender, useConsumerSuite, waitFor } from './helpers';

jest.setTimeout(90_000);

describe.each(TRANSPORTS)('PushConsumer orderly (%s)', (transport) => {
  let cluster: TestCluster;
  let sender: TestSender;
  const closers = useConsumerSuite(transport, (started, startedSender) => {
    cluster = started;
    sender = startedSender;
  });

  function consumer(options: Partial<PushConsumerOptions> & { groupName: string }): PushConsumer {
    const remoting: RemotingClient = cluster.newRemotingClient();
    const c = new PushConsumer({
      namesrvAddr: cluster.namesrvAddr,
      remoting,
      orderly: true,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      lockRenewIntervalMs: 500,
      suspendCurrentQueueTimeMs: 50,
      ...FAST,
      ...options,
    });
    closers.push(async () => {
      await c.close();
      await remoting.close();
    });
    return c;
  }

  it('keeps each sharding key in send order across a rebalance, without duplicates', async () => {
    const topic = uniqueName('Orderly');
    const group = uniqueName('G');
    const queues = 4;
    const keys = 8;
    const perKey = 25;
    await cluster.createTopic(topic, queues);
    // The producer's job, done by hand: a key always goes to the same queue.
    for (let seq = 0; seq < perKey; seq++) {
      await Promise.all(Array.from({ length: keys }, (_, k) => sender.send(topic, { body: `k${k}:${seq}`, keys: `k${k}`, queueId: k % queues })));
    }
    const handled = new Map<string, number[]>();
    let total = 0;
    let running = 0;
    const perQueueRunning = new Map<number, number>();
    let overlap = false;
    const byConsumer = new Map<string, number>();
    const handler = (name: string) => async (msg: { text(): string; queue: { queueId: number } }) => {
      const [key, seq] = msg.text().split(':') as [string, string];
      const q = msg.queue.queueId;
      perQueueRunning.set(q, (perQueueRunning.get(q) ?? 0) + 1);
      if (perQueueRunning.get(q)! > 1) overlap = true;
      running++;
      await delay(5);
      running--;
      perQueueRunning.set(q, perQueueRunning.get(q)! - 1);
      const list = handled.get(key) ?? [];
      list.push(Number(seq));
      handled.set(key, list);
      total++;
      byConsumer.set(name, (byConsumer.get(name) ?? 0) + 1);
    };
    const a = consumer({ groupName: group, instanceName: 'a' }).subscribe(topic, '*', handler('a'));
    await a.start();
    await waitFor(() => total >= 40, 'a to handle some messages');
    const b = consumer({ groupName: group, instanceName: 'b' }).subscribe(topic, '*', handler('b'));
    await b.start();
    await waitFor(() => b.stats().queues >= 2, 'b to take its share of the queues');
    await waitFor(() => total >= keys * perKey, 'every message');
    await delay(300);
    expect(overlap).toBe(false);
    // The rebalance happened mid-stream: both members handled part of it.
    expect(byConsumer.get('a')).toBeGreaterThanOrEqual(40);
    expect(byConsumer.get('b')).toBeGreaterThan(0);
    expect(running).toBe(0);
    for (let k = 0; k < keys; k++) {
      expect(handled.get(`k${k}`)).toEqual(Array.from({ length: perKey }, (_, i) => i));
    }
  });

  it('retries a failing message in place (later messages of the queue wait), then dead-letters it', async () => {
    const topic = uniqueName('OrderlyRetry');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 1);
    await sender.sendMany(topic, 3, 1, 'o');
    const seen: string[] = [];
    const c = consumer({ groupName: group, maxReconsumeTimes: 2 }).subscribe(topic, '*', (msg) => {
      seen.push(`${msg.text()}#${msg.reconsumeTimes}`);
      if (msg.text() === 'o-1') throw new Error('poison');
    });
    await c.start();
    await waitFor(() => seen.includes('o-2#0'), 'the message after the poison one');
    expect(seen).toEqual(['o-0#0', 'o-1#0', 'o-1#1', 'o-1#2', 'o-2#0']);
    await waitFor(() => cluster.broker.store.getMaxOffsetInQueue(`%DLQ%${group}`, 0) === 1, 'the poison message in the DLQ');
  });

  it('moves a queue only after its old owner finished the running message and unlocked it', async () => {
    const topic = uniqueName('OrderlyHandover');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 1);
    await sender.sendMany(topic, 5, 1, 'h');
    const handled: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let blocked = false;
    // Client ids sort '...@b' before '...@z-a', so the averaging strategy gives the one queue to b once it joins.
    const a = consumer({ groupName: group, instanceName: 'z-a' }).subscribe(topic, '*', async (msg) => {
      handled.push(`a:${msg.text()}`);
      if (msg.text() === 'h-1') {
        blocked = true;
        await gate;
      }
    });
    await a.start();
    await waitFor(() => blocked, 'a to be inside the handler of h-1');
    const b = consumer({ groupName: group, instanceName: 'b' }).subscribe(topic, '*', (msg) => {
      handled.push(`b:${msg.text()}`);
    });
    await b.start();
    // b is allocated the queue but cannot lock it while a is still handling h-1 (a few rebalances pass).
    await delay(1500);
    expect(handled).toEqual(['a:h-0', 'a:h-1']);
    release();
    await waitFor(() => handled.length === 5, 'the rest, handled by b');
    expect(handled).toEqual(['a:h-0', 'a:h-1', 'b:h-2', 'b:h-3', 'b:h-4']);
  });

  it('takes over the queue of a member that vanished without unlocking once the broker lock expires', async () => {
    // A broker whose queue locks expire after 2 s without renewal (RocketMQ: 60 s).
    const expiring = await startCluster(transport, { rebalanceLockMaxLiveTime: 2000 });
    const expiringSender = await TestSender.start(expiring);
    const topic = uniqueName('OrderlyCrash');
    const group = uniqueName('G');
    const handled: string[] = [];
    const remotingA = expiring.newRemotingClient();
    const remotingB = expiring.newRemotingClient();
    const common = { namesrvAddr: expiring.namesrvAddr, orderly: true, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' as const, lockRenewIntervalMs: 500, ...FAST };
    const a = new PushConsumer({ ...common, groupName: group, instanceName: 'z-a', remoting: remotingA, awaitTerminationMs: 100, log: () => undefined });
    const b = new PushConsumer({ ...common, groupName: group, instanceName: 'b', remoting: remotingB });
    try {
      await expiring.createTopic(topic, 1);
      await expiringSender.sendMany(topic, 5, 1, 'x');
      let stuck = false;
      a.subscribe(topic, '*', async (msg) => {
        handled.push(`a:${msg.text()}`);
        if (msg.text() === 'x-1') {
          stuck = true;
          await new Promise(() => undefined); // the member hangs here, then loses its connection
        }
      });
      await a.start();
      await waitFor(() => stuck && expiring.broker.store.metadata.queryOffset(group, topic, 0) === 1, 'a stuck on x-1 with x-0 committed');
      // a vanishes: its connection drops (no unlock, no more renewals); the broker drops it from the group.
      await remotingA.close();
      b.subscribe(topic, '*', (msg) => {
        handled.push(`b:${msg.text()}`);
      });
      await b.start();
      await waitFor(() => handled.length === 6, 'b to take over after the lock expired', 30_000);
      // b starts from a's last commit: x-1 (in flight on a when it vanished) is delivered again, then the rest in order.
      expect(handled).toEqual(['a:x-0', 'a:x-1', 'b:x-1', 'b:x-2', 'b:x-3', 'b:x-4']);
    } finally {
      await b.close();
      await a.close();
      await remotingB.close();
      await expiringSender.close();
      await expiring.close();
    }
  });
});
