// Consumption modes and lifecycle end to end, embedded and connected: broadcasting, orderly,
// transaction check-back through @TransactionCheck, and close() draining in-flight handlers
// before it commits offsets and stops the client.
import { injectable, inject } from 'inversify';
import { Subject } from 'rxjs';
import { Producer, TransactionState } from '@pulsejet/client';
import { PULSEJET_PRODUCER, PulsejetTransactions, Subscribe, TransactionCheck, type Message } from '../src/index';
import { MODES, createHarness, startStandalone, unique, waitFor, type Harness, type Standalone } from './harness';

jest.setTimeout(90_000);

describe.each(MODES)('consumption modes and lifecycle (%s)', (mode) => {
  let standalone: Standalone | undefined;
  let h: Harness;

  beforeAll(async () => {
    if (mode === 'connected') standalone = await startStandalone();
  });
  beforeEach(() => {
    h = createHarness(mode, standalone);
  });
  afterEach(async () => {
    await h.close();
  });
  afterAll(async () => {
    await standalone?.close();
  });

  it('broadcasting: every instance of the group gets every message', async () => {
    const topic = unique('Config');
    const group = unique('config-cache');
    // Embedded brokers live inside one app, so only connected mode can run a second instance.
    const instances = mode === 'connected' ? [h, h.another()] : [h];
    const got = instances.map(() => [] as string[]);
    await h.topics(topic);
    const apps = [];
    for (const [i, instance] of instances.entries()) {
      @injectable()
      class ConfigCache {
        @Subscribe({ topic, group, mode: 'broadcasting', consumeFrom: 'first' })
        on(msg: Message<string>): void {
          got[i]!.push(msg.body);
        }
      }
      instance.container.bind(ConfigCache).toSelf().inSingletonScope();
      apps.push(await instance.start());
    }
    for (let i = 0; i < 8; i++) await h.producer.send({ topic, body: `v${i}` });
    for (const app of apps) await app.until.consumed(group, 8);
    for (const bodies of got) expect(bodies.sort()).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7']);
  });

  it('orderly: messages of one sharding key are handled one at a time, in send order', async () => {
    const topic = unique('Ledger');
    const group = unique('ledger');
    const byKey = new Map<string, number[]>();
    let running = 0;
    let overlapped = false;
    const runningPerQueue = new Map<number, number>();
    @injectable()
    class Ledger {
      @Subscribe({ topic, group, order: 'orderly', consumeFrom: 'first' })
      async on(msg: Message<{ account: string; seq: number }>): Promise<void> {
        const queueId = msg.raw.queue.queueId;
        runningPerQueue.set(queueId, (runningPerQueue.get(queueId) ?? 0) + 1);
        if (runningPerQueue.get(queueId)! > 1) overlapped = true;
        running++;
        await new Promise((resolve) => setImmediate(resolve));
        const list = byKey.get(msg.body.account) ?? [];
        list.push(msg.body.seq);
        byKey.set(msg.body.account, list);
        running--;
        runningPerQueue.set(queueId, runningPerQueue.get(queueId)! - 1);
      }
    }
    h.container.bind(Ledger).toSelf().inSingletonScope();
    await h.topics(topic);
    const app = await h.start();
    const accounts = ['acc-1', 'acc-2', 'acc-3'];
    for (let seq = 0; seq < 10; seq++) {
      for (const account of accounts) await h.producer.send({ topic, body: { account, seq }, shardingKey: account });
    }
    await app.until.consumed(group, 30);
    for (const account of accounts) expect(byKey.get(account)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(overlapped).toBe(false);
    expect(running).toBe(0);
  });

  it('answers transaction check-backs with the @TransactionCheck method, committing an open transaction', async () => {
    const topic = unique('Transfers');
    const txGroup = unique('transfers-tx');
    const group = unique('ledger');
    const decided = new Map<string, TransactionState>();
    const checked: string[] = [];
    const received: string[] = [];
    @injectable()
    class Transfers {
      constructor(@inject(PulsejetTransactions) private readonly tx: PulsejetTransactions) {}

      /** The local transaction can't decide at once: it leaves the outcome to the check-back. */
      async start(id: string): Promise<string> {
        const result = await this.tx.sendInTransaction(txGroup, { topic, body: { id }, keys: id }, () => TransactionState.UNKNOWN);
        decided.set(id, TransactionState.COMMIT);
        return result.transactionState;
      }

      @TransactionCheck({ group: txGroup, topics: [topic] })
      check(msg: Message<{ id: string }>): TransactionState {
        checked.push(msg.body.id);
        return decided.get(msg.body.id) ?? TransactionState.UNKNOWN;
      }

      @Subscribe({ topic, group, consumeFrom: 'first' })
      onTransfer(msg: Message<{ id: string }>): void {
        received.push(msg.body.id);
      }
    }
    h.container.bind(Transfers).toSelf().inSingletonScope();
    await h.topics(topic);
    const app = await h.start();
    const transfers = h.container.get(Transfers);
    expect(await transfers.start('t-1')).toBe('UNKNOWN');
    await app.until.consumed(group, 1, 60_000);
    expect(received).toEqual(['t-1']);
    expect(checked).toContain('t-1');
  });

  it('close() drains in-flight handlers (their sends included) before it commits and stops', async () => {
    const topic = unique('Slow');
    const out = unique('SlowOut');
    const group = unique('slow');
    const release = new Subject<void>();
    const events: string[] = [];
    @injectable()
    class Slow {
      constructor(@inject(PULSEJET_PRODUCER) private readonly producer: Producer) {}

      @Subscribe({ topic, group, consumeFrom: 'first', concurrency: 4 })
      async on(msg: Message<string>): Promise<void> {
        events.push(`start ${msg.body}`);
        await new Promise<void>((resolve) => release.subscribe({ complete: resolve }));
        await this.producer.send({ topic: out, body: `done ${msg.body}` });
        events.push(`end ${msg.body}`);
      }
    }
    h.container.bind(Slow).toSelf().inSingletonScope();
    await h.topics(topic, out);
    const app = await h.start();
    const broker = h.broker();
    for (const body of ['a', 'b']) await h.producer.send({ topic, body });
    await waitFor(() => events.filter((e) => e.startsWith('start')).length === 2, 'both handlers running');
    const closed = app.close().then(() => events.push('closed'));
    // close() is waiting for the handlers; let them finish.
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).not.toContain('closed');
    release.complete();
    await closed;
    expect(events.slice(-1)).toEqual(['closed']);
    expect(events.filter((e) => e.startsWith('end')).sort()).toEqual(['end a', 'end b']);
    if (mode === 'connected') {
      // The broker outlives the app here: the drained handlers' sends are stored and their offsets committed.
      const queues = broker.topics.get(topic)!.readQueueNums;
      let committed = 0;
      for (let q = 0; q < queues; q++) committed += broker.store.metadata.queryOffset(group, topic, q) ?? 0;
      expect(committed).toBe(2);
      let stored = 0;
      for (let q = 0; q < queues; q++) stored += broker.store.getMaxOffsetInQueue(out, q);
      expect(stored).toBe(2);
    }
  });
});
