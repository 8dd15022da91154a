import type { ReceivedMessage } from '../message/received-message';
import { runHandler } from './run-handler';

const msg = { topic: 'T', msgId: 'id' } as unknown as ReceivedMessage;
const quiet = (): void => undefined;

describe('runHandler', () => {
  it('acknowledges what resolves (or returns success), retries what throws or returns later', async () => {
    expect(await runHandler(() => undefined, msg, 1000, quiet)).toBe(true);
    expect(await runHandler(async () => 'success' as const, msg, 1000, quiet)).toBe(true);
    expect(await runHandler(() => 'later', msg, 1000, quiet)).toBe(false);
    expect(await runHandler(async () => Promise.reject(new Error('x')), msg, 1000, quiet)).toBe(false);
    expect(
      await runHandler(
        () => {
          throw new Error('sync');
        },
        msg,
        1000,
        quiet,
      ),
    ).toBe(false);
  });

  it('gives up on a handler that outlives the timeout, and says so', async () => {
    const logs: string[] = [];
    const result = await runHandler(() => new Promise<void>(() => undefined), msg, 20, (level, text) => logs.push(`${level}:${text}`));
    expect(result).toBe(false);
    expect(logs.some((l) => l.startsWith('warn:') && l.includes('consumeTimeoutMs'))).toBe(true);
  });

  it("runs the handler after the caller's synchronous code, and keeps a synchronous result however long it took", async () => {
    let ran = false;
    const pending = runHandler(
      () => {
        ran = true;
        const until = Date.now() + 30;
        while (Date.now() < until); // longer than the timeout: a timer can't interrupt it
        return undefined;
      },
      msg,
      5,
      quiet,
    );
    expect(ran).toBe(false);
    expect(await pending).toBe(true);
    expect(ran).toBe(true);
  });

  it('treats any thenable as asynchronous (timeout and rejection apply)', async () => {
    const thenable = { then: (_resolve: (v: unknown) => void, reject: (e: unknown) => void) => reject(new Error('no')) };
    expect(await runHandler(() => thenable as unknown as Promise<void>, msg, 1000, quiet)).toBe(false);
  });
});
