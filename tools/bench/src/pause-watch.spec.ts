import { PauseWatch, formatPauses } from './pause-watch';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('PauseWatch', () => {
  it('reports a stall of the bystander inside the window, and nothing for a window before it started', async () => {
    const startedAt = Date.now();
    const watch = await PauseWatch.start();
    try {
      await sleep(100);
      const from = Date.now();
      // A stopped process does not run its timers: when it continues, its tick fires ~400 ms late,
      // as after a host pause.
      process.kill(watch.pid!, 'SIGSTOP');
      await sleep(400);
      process.kill(watch.pid!, 'SIGCONT');
      await sleep(100);
      const stalled = await watch.window(from, Date.now());
      expect(stalled).toBeDefined();
      expect(stalled!.longestLagMs).toBeGreaterThanOrEqual(300);
      expect(stalled!.stealMs).toBeGreaterThanOrEqual(0);
      expect(await watch.window(startedAt - 60_000, startedAt - 1)).toEqual({ longestLagMs: 0, stealMs: 0 });
    } finally {
      watch.close();
    }
  }, 30_000);
});

describe('formatPauses', () => {
  it('gives the longest stall and the steal time, rounded', () => {
    expect(formatPauses({ longestLagMs: 241.6, stealMs: 120 })).toBe('242 ms / 120 ms');
  });

  it('says when the timer was never notably late, and when there was no watcher', () => {
    expect(formatPauses({ longestLagMs: 0, stealMs: 10 })).toBe('≤ 5 ms / 10 ms');
    expect(formatPauses(undefined)).toBe('—');
  });
});
