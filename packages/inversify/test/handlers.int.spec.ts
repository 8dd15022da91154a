// @Subscribe end to end, embedded and connected: the handler gets a typed message; resolving acks;
// throwing retries with a growing reconsume count and then reaches the @OnDeadLetter handler; a
// returned Observable acks when it completes (and retries when it errors); the stream form; two
// groups on one topic each get every message.
import { injectable } from 'inversify';
import { Subject, concatMap, from, map, type Observable } from 'rxjs';
import { OnDeadLetter, Subscribe, SubscribeStream, defineTopic, type Message } from '../src/index';
import { MODES, createHarness, startStandalone, unique, waitFor, type Harness, type Standalone } from './harness';

jest.setTimeout(90_000);

interface Order {
  id: string;
  amount: number;
}

describe.each(MODES)('@Subscribe handlers (%s)', (mode) => {
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

  it('hands the handler a typed message: decoded body, tags, keys, properties, msgId, reconsume count', async () => {
    const Orders = defineTopic<Order>(unique('Orders'));
    const group = unique('billing');
    const received: Message<Order>[] = [];
    @injectable()
    class Billing {
      @Subscribe({ topic: Orders, tags: 'created || paid', group })
      onOrder(msg: Message<Order>): void {
        received.push(msg);
      }
    }
    h.container.bind(Billing).toSelf().inSingletonScope();
    await h.topics(Orders.name);
    const app = await h.start();
    const sent = await h.producer.send(Orders.message({ id: 'o-1', amount: 42 }, { tags: 'created', keys: ['o-1', 'customer-7'], properties: { region: 'eu' } }));
    await h.producer.send(Orders.message({ id: 'o-2', amount: 1 }, { tags: 'ignored' }));
    await h.producer.send({ topic: Orders.name, tags: 'paid', body: 'plain text' });
    await app.until.consumed(group, 2);
    const [first, second] = received;
    expect(first!.body).toEqual({ id: 'o-1', amount: 42 });
    expect(first!.tags).toBe('created');
    expect(first!.keys).toEqual(['o-1', 'customer-7']);
    expect(first!.properties).toMatchObject({ region: 'eu' });
    expect(first!.msgId).toBe(sent.msgId);
    expect(first!.reconsumeTimes).toBe(0);
    expect(first!.topic).toBe(Orders.name);
    // Not JSON: 'auto' decoding gives the text.
    expect(second!.body).toBe('plain text');
    expect(received.map((m) => m.tags)).not.toContain('ignored');
  });

  it('retries a throwing handler with backoff, then the @OnDeadLetter handler gets the message', async () => {
    const topic = unique('Payments');
    const group = unique('payments');
    const attempts: number[] = [];
    const dead: Message<{ id: string }>[] = [];
    @injectable()
    class Payments {
      @Subscribe({ topic, group, maxReconsumeTimes: 2, consumeFrom: 'first' })
      onPayment(msg: Message<{ id: string }>): Promise<void> {
        if (msg.body.id === 'poison') {
          attempts.push(msg.reconsumeTimes);
          return Promise.reject(new Error('card declined'));
        }
        return Promise.resolve();
      }

      @OnDeadLetter({ group })
      onDeadLetter(msg: Message<{ id: string }>): void {
        dead.push(msg);
      }
    }
    h.container.bind(Payments).toSelf().inSingletonScope();
    await h.topics(topic);
    const app = await h.start();
    await h.producer.send({ topic, body: { id: 'poison' }, keys: 'poison' });
    await h.producer.send({ topic, body: { id: 'fine' } });
    await app.until.consumed(`${group}-dlq`, 1, 60_000);
    expect(attempts).toEqual([0, 1, 2]);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.body).toEqual({ id: 'poison' });
    expect(dead[0]!.keys).toEqual(['poison']);
    expect(dead[0]!.topic).toBe(`%DLQ%${group}`);
    expect(dead[0]!.raw.properties['RETRY_TOPIC']).toBe(topic);
    expect(app.stats(group)).toEqual({ acked: 1, failed: 3 });
  });

  it('acks a returned Observable when it completes, and retries one that errors', async () => {
    const topic = unique('Obs');
    const group = unique('obs');
    const gate = new Subject<void>();
    const calls: { body: string; reconsumeTimes: number }[] = [];
    @injectable()
    class Streams {
      @Subscribe({ topic, group, consumeFrom: 'first' })
      on(msg: Message<string>): Observable<unknown> {
        calls.push({ body: msg.body, reconsumeTimes: msg.reconsumeTimes });
        if (msg.body === 'wait') return gate.asObservable();
        if (msg.body === 'fail' && msg.reconsumeTimes === 0) return from(Promise.reject(new Error('observable failed')));
        return from([1, 2, 3]);
      }
    }
    h.container.bind(Streams).toSelf().inSingletonScope();
    await h.topics(topic);
    const app = await h.start();
    await h.producer.send({ topic, body: 'wait' });
    await waitFor(() => calls.some((c) => c.body === 'wait'), 'the handler of "wait"');
    expect(app.stats(group).acked).toBe(0);
    gate.next();
    expect(app.stats(group).acked).toBe(0);
    gate.complete();
    await app.until.consumed(group, 1);
    await h.producer.send({ topic, body: 'fail' });
    await app.until.consumed(group, 2);
    expect(app.stats(group).failed).toBe(1);
    expect(calls.filter((c) => c.body === 'fail').map((c) => c.reconsumeTimes)).toEqual([0, 1]);
  });

  it('runs the stream form: emitting a message acks it; a broken stream retries what was in it', async () => {
    const topic = unique('Clicks');
    const group = unique('analytics');
    const seen: string[] = [];
    let pipelines = 0;
    @injectable()
    class Analytics {
      @SubscribeStream({ topic, group, consumeFrom: 'first', concurrency: 4 })
      clicks(messages: Observable<Message<string>>): Observable<Message<string>> {
        pipelines++;
        return messages.pipe(
          concatMap(async (msg) => {
            if (msg.body === 'boom' && msg.reconsumeTimes === 0) throw new Error('pipeline broke');
            seen.push(msg.body);
            return msg;
          }),
          map((msg) => msg),
        );
      }
    }
    h.container.bind(Analytics).toSelf().inSingletonScope();
    await h.topics(topic);
    const app = await h.start();
    for (const body of ['a', 'b', 'c']) await h.producer.send({ topic, body });
    await app.until.consumed(group, 3);
    await h.producer.send({ topic, body: 'boom' });
    await app.until.consumed(group, 4);
    expect(seen.sort()).toEqual(['a', 'b', 'boom', 'c']);
    expect(app.stats(group).failed).toBeGreaterThanOrEqual(1);
    // The first pipeline at start, a fresh one after the error.
    expect(pipelines).toBe(2);
  });

  it('delivers every message to each of two groups subscribed to one topic', async () => {
    const topic = unique('Shared');
    const [billing, audit] = [unique('billing'), unique('audit')];
    const got: Record<string, string[]> = { billing: [], audit: [] };
    @injectable()
    class Billing {
      @Subscribe({ topic, group: billing, consumeFrom: 'first' })
      on(msg: Message<string>): void {
        got['billing']!.push(msg.body);
      }
    }
    @injectable()
    class Audit {
      @Subscribe({ topic, group: audit, consumeFrom: 'first' })
      on(msg: Message<string>): void {
        got['audit']!.push(msg.body);
      }
    }
    h.container.bind(Billing).toSelf().inSingletonScope();
    h.container.bind(Audit).toSelf().inSingletonScope();
    await h.topics(topic);
    const app = await h.start();
    for (let i = 0; i < 10; i++) await h.producer.send({ topic, body: `m${i}` });
    await app.until.consumed(billing, 10);
    await app.until.consumed(audit, 10);
    expect(got['billing']!.sort()).toEqual(got['audit']!.sort());
    expect(new Set(got['billing']).size).toBe(10);
  });
});
