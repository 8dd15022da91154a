import { resolvePullHoldOptions } from './pull-hold-options';
import { PullHoldService, type HeldPull } from './pull-hold-service';

function held(overrides: Partial<HeldPull> = {}): HeldPull & { answers: string[] } {
  const answers: string[] = [];
  return {
    topic: 'T',
    queueId: 0,
    offset: 5,
    channelId: 'c1',
    deadline: 1_000,
    matches: (code) => code === 7,
    answer: () => answers.push('answer'),
    drop: () => answers.push('drop'),
    answers,
    ...overrides,
  };
}

describe('PullHoldService', () => {
  let now = 0;
  let maxOffset = 5;
  const make = (options = {}) =>
    new PullHoldService(resolvePullHoldOptions({ checkIntervalMillis: 60_000, ...options }), {
      maxOffsetOf: () => maxOffset,
      now: () => now,
      log: () => undefined,
    });
  beforeEach(() => {
    now = 0;
    maxOffset = 5;
  });

  it('wakes on a matching arrival past the held offset, only once', () => {
    const service = make();
    const pull = held();
    service.hold(pull);
    service.notifyMessageArriving('T', 0, 6, 8); // other tag
    service.notifyMessageArriving('T', 1, 6, 7); // other queue
    service.notifyMessageArriving('T', 0, 5, 7); // not past the offset
    expect(pull.answers).toEqual([]);
    service.notifyMessageArriving('T', 0, 6, 7);
    service.notifyMessageArriving('T', 0, 7, 7);
    expect(pull.answers).toEqual(['answer']);
    expect(service.size).toBe(0);
  });

  it('wakes exactly the matching pulls of a queue that holds several, and keeps serving the queue after it emptied', () => {
    const service = make();
    const a = held({ offset: 5 });
    const b = held({ offset: 9 });
    const c = held({ offset: 5, matches: () => false });
    for (const pull of [a, b, c]) service.hold(pull);
    service.notifyMessageArriving('T', 0, 6, 7);
    expect([a.answers, b.answers, c.answers]).toEqual([['answer'], [], []]);
    expect(service.size).toBe(2);
    service.notifyMessageArriving('T', 0, 10, undefined); // any tag: c's filter is not asked
    expect([b.answers, c.answers]).toEqual([['answer'], ['answer']]);
    expect(service.size).toBe(0);
    service.check(); // sweeps the queue's empty entry
    for (let round = 0; round < 3; round += 1) {
      const again = held({ offset: 20 + round });
      service.hold(again);
      service.notifyMessageArriving('T', 0, 21 + round, 7);
      expect(again.answers).toEqual(['answer']);
      expect(service.size).toBe(0);
    }
  });

  it('the check answers timed-out pulls and pulls whose queue grew', () => {
    const service = make();
    const late = held({ deadline: 100 });
    const waiting = held({ queueId: 1, deadline: 10_000 });
    service.hold(late);
    service.hold(waiting);
    now = 100;
    service.check();
    expect(late.answers).toEqual(['answer']);
    expect(waiting.answers).toEqual([]);
    maxOffset = 6;
    service.check();
    expect(waiting.answers).toEqual(['answer']);
  });

  it('caps the hold time, uses short polling when long polling is off, and bounds the table', () => {
    expect(make({ maxSuspendMillis: 20_000 }).holdMillis(60_000)).toBe(20_000);
    expect(make().holdMillis(15_000)).toBe(15_000);
    expect(make({ longPollingEnable: false, shortPollingMillis: 1000 }).holdMillis(15_000)).toBe(1000);
    const service = make({ maxHeldRequests: 1 });
    expect(service.hold(held())).toBe(true);
    expect(service.hold(held())).toBe(false);
  });

  it('drops a closed channel’s pulls and answers the rest on close', () => {
    const service = make();
    const mine = held({ channelId: 'gone' });
    const other = held();
    service.hold(mine);
    service.hold(other);
    service.dropChannel('gone');
    expect(mine.answers).toEqual(['drop']);
    service.close();
    service.close();
    expect(other.answers).toEqual(['answer']);
    expect(service.hold(held())).toBe(false);
  });

  it('refuses bad options', () => {
    expect(() => resolvePullHoldOptions({ maxSuspendMillis: 0 })).toThrow(RangeError);
    expect(() => resolvePullHoldOptions({ checkIntervalMillis: 1.5 })).toThrow(RangeError);
  });
});
