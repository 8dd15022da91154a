// Discovery: decorated classes bound in the container are found (by class or by token) and
// resolved once; conflicts between handlers fail with the class and method of both sides.
import 'reflect-metadata';
import { Container, inject, injectable } from 'inversify';
import { PulsejetConfigError } from '../errors';
import { OnDeadLetter, Subscribe, TransactionCheck } from '../decorators/decorators';
import { discoverHandlers } from './discover';

function conflictOf(container: Container): PulsejetConfigError {
  try {
    discoverHandlers(container);
  } catch (error) {
    if (PulsejetConfigError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a conflict');
}

@injectable()
class Billing {
  @Subscribe({ topic: 'orders', group: 'billing' })
  onOrder(): void {
    return;
  }

  @Subscribe({ topic: 'refunds', group: 'billing' })
  onRefund(): void {
    return;
  }

  @OnDeadLetter({ group: 'billing' })
  onDead(): void {
    return;
  }
}

@injectable()
class Notifications {
  @Subscribe({ topic: 'orders', group: 'notifications', mode: 'broadcasting' })
  onOrder(): void {
    return;
  }
}

@injectable()
class Undecorated {}

describe('discoverHandlers', () => {
  it('groups handlers by consumer group, across classes bound by class or by token', () => {
    const container = new Container();
    container.bind(Billing).toSelf().inSingletonScope();
    container.bind('notifier').to(Notifications).inSingletonScope();
    container.bind(Undecorated).toSelf();
    container.bind('config').toConstantValue({});
    const table = discoverHandlers(container);
    expect(table.groups.map((g) => [g.group, g.handlers.map((h) => h.entry.at.methodName)])).toEqual([
      ['billing', ['onOrder', 'onRefund']],
      ['billing-dlq', ['onDead']],
      ['notifications', ['onOrder']],
    ]);
    expect(table.groups[1]!.deadLetterOf).toBe('billing');
    expect(table.groups[2]!.settings.mode).toBe('broadcasting');
    // The handlers are the container's singletons.
    expect(table.groups[0]!.handlers[0]!.instance).toBe(container.get(Billing));
  });

  it('uses a class bound twice once', () => {
    const container = new Container();
    container.bind(Notifications).toSelf().inSingletonScope();
    container.bind('again').to(Notifications).inSingletonScope();
    expect(discoverHandlers(container).groups.map((g) => g.handlers.length)).toEqual([1]);
  });

  it('finds nothing in a container without decorated classes', () => {
    const container = new Container();
    container.bind(Undecorated).toSelf();
    expect(discoverHandlers(container)).toEqual({ groups: [], transactionChecks: new Map() });
  });

  it('rejects one group with different settings, naming both methods', () => {
    @injectable()
    class Fast {
      @Subscribe({ topic: 'x', group: 'shared', concurrency: 50 })
      onX(): void {
        return;
      }
    }
    @injectable()
    class Slow {
      @Subscribe({ topic: 'y', group: 'shared', concurrency: 1 })
      onY(): void {
        return;
      }
    }
    const container = new Container();
    container.bind(Fast).toSelf();
    container.bind(Slow).toSelf();
    const error = conflictOf(container);
    expect(error.code).toBe('CONFLICTING_SUBSCRIPTIONS');
    expect(error.message).toContain('Slow.onY (@Subscribe) and Fast.onX (@Subscribe)');
    expect(error.message).toContain('concurrency: 50 vs 1');
  });

  it('rejects two handlers of one group on one topic', () => {
    @injectable()
    class A {
      @Subscribe({ topic: 'orders', group: 'dup' })
      on(): void {
        return;
      }
    }
    @injectable()
    class B {
      @Subscribe({ topic: 'orders', group: 'dup' })
      on(): void {
        return;
      }
    }
    const container = new Container();
    container.bind(A).toSelf();
    container.bind(B).toSelf();
    const error = conflictOf(container);
    expect(error.code).toBe('CONFLICTING_SUBSCRIPTIONS');
    expect(error.message).toMatch(/B\.on .* and A\.on .* both subscribe group dup to topic orders/);
  });

  it('rejects a dead-letter group shared with a normal handler and two check-backs of one producer group', () => {
    @injectable()
    class Mixed {
      @Subscribe({ topic: 'z', group: 'orders-dlq', consumeFrom: 'first' })
      onZ(): void {
        return;
      }

      @OnDeadLetter({ group: 'orders' })
      onDead(): void {
        return;
      }
    }
    const mixed = new Container();
    mixed.bind(Mixed).toSelf();
    expect(conflictOf(mixed).message).toMatch(/only one of them is a dead-letter handler/);

    @injectable()
    class Checks {
      @TransactionCheck({ group: 'tx' })
      a(): 'COMMIT' {
        return 'COMMIT';
      }

      @TransactionCheck({ group: 'tx' })
      b(): 'COMMIT' {
        return 'COMMIT';
      }
    }
    const checks = new Container();
    checks.bind(Checks).toSelf();
    expect(conflictOf(checks).message).toMatch(/Checks\.b .* and Checks\.a .* both check back transactions of producer group tx/);
  });

  it('reports a handler class the container cannot build', () => {
    @injectable()
    class NeedsMissing {
      constructor(@inject('missing') readonly dep: unknown) {}

      @Subscribe({ topic: 't', group: 'g' })
      on(): void {
        return;
      }
    }
    const container = new Container();
    container.bind(NeedsMissing).toSelf();
    const error = conflictOf(container);
    expect(error.code).toBe('NOT_CONFIGURED');
    expect(error.message).toMatch(/NeedsMissing has Pulsejet handlers but could not be resolved/);
  });
});
