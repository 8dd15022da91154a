import { ClosedLoopLoad } from './closed-loop-load';

/** Operations answer with a counter after a macrotask; `failAt` makes that answer a failure. */
class CountingLoad extends ClosedLoopLoad<number> {
  issued = 0;
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    onRoundTrip: (latencyMs: number) => void,
    private readonly failAt = Number.POSITIVE_INFINITY,
  ) {
    super(onRoundTrip);
  }

  protected issue(): Promise<number> {
    const n = ++this.issued;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve) =>
      setImmediate(() => {
        this.inFlight -= 1;
        resolve(n);
      }),
    );
  }

  protected check(answer: number): void {
    if (answer === this.failAt) throw new Error(`operation ${answer} failed`);
  }
}

describe('ClosedLoopLoad', () => {
  it('keeps exactly inFlight operations going and reports each round trip until stopped', async () => {
    const latencies: number[] = [];
    const load = new CountingLoad((ms) => latencies.push(ms));
    load.start(4);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await load.stop();
    expect(load.maxInFlight).toBe(4);
    expect(load.inFlight).toBe(0);
    // Every operation issued was answered and reported: stop() waited for the outstanding ones.
    expect(latencies).toHaveLength(load.issued);
    expect(latencies.every((ms) => ms >= 0)).toBe(true);
    await expect(load.failure()).resolves.toBeUndefined();
  });

  it('a failed answer rejects failure() at once and stop() after, and is not reported as a round trip', async () => {
    const latencies: number[] = [];
    const load = new CountingLoad((ms) => latencies.push(ms), 10);
    load.start(2);
    await expect(load.failure()).rejects.toThrow('operation 10 failed');
    await expect(load.stop()).rejects.toThrow('operation 10 failed');
    expect(latencies.length).toBeLessThan(load.issued);
  });
});
