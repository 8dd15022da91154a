import { createRequest, createResponse } from '@pulsejet/protocol';
import { InFlightTable } from './in-flight';

function response(opaque: number) {
  const request = createRequest(10);
  request.opaque = opaque;
  return createResponse(request, 0);
}

describe('InFlightTable', () => {
  afterEach(() => jest.useRealTimers());

  it('resolves the waiter a response names by opaque, in any order', async () => {
    const table = new InFlightTable({ maxInFlight: 10, peer: () => 'peer' });
    const a = table.nextOpaque();
    const b = table.nextOpaque();
    const first = table.register(a, 10, 1000);
    const second = table.register(b, 10, 1000);
    expect(table.complete(response(b))).toBe(true);
    expect(table.complete(response(a))).toBe(true);
    expect((await first).opaque).toBe(a);
    expect((await second).opaque).toBe(b);
    expect(table.size).toBe(0);
    expect(table.complete(response(a))).toBe(false);
  });

  it('times a waiter out with TIMEOUT and calls onTimeout', async () => {
    jest.useFakeTimers();
    const timedOut: number[] = [];
    const table = new InFlightTable({ maxInFlight: 10, peer: () => '10.0.0.1:10911', onTimeout: (opaque) => timedOut.push(opaque) });
    const opaque = table.nextOpaque();
    const pending = table.register(opaque, 11, 500);
    jest.advanceTimersByTime(498);
    expect(table.size).toBe(1);
    jest.advanceTimersByTime(5);
    await expect(pending).rejects.toMatchObject({ code: 'TIMEOUT', retriable: true, message: expect.stringContaining('10.0.0.1:10911') });
    expect(timedOut).toEqual([opaque]);
    expect(table.complete(response(opaque))).toBe(false);
  });

  it('keeps each deadline with one timer: later waiters after earlier ones, shorter ones first', async () => {
    jest.useFakeTimers();
    const table = new InFlightTable({ maxInFlight: 10, peer: () => 'peer' });
    const settled: string[] = [];
    const track = (name: string, promise: Promise<unknown>): void => void promise.then(() => settled.push(`${name} ok`), () => settled.push(`${name} timeout`));
    track('long', table.register(1, 11, 1000));
    jest.advanceTimersByTime(100);
    track('short', table.register(2, 11, 200)); // due at 300, before long's 1000
    track('answered', table.register(3, 11, 150));
    table.complete(response(3));
    jest.advanceTimersByTime(250);
    await Promise.resolve();
    expect(settled).toEqual(['answered ok', 'short timeout']);
    jest.advanceTimersByTime(700);
    await Promise.resolve();
    expect(settled).toEqual(['answered ok', 'short timeout', 'long timeout']);
    expect(table.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('leaves no timer keeping the process alive once every request is answered', () => {
    const table = new InFlightTable({ maxInFlight: 10, peer: () => 'peer' });
    void table.register(1, 11, 60_000).catch(() => undefined);
    const timer = (table as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(true);
    table.complete(response(1));
    expect(timer.hasRef()).toBe(false);
    void table.register(2, 11, 60_000).catch(() => undefined);
    expect(timer.hasRef()).toBe(true);
    table.failAll(new Error('cleanup'));
  });

  it('refuses more than maxInFlight waiters with TOO_MANY_IN_FLIGHT', () => {
    const table = new InFlightTable({ maxInFlight: 2, peer: () => 'peer' });
    void table.register(table.nextOpaque(), 1, 1000).catch(() => undefined);
    void table.register(table.nextOpaque(), 1, 1000).catch(() => undefined);
    expect(() => table.register(table.nextOpaque(), 1, 1000)).toThrow(expect.objectContaining({ code: 'TOO_MANY_IN_FLIGHT' }));
    table.failAll(new Error('cleanup'));
  });

  it('fails every waiter at once', async () => {
    const table = new InFlightTable({ maxInFlight: 10, peer: () => 'peer' });
    const waiters = [1, 2, 3].map((opaque) => table.register(opaque, 1, 1000));
    const error = new Error('closed');
    table.failAll(error);
    for (const waiter of waiters) await expect(waiter).rejects.toBe(error);
    expect(table.size).toBe(0);
  });

  it('wraps opaques before the int32 sign bit and skips ones still waiting', () => {
    const table = new InFlightTable({ maxInFlight: 10, peer: () => 'peer' });
    void table.register(1, 1, 1000).catch(() => undefined);
    (table as unknown as { lastOpaque: number }).lastOpaque = 0x7fff_fffe;
    expect(table.nextOpaque()).toBe(0x7fff_ffff);
    expect(table.nextOpaque()).toBe(2); // 1 is still waiting
    table.failAll(new Error('cleanup'));
  });
});
