// The decorators validate their options when the class is defined and write one metadata entry
// per decorated method; errors carry a stable code and name Class.method.
import 'reflect-metadata';
import { injectable } from 'inversify';
import { PulsejetConfigError } from '../errors';
import { OnDeadLetter, Subscribe, SubscribeStream, TransactionCheck } from './decorators';
import { handlerEntriesOf } from './metadata';
import { defineTopic } from '../message/topic';
import type { Message } from '../message/message';
import type { Observable } from 'rxjs';

function codeOf(define: () => unknown): { code: string; message: string } {
  try {
    define();
  } catch (error) {
    if (!PulsejetConfigError.is(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error('expected a PulsejetConfigError');
}

describe('@Subscribe', () => {
  it('records the resolved options with their defaults', () => {
    @injectable()
    class Billing {
      @Subscribe({ topic: 'orders', tags: ['created', 'paid'], group: 'billing' })
      onOrder(_msg: Message<{ id: string }>): void {
        return;
      }
    }
    const [entry] = handlerEntriesOf(Billing);
    expect(entry).toMatchObject({
      kind: 'subscribe',
      method: 'onOrder',
      at: { className: 'Billing', methodName: 'onOrder', decorator: 'Subscribe' },
      subscription: {
        topic: 'orders',
        expression: 'created || paid',
        group: 'billing',
        decode: 'auto',
        settings: { mode: 'clustering', order: 'concurrent', concurrency: 20, maxReconsumeTimes: 16, consumeFrom: 'last', timeoutMs: 900_000 },
      },
    });
  });

  it('takes a topic definition and a Date for consumeFrom', () => {
    const Orders = defineTopic<{ id: string }>('orders');
    const since = new Date('2026-01-01T00:00:00Z');
    class Handler {
      @Subscribe({ topic: Orders, group: 'g', consumeFrom: since, order: 'orderly', concurrency: 4 })
      on(msg: Message<{ id: string }>): string {
        return msg.body.id;
      }
    }
    const [entry] = handlerEntriesOf(Handler);
    expect(entry).toMatchObject({ subscription: { topic: 'orders', expression: '*', settings: { consumeFrom: since.getTime(), order: 'orderly', concurrency: 4 } } });
  });

  it.each([
    ['an unknown option', { topic: 't', group: 'g', maxReconsumeTime: 3 }, 'UNKNOWN_OPTION', /unknown option 'maxReconsumeTime'/],
    ['broadcasting + orderly', { topic: 't', group: 'g', mode: 'broadcasting', order: 'orderly' }, 'INVALID_OPTION', /can't go together/],
    ['broadcasting + maxReconsumeTimes', { topic: 't', group: 'g', mode: 'broadcasting', maxReconsumeTimes: 2 }, 'INVALID_OPTION', /no effect with mode 'broadcasting'/],
    ['a missing group', { topic: 't' }, 'INVALID_OPTION', /group must be/],
    ['a bad group name', { topic: 't', group: 'has space' }, 'INVALID_OPTION', /group must be/],
    ['a bad topic', { topic: 'a b', group: 'g' }, 'INVALID_OPTION', /topic must be/],
    ['a system topic', { topic: '%DLQ%g', group: 'g' }, 'INVALID_OPTION', /system topic/],
    ['concurrency 0', { topic: 't', group: 'g', concurrency: 0 }, 'INVALID_OPTION', /concurrency must be an integer >= 1/],
    ['a negative maxReconsumeTimes', { topic: 't', group: 'g', maxReconsumeTimes: -1 }, 'INVALID_OPTION', /maxReconsumeTimes/],
    ['an unknown mode', { topic: 't', group: 'g', mode: 'fanout' }, 'INVALID_OPTION', /mode must be/],
    ['an unknown order', { topic: 't', group: 'g', order: 'fifo' }, 'INVALID_OPTION', /order must be/],
    ['a bad consumeFrom', { topic: 't', group: 'g', consumeFrom: 'yesterday' }, 'INVALID_OPTION', /consumeFrom must be/],
    ['empty tags', { topic: 't', group: 'g', tags: [] }, 'INVALID_OPTION', /tags must be/],
    ['a bad decoder', { topic: 't', group: 'g', decode: 'xml' }, 'INVALID_OPTION', /decode must be/],
  ])('rejects %s at class definition, naming Class.method', (_name, options, code, message) => {
    const error = codeOf(() => {
      class Broken {
        @Subscribe(options as never)
        handle(): void {
          return;
        }
      }
      return Broken;
    });
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^Broken\.handle \(@Subscribe\): /);
    expect(error.message).toMatch(message);
  });

  it('refuses static methods', () => {
    const error = codeOf(() => {
      class Static {
        @Subscribe({ topic: 't', group: 'g' } as never)
        static handle(): void {
          return;
        }
      }
      return Static;
    });
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toMatch(/Static\.handle .* instance method/);
  });
});

describe('@OnDeadLetter, @SubscribeStream, @TransactionCheck', () => {
  it('subscribes a dead-letter handler to %DLQ%<group> as <group>-dlq from the first offset', () => {
    class Dead {
      @OnDeadLetter({ group: 'billing', maxReconsumeTimes: 1 })
      onDead(): void {
        return;
      }
    }
    expect(handlerEntriesOf(Dead)[0]).toMatchObject({
      kind: 'dead-letter',
      deadLetterOf: 'billing',
      subscription: { topic: '%DLQ%billing', group: 'billing-dlq', settings: { consumeFrom: 'first', maxReconsumeTimes: 1 } },
    });
  });

  it('rejects a dead-letter consumer group equal to the group and unknown options', () => {
    expect(codeOf(() => OnDeadLetter({ group: 'g', consumerGroup: 'g' })({}, 'm', { value: () => undefined })).message).toMatch(/consumerGroup must differ/);
    expect(codeOf(() => OnDeadLetter({ group: 'g', mode: 'broadcasting' } as never)({}, 'm', { value: () => undefined })).code).toBe('UNKNOWN_OPTION');
    expect(codeOf(() => TransactionCheck({ group: 'g', topic: 't' } as never)({}, 'm', { value: () => 'COMMIT' as const })).code).toBe('UNKNOWN_OPTION');
    expect(codeOf(() => TransactionCheck({ group: 'g', topics: 'orders' } as never)({}, 'm', { value: () => 'COMMIT' as const })).message).toMatch(/topics must be a list/);
    expect(codeOf(() => TransactionCheck({ group: 'g', topics: ['bad topic'] })({}, 'm', { value: () => 'COMMIT' as const })).message).toMatch(/topic must be/);
  });

  it('records stream and check-back handlers', () => {
    class Both {
      @SubscribeStream({ topic: 'clicks', group: 'analytics', concurrency: 8 })
      clicks(messages: Observable<Message<string>>): Observable<Message<string>> {
        return messages;
      }

      @TransactionCheck({ group: 'orders-tx' })
      check(): 'COMMIT' {
        return 'COMMIT';
      }
    }
    expect(handlerEntriesOf(Both).map((e) => e.kind)).toEqual(['stream', 'transaction-check']);
  });

  it('inherits handlers; a subclass that decorates a method again replaces the base entry', () => {
    class Base {
      @Subscribe({ topic: 'a', group: 'ga' })
      onA(): void {
        return;
      }

      @Subscribe({ topic: 'b', group: 'gb' })
      onB(): void {
        return;
      }
    }
    class Child extends Base {
      @Subscribe({ topic: 'b2', group: 'gb' })
      override onB(): void {
        return;
      }
    }
    const topics = handlerEntriesOf(Child).map((e) => (e.kind === 'transaction-check' ? e.group : e.subscription.topic));
    expect(topics.sort()).toEqual(['a', 'b2']);
    expect(handlerEntriesOf(Base)).toHaveLength(2);
  });
});

describe('decorator types', () => {
  it('check the handler signature against a typed topic at compile time', () => {
    const Orders = defineTopic<{ id: string }>('orders');
    class Typed {
      @Subscribe({ topic: Orders, group: 'typed' })
      ok(msg: Message<{ id: string }>): string {
        return msg.body.id;
      }

      // @ts-expect-error the topic's body is { id: string }, not a number
      @Subscribe({ topic: Orders, group: 'typed2' })
      wrong(msg: Message<number>): number {
        return msg.body;
      }

      // @ts-expect-error a check-back must answer COMMIT, ROLLBACK or UNKNOWN
      @TransactionCheck({ group: 'tx' })
      check(): string {
        return 'yes';
      }
    }
    // At run time both are recorded; the compiler is what refuses the wrong signatures.
    expect(handlerEntriesOf(Typed).map((e) => e.method)).toEqual(['ok', 'wrong', 'check']);
  });
});

describe('standard decorators', () => {
  it('explains that experimentalDecorators is needed when called the TC39 way', () => {
    const tc39Call = Subscribe({ topic: 't', group: 'g' }) as unknown as (value: unknown, context: { kind: string; name: string }) => void;
    expect(() => tc39Call(() => undefined, { kind: 'method', name: 'onOrder' })).toThrow(/@Subscribe on onOrder: .*"experimentalDecorators": true/);
  });
});
