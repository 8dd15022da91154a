// startPulsejet() and the modules without traffic: what it refuses, what it binds, and that a
// failed start leaves nothing running.
import 'reflect-metadata';
import { ClientInstance, Producer } from '@pulsejet/client';
import { Container, injectable } from 'inversify';
import { SubscribeStream, Subscribe } from '../decorators/decorators';
import { PulsejetConfigError } from '../errors';
import { PulsejetModule } from '../module/pulsejet-module';
import { PULSEJET_PRODUCER, PULSEJET_RUNTIME } from '../module/tokens';
import { PulsejetTransactions } from '../module/transactions';
import type { PulsejetRuntime } from '../module/runtime';
import { createTestPulsejet } from '../testing/test-pulsejet';
import { startPulsejet } from './start-pulsejet';

jest.setTimeout(30_000);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (PulsejetConfigError.is(error)) return error.code;
    throw error;
  }
  throw new Error('expected a PulsejetConfigError');
}

const quiet = (): void => undefined;

describe('PulsejetModule', () => {
  it('binds the Producer by class and by token, the client instance and the transactions', () => {
    const container = new Container();
    container.loadSync(PulsejetModule.embedded({ memory: true, log: quiet }));
    const producer = container.get(Producer);
    expect(container.get(PULSEJET_PRODUCER)).toBe(producer);
    expect(container.get(ClientInstance)).toBe(container.get<PulsejetRuntime>(PULSEJET_RUNTIME).clientInstance);
    expect(container.get(PulsejetTransactions)).toBeInstanceOf(PulsejetTransactions);
    expect(producer.groupName).toBe('pulsejet-producer');
  });

  it.each([
    ['neither dataDir nor memory', () => PulsejetModule.embedded({} as never)],
    ['both dataDir and memory', () => PulsejetModule.embedded({ dataDir: './d', memory: true } as never)],
    ['an empty namesrv', () => PulsejetModule.connect({ namesrv: '' })],
    ['bad topicQueueNums', () => PulsejetModule.embedded({ memory: true, topicQueueNums: 0 })],
  ])('refuses %s', (_name, make) => {
    expect(() => make()).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('gives each container its own runtime', () => {
    const module = PulsejetModule.embedded({ memory: true, log: quiet });
    const [a, b] = [new Container(), new Container()];
    a.loadSync(module);
    b.loadSync(module);
    expect(a.get(Producer)).not.toBe(b.get(Producer));
  });
});

describe('startPulsejet', () => {
  it('refuses a container without PulsejetModule', async () => {
    expect(await codeOf(startPulsejet(new Container()))).toBe('NOT_CONFIGURED');
  });

  it('reports conflicting handlers before anything starts', async () => {
    @injectable()
    class A {
      @Subscribe({ topic: 't', group: 'same', order: 'orderly' })
      on(): void {
        return;
      }
    }
    @injectable()
    class B {
      @Subscribe({ topic: 'u', group: 'same' })
      on(): void {
        return;
      }
    }
    const pj = createTestPulsejet({ log: quiet });
    pj.container.bind(A).toSelf();
    pj.container.bind(B).toSelf();
    expect(await codeOf(pj.start())).toBe('CONFLICTING_SUBSCRIPTIONS');
    // Nothing was started, so the broker never opened.
    expect(() => pj.container.get<PulsejetRuntime>(PULSEJET_RUNTIME).embedded!.broker.brokerAddr).toThrow();
  });

  it('fails a stream handler that returns no Observable, naming it, and closes what it started', async () => {
    @injectable()
    class NotAStream {
      @SubscribeStream({ topic: 'clicks', group: 'g' })
      on(): never {
        return 42 as never;
      }
    }
    const pj = createTestPulsejet({ log: quiet });
    pj.container.bind(NotAStream).toSelf();
    await expect(pj.start()).rejects.toThrow(/NotAStream\.on \(@SubscribeStream\) must return an Observable/);
    await expect(pj.producer.send({ topic: 'clicks', body: 'x' })).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  });

  it('starts once per container; close() is idempotent and stops the producer', async () => {
    const pj = createTestPulsejet({ log: quiet });
    const app = await pj.start();
    expect(app.groups).toEqual([]);
    expect(await codeOf(startPulsejet(pj.container))).toBe('NOT_CONFIGURED');
    await pj.producer.send({ topic: 'anything', body: 'ok' });
    await Promise.all([app.close(), app.close()]);
    await app.close();
    await expect(pj.producer.send({ topic: 'anything', body: 'x' })).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  });

  it('until rejects for an unknown group and times out with the counts', async () => {
    @injectable()
    class Idle {
      @Subscribe({ topic: 'idle', group: 'idle' })
      on(): void {
        return;
      }
    }
    const pj = createTestPulsejet({ log: quiet });
    pj.container.bind(Idle).toSelf().inSingletonScope();
    const app = await pj.start();
    try {
      await expect(app.until.consumed('nope', 1)).rejects.toMatchObject({ code: 'NOT_CONFIGURED' });
      await expect(app.until.consumed('idle', 1, 50)).rejects.toThrow(/timed out after 50 ms waiting for 1 acked deliveries of group idle \(acked 0, failed 0\)/);
    } finally {
      await pj.close();
    }
  });
});
