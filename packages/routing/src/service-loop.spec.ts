import { waitFor } from '../test/helpers';
import { ServiceLoop } from './service-loop';

describe('ServiceLoop', () => {
  it('runs on its interval, and at once when woken', async () => {
    let runs = 0;
    const loop = new ServiceLoop({ name: 't', intervalMs: 10, task: () => void runs++ });
    loop.start();
    loop.start();
    await waitFor(() => runs >= 3, 'three runs');
    await loop.close();
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toBe(after);
  });

  it('wakes up long before the interval', async () => {
    let runs = 0;
    const loop = new ServiceLoop({ name: 't', intervalMs: 60_000, task: () => void runs++ });
    loop.start();
    loop.wakeup();
    await waitFor(() => runs === 1, 'a woken run');
    await loop.close();
  });

  it('survives a failing run and reports it', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const loop = new ServiceLoop({
      name: 't',
      intervalMs: 5,
      task: () => {
        runs++;
        throw new Error('boom');
      },
      onError: (e) => errors.push(e),
    });
    loop.start();
    await waitFor(() => runs >= 2, 'two runs');
    await loop.close();
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  it('close waits for a run in progress and is idempotent; start after close does nothing', async () => {
    let release!: () => void;
    let finished = false;
    let runs = 0;
    const loop = new ServiceLoop({
      name: 't',
      intervalMs: 1,
      task: async () => {
        runs++;
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      },
    });
    loop.start();
    await waitFor(() => runs === 1, 'a run to begin');
    const closing = loop.close();
    expect(finished).toBe(false);
    release();
    await Promise.all([closing, loop.close()]);
    expect(finished).toBe(true);
    loop.start();
    loop.wakeup();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toBe(1);
  });
});
