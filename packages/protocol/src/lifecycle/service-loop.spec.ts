import { ServiceLoop } from './service-loop';

/** Resolves when `check` holds, polling; fails after `timeoutMs` (no fixed sleeps). */
async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('ServiceLoop', () => {
  it('runs on its interval and once more right away when woken', async () => {
    let runs = 0;
    const loop = new ServiceLoop({ name: 'test', intervalMs: 60_000, task: () => void (runs += 1) });
    loop.start();
    loop.start(); // idempotent
    loop.wakeup();
    await until(() => runs === 1);
    loop.wakeup();
    await until(() => runs === 2);
    await loop.close();
  });

  it('never runs the task twice at once, and a wakeup during a run causes one more run', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release: (() => void) | undefined;
    const loop = new ServiceLoop({
      name: 'test',
      intervalMs: 60_000,
      task: async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        runs += 1;
        if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
        active -= 1;
      },
    });
    loop.start();
    loop.wakeup();
    await until(() => release !== undefined);
    loop.wakeup();
    loop.wakeup();
    release!();
    await until(() => runs === 2);
    expect(maxActive).toBe(1);
    await loop.close();
  });

  it('close waits for a run in progress, signals abort, and stops further runs', async () => {
    let finished = false;
    let sawAbort = false;
    let runs = 0;
    const loop = new ServiceLoop({
      name: 'test',
      intervalMs: 1,
      task: async (signal) => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        sawAbort = signal.aborted;
        finished = true;
      },
    });
    loop.start();
    await until(() => runs === 1);
    await loop.close();
    expect(finished).toBe(true);
    expect(sawAbort).toBe(true);
    const after = runs;
    loop.wakeup();
    loop.start(); // start after close does nothing
    await loop.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runs).toBe(after);
  });

  it('survives a failing task and reports the error', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const loop = new ServiceLoop({
      name: 'test',
      intervalMs: 1,
      task: () => {
        runs += 1;
        if (runs === 1) throw new Error('boom');
      },
      onError: (error) => errors.push(error),
    });
    loop.start();
    await until(() => runs >= 2);
    await loop.close();
    expect(errors).toHaveLength(1);
  });
});
