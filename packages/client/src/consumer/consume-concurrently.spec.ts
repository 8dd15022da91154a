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

function context(handler: MessageHandler, consumeConcurrency: number, orderBy?: 'keys', messageModel?: 'BROADCASTING') {
  const offsets = new OffsetTable();
  const ctx: ConsumeContext = {
    client: undefined as never, // success paths (and broadcasting failures) never call the broker
    options: resolvePushConsumerOptions({
      groupName: 'G',
      namesrvAddr: '127.0.0.1:9876',
      consumeConcurrency,
      ...(orderBy ? { orderBy } : {}),
      ...(messageModel ? { messageModel } : {}),
    }),
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

/** A service with messages at `offsets` (keyed by `keyOf`) buffered in one queue and submitted to it. */
function submitted(ctx: ConsumeContext, offsets: number[], keyOf: (offset: number) => string = (o) => `k${o}`) {
  const service = new ConcurrentConsumeService(ctx);
  const entry = new QueueEntry(mq, 0);
  const messages = offsets.map((o) => message(o, keyOf(o)));
  entry.pq.put(messages);
  service.submit(entry, messages);
  return { service, entry };
}

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
    const { service } = submitted(ctx, [0, 1, 2, 3]);
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

  it('commits the offsets of synchronous handlers once their run ends, per queue, and wakes each pull loop', async () => {
    const { ctx: plain, offsets } = context(() => undefined, 20);
    const updates: string[] = [];
    const table = plain.offsetStore;
    const update: ConsumeContext['offsetStore']['update'] = (q, o, inc) => {
      updates.push(`${q.queueId}:${o}`);
      table.update(q, o, inc);
    };
    const ctx: ConsumeContext = { ...plain, offsetStore: { ...table, update } };
    const service = new ConcurrentConsumeService(ctx);
    const other = { ...mq, queueId: 1 };
    const first = new QueueEntry(mq, 0);
    const second = new QueueEntry(other, 0);
    const batchA = [0, 1, 2].map((o) => message(o, 'a'));
    const batchB = [10, 11].map((o) => ({ ...message(o, 'b'), queue: other }) as ReceivedMessage);
    first.pq.put(batchA);
    second.pq.put(batchB);
    let woken = 0;
    void first.signal.wait(60_000).then(() => woken++);
    void second.signal.wait(60_000).then(() => woken++);
    service.submit(first, batchA);
    service.submit(second, batchB);
    await tick();
    expect(offsets.get(mq)).toBe(3);
    expect(offsets.get(other)).toBe(12);
    // One in-memory commit per queue for the whole run, not one per message.
    expect(updates).toEqual(['0:3', '1:12']);
    expect(woken).toBe(2);
    expect(first.pq.count + second.pq.count).toBe(0);
    expect(ctx.counters.consumed).toBe(5);
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
    const { service } = submitted(ctx, Array.from({ length: 12 }, (_, i) => i), (i) => ['a', 'b', 'c'][i % 3]!);
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

  it("runs synchronous handlers after the submitter's own code, finishing each at once, keyed ones in order", async () => {
    const log: string[] = [];
    const { ctx, offsets } = context((msg) => {
      log.push(`${msg.keys[0]!}@${msg.queueOffset}`);
    }, 1, 'keys');
    const { service } = submitted(ctx, Array.from({ length: 50 }, (_, i) => i), (i) => ['a', 'b'][i % 2]!);
    expect(log).toEqual([]); // not from inside submit()
    await Promise.resolve();
    // A synchronous handler frees its slot before the next starts: all 50 ran with concurrency 1.
    expect(log).toHaveLength(50);
    for (const key of ['a', 'b']) {
      const seen = log.filter((l) => l.startsWith(key)).map((l) => Number(l.split('@')[1]));
      expect(seen).toEqual([...seen].sort((x, y) => x - y));
    }
    expect(service.inFlight).toBe(0);
    expect(offsets.get(mq)).toBe(50);
    expect(ctx.counters.consumed).toBe(50);
  });

  it('mixes synchronous and asynchronous handlers and keeps the slot of a running one', async () => {
    let release: (() => void) | undefined;
    const done: number[] = [];
    const { ctx, offsets } = context((msg) => {
      if (msg.queueOffset !== 1) {
        done.push(msg.queueOffset);
        return undefined;
      }
      return new Promise<void>((resolve) => {
        release = () => {
          done.push(1);
          resolve();
        };
      });
    }, 1);
    const { service } = submitted(ctx, [0, 1, 2, 3]);
    await tick();
    // Offset 1 holds the only slot: 2 and 3 wait.
    expect(done).toEqual([0]);
    expect(service.inFlight).toBe(1);
    expect(offsets.get(mq)).toBe(1);
    release!();
    await tick();
    expect(done).toEqual([0, 1, 2, 3]);
    expect(offsets.get(mq)).toBe(4);
    expect(service.inFlight).toBe(0);
  });

  it('keeps a message whose synchronous handler threw or said later buffered, and carries on with the others', async () => {
    const { ctx, offsets } = context((msg) => {
      if (msg.queueOffset === 0) throw new Error('boom');
      if (msg.queueOffset === 1) return 'later';
      return undefined;
      // Broadcasting drops failed messages without the broker, so the failure path runs to the end.
    }, 4, undefined, 'BROADCASTING');
    const { service } = submitted(ctx, [0, 1, 2]);
    await tick();
    expect(ctx.counters).toEqual({ consumed: 1, retried: 2 });
    expect(offsets.get(mq)).toBe(3);
    expect(service.inFlight).toBe(0);
  });

  it("drain(entry) waits for that queue's running handlers only; drain() for all of them", async () => {
    const release = new Map<number, () => void>();
    const { ctx } = context((msg) => new Promise<void>((resolve) => release.set(msg.queue.queueId, resolve)), 4);
    const service = new ConcurrentConsumeService(ctx);
    const queues = [0, 1].map((queueId) => new QueueEntry({ ...mq, queueId }, 0));
    for (const entry of queues) {
      const queued = [{ ...message(0, 'k'), queue: entry.mq } as ReceivedMessage];
      entry.pq.put(queued);
      service.submit(entry, queued);
    }
    await tick();
    expect(queues.map((entry) => entry.activeHandlers)).toEqual([1, 1]);
    let firstDrained = false;
    let allDrained = false;
    void service.drain(5000, queues[0]).then(() => (firstDrained = true));
    void service.drain(5000).then(() => (allDrained = true));
    release.get(1)!();
    await tick();
    expect([firstDrained, allDrained]).toEqual([false, false]);
    release.get(0)!();
    await tick();
    expect([firstDrained, allDrained]).toEqual([true, true]);
    expect(queues.map((entry) => entry.activeHandlers)).toEqual([0, 0]);
  });
});
