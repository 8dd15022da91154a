// What rows of one round of the client benchmark share. Two rows compared with each other measure
// best on the same broker in the same round: a disturbance of that round (a busy neighbour, a slow
// fresh broker) then hits both and cancels out of their ratio, which a broker per row cannot give.

/** Resources shared by the rows of one round: opened by the first row that asks, closed when the round ends. */
export class RoundScope {
  private readonly opened = new Map<string, Promise<unknown>>();
  private readonly closers: (() => Promise<void>)[] = [];

  /** The round's `key` resource: `open()` on the first call of the round, the same value after it. */
  shared<T>(key: string, open: () => Promise<T>, close: (value: T) => Promise<void>): Promise<T> {
    const existing = this.opened.get(key);
    if (existing) return existing as Promise<T>;
    const opening = open().then((value) => {
      this.closers.push(() => close(value));
      return value;
    });
    this.opened.set(key, opening);
    return opening;
  }

  /** Ends the round: runs every closer, newest first; the scope is then empty and reusable. */
  async close(): Promise<void> {
    let firstError: unknown;
    for (let closer = this.closers.pop(); closer; closer = this.closers.pop()) {
      try {
        await closer();
      } catch (error) {
        firstError ??= error;
      }
    }
    this.opened.clear();
    if (firstError !== undefined) throw firstError;
  }
}
