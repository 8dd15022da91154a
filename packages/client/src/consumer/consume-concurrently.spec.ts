// The concurrent consume service on its own (handlers that succeed need no broker): the limit,
// per-key order, and the committable offset it reports to the offset store.
import type { ReceivedMessage } from '../message/received-message';
import { ConcurrentConsumeService } from './consume-concurrently';
import type { ConsumeContext } from './consume-context';
import type { MessageHandler } from './consume-types';
import { OffsetTable } from './offset-store';
import { resolvePushConsumerOptions } from './push-consumer-options';
import { QueueEntry } from './queue-entry';

const mq = { topic: 'T', brokerName: 'b', queueId: 0 };

function message(queueOffset: number, key: string): ReceivedMessage {
  return { topic: 'T', queueOffset, body: Buffer.from(key), keys: [key], properties: {}, reconsumeTimes: 0, msgId: String(queueOffset), queue: mq } as unknown as ReceivedMessage;
}

function context(handler: MessageHandler, consumeConcurrency: number, orderBy?: 'keys') {
  const offsets = new OffsetTable();
  const ctx: ConsumeContext = {
    client: undefined as never, // success paths never call the broker
    options: resolvePushConsumerOptions({ groupName: 'G', namesrvAddr: '127.0.0.1:9876', consumeConcurrency, ...(orderBy ? { orderBy } : {}) }),
    offsetStore: { update: (q, o, inc) => offsets.update(q, o, inc), readMemory: (q) => offsets.get(q) } as ConsumeContext['offsetStore'],
    log: () => undefined,
    isRunning: () => true,
    subscriptionOf: () => undefined,
    handlerOf: () => handler,
    counters: { consumed: 0, retried: 0 },
    resetQueue: () => undefined,
  };
  return { ctx, offsets };
}

const tick = (ms = 1): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ConcurrentConsumeService', () => {
  it('never runs more than consumeConcurrency handlers, and commits only below unfinished ones', async () => {
    const release: (() => void)[] = [];
    let running = 0;
    let max = 0;
    const { ctx, offsets } = context(async () => {
      running++;
      max = Math.max(max, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
    }, 2);
    const service = new ConcurrentConsumeService(ctx);
    const entry = new QueueEntry(mq, 0);
    const messages = [0, 1, 2, 3].map((o) => message(o, `k${o}`));
    entry.pq.put(messages);
    service.submit(entry, messages);
    await tick();
    expect(service.inFlight).toBe(2);
    release[1]!(); // offset 1 finishes first: 0 still runs, so nothing is committable past 0
    await tick();
    expect(offsets.get(mq)).toBe(0);
    release[0]!();
    await tick();
    expect(offsets.get(mq)).toBe(2);
    release[2]!();
    release[3]!();
    await tick();
    expect(offsets.get(mq)).toBe(4);
    expect(max).toBe(2);
    expect(ctx.counters.consumed).toBe(4);
  });

  it('with an order key, runs one message per key at a time, in order, and keys in parallel', async () => {
    const log: string[] = [];
    const active = new Set<string>();
    let overlap = false;
    let parallel = 0;
    const { ctx } = context(async (msg) => {
      const key = msg.keys[0]!;
      if (active.has(key)) overlap = true;
      active.add(key);
      parallel = Math.max(parallel, active.size);
      await tick(2);
      log.push(`${key}@${msg.queueOffset}`);
      active.delete(key);
    }, 8, 'keys');
    const service = new ConcurrentConsumeService(ctx);
    const entry = new QueueEntry(mq, 0);
    const messages = Array.from({ length: 12 }, (_, i) => message(i, ['a', 'b', 'c'][i % 3]!));
    entry.pq.put(messages);
    service.submit(entry, messages);
    await service.drain(5000);
    for (let i = 0; i < 100 && log.length < 12; i++) await tick(5);
    expect(overlap).toBe(false);
    expect(parallel).toBe(3);
    for (const key of ['a', 'b', 'c']) {
      const offsets = log.filter((l) => l.startsWith(key)).map((l) => Number(l.split('@')[1]));
      expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
      expect(offsets).toHaveLength(4);
    }
  });

  it('skips messages of a dropped queue and forgets pending ones on stop', async () => {
    let calls = 0;
    const { ctx } = context(() => {
      calls++;
    }, 1);
    const service = new ConcurrentConsumeService(ctx);
    const entry = new QueueEntry(mq, 0);
    entry.drop();
    service.submit(entry, [message(0, 'x')]);
    await tick();
    expect(calls).toBe(0);
    service.stop();
    const live = new QueueEntry(mq, 0);
    service.submit(live, [message(1, 'y')]);
    await tick();
    expect(calls).toBe(0);
  });
});
