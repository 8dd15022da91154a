import { ConcurrencyLimiter } from './concurrency-limiter';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('ConcurrencyLimiter', () => {
  it('runs up to maxConcurrency, queues up to maxQueued, refuses the rest', async () => {
    const limiter = new ConcurrencyLimiter(2, 1);
    const gates = [gate(), gate(), gate()];
    const started: number[] = [];
    const task = (i: number) => () => {
      started.push(i);
      return gates[i]!.promise;
    };
    expect(limiter.tryRun(task(0))).toBe(true);
    expect(limiter.tryRun(task(1))).toBe(true);
    expect(limiter.tryRun(task(2))).toBe(true);
    expect(limiter.tryRun(task(2))).toBe(false);
    expect(started).toEqual([0, 1]);
    expect([limiter.active, limiter.queued]).toEqual([2, 1]);
    gates[0]!.open();
    await gates[0]!.promise;
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.open();
    gates[2]!.open();
  });

  it('releases a slot when a task finishes synchronously or throws, without recursion over a long queue', () => {
    const limiter = new ConcurrencyLimiter(1, 10_000);
    const blocker = gate();
    limiter.tryRun(() => blocker.promise);
    let ran = 0;
    for (let i = 0; i < 5000; i += 1) {
      limiter.tryRun(() => {
        ran += 1;
        if (i % 2 === 0) throw new Error('task bug');
      });
    }
    expect(limiter.queued).toBe(5000);
    blocker.open();
    return blocker.promise.then(async () => {
      await Promise.resolve();
      expect(ran).toBe(5000);
      expect([limiter.active, limiter.queued]).toEqual([0, 0]);
    });
  });

  it('keeps FIFO order when a slot frees while others are queued', async () => {
    const limiter = new ConcurrencyLimiter(1, 10);
    const order: number[] = [];
    const first = gate();
    limiter.tryRun(() => first.promise);
    for (const i of [1, 2, 3]) limiter.tryRun(() => void order.push(i));
    first.open();
    await first.promise;
    await Promise.resolve();
    expect(order).toEqual([1, 2, 3]);
  });
});
