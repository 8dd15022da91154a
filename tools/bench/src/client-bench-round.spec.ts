import { RoundScope } from './client-bench-round';

describe('RoundScope', () => {
  it('opens a shared resource once per round and closes it when the round ends', async () => {
    const scope = new RoundScope();
    const events: string[] = [];
    let opened = 0;
    const open = async (): Promise<number> => {
      opened += 1;
      events.push(`open ${opened}`);
      return opened;
    };
    const close = async (value: number): Promise<void> => {
      events.push(`close ${value}`);
    };
    const [a, b] = await Promise.all([scope.shared('broker', open, close), scope.shared('broker', open, close)]);
    expect([a, b]).toEqual([1, 1]);
    await scope.close();
    expect(events).toEqual(['open 1', 'close 1']);
    // The next round opens a new one.
    expect(await scope.shared('broker', open, close)).toBe(2);
    await scope.close();
    expect(events).toEqual(['open 1', 'close 1', 'open 2', 'close 2']);
  });

  it('closes the newest resource first, runs every closer even when one fails, and reports the first failure', async () => {
    const scope = new RoundScope();
    const closed: string[] = [];
    await scope.shared('first', async () => 'first', async (name) => void closed.push(name));
    await scope.shared('second', async () => 'second', async () => {
      closed.push('second');
      throw new Error('second failed to close');
    });
    await scope.shared('third', async () => 'third', async (name) => void closed.push(name));
    await expect(scope.close()).rejects.toThrow('second failed to close');
    expect(closed).toEqual(['third', 'second', 'first']);
    await expect(scope.close()).resolves.toBeUndefined();
  });
});
