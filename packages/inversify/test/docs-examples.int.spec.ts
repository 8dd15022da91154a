// The code of docs/getting-started.md ("Handlers with decorators") and docs/decorators.md, run as
// written (only `process.once('SIGINT', ...)` is replaced by returning the app to the test), once
// embedded and once with the one-line switch to PulsejetModule.connect().
import { Producer } from '@pulsejet/client';
import { Container, inject, injectable } from 'inversify';
import { OnDeadLetter, PulsejetModule, Subscribe, createTestPulsejet, defineTopic, startPulsejet, type Message, type PulsejetApp } from '../src/index';
import { TEST_BROKER, startStandalone, unique } from './harness';

jest.setTimeout(60_000);

// --- getting-started.md -------------------------------------------------------------------
@injectable()
class Greeter {
  @Subscribe({ topic: 'greetings', group: 'greeter' })
  onGreeting(msg: Message<{ name: string }>): void {
    console.log(`hello, ${msg.body.name}`);
  }
}

async function main(module = PulsejetModule.embedded({ memory: true })): Promise<PulsejetApp> {
  const container = new Container();
  container.loadSync(module); // or PulsejetModule.connect({ namesrv: '127.0.0.1:9876' })
  container.bind(Greeter).toSelf().inSingletonScope();
  const app = await startPulsejet(container);
  await container.get(Producer).send({ topic: 'greetings', body: { name: 'Ada' } });
  return app;
}
// -------------------------------------------------------------------------------------------

describe('docs/getting-started.md', () => {
  let log: jest.SpyInstance;
  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => log.mockRestore());

  it('receives the first message embedded', async () => {
    const app = await main();
    try {
      await app.until.consumed('greeter', 1);
      expect(log).toHaveBeenCalledWith('hello, Ada');
    } finally {
      await app.close();
    }
  });

  it('receives it connected, changing only the module', async () => {
    const standalone = await startStandalone();
    try {
      // The topic exists up front here; against `npm start` the first send auto-creates it.
      await standalone.createTopic('greetings');
      const app = await main(PulsejetModule.connect({ namesrv: standalone.namesrvAddr }));
      try {
        await app.until.consumed('greeter', 1);
        expect(log).toHaveBeenCalledWith('hello, Ada');
      } finally {
        await app.close();
      }
    } finally {
      await standalone.close();
    }
  });
});

describe('docs/decorators.md', () => {
  it('runs the billing example with a typed topic, retries and a dead-letter handler', async () => {
    const ordersTopic = unique('orders');
    // --- decorators.md: typed topics and handlers ---
    interface Order {
      id: string;
      amount: number;
    }
    const Orders = defineTopic<Order>(ordersTopic);
    const invoices: string[] = [];
    const deadLetters: string[] = [];

    @injectable()
    class Billing {
      constructor(@inject(Producer) private readonly producer: Producer) {}

      @Subscribe({ topic: Orders, tags: 'created', group: 'billing', maxReconsumeTimes: 1 })
      async onOrder(msg: Message<Order>): Promise<void> {
        if (msg.body.amount < 0) throw new Error(`order ${msg.body.id}: negative amount`); // retried, then dead-lettered
        await this.producer.send({ topic: 'invoices', keys: msg.body.id, body: { order: msg.body.id } });
        invoices.push(msg.body.id);
      }

      @OnDeadLetter({ group: 'billing' })
      onDeadLetter(msg: Message<Order>): void {
        deadLetters.push(msg.body.id);
      }
    }
    // --- decorators.md: testing ---
    const pj = createTestPulsejet({ broker: TEST_BROKER, log: () => undefined });
    pj.container.bind(Billing).toSelf().inSingletonScope();
    await pj.start();
    try {
      await pj.producer.send(Orders.message({ id: 'o-1', amount: 100 }, { tags: 'created' }));
      await pj.producer.send(Orders.message({ id: 'o-2', amount: -5 }, { tags: 'created' }));
      await pj.until.consumed('billing', 1);
      await pj.until.consumed('billing-dlq', 1);
      expect(invoices).toEqual(['o-1']);
      expect(deadLetters).toEqual(['o-2']);
    } finally {
      await pj.close();
    }
  });
});
