// Test helpers: wait on conditions (never fixed sleeps), gates for slow processors, a log that keeps
// what the transport reported.
import type { RemotingLog, RemotingLogLevel } from '../src/log';

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface LogEntry {
  level: RemotingLogLevel;
  message: string;
}

export interface CollectingLog {
  log: RemotingLog;
  entries: LogEntry[];
  /** Whether some entry at `level` (or any level) matches. */
  has(pattern: RegExp, level?: RemotingLogLevel): boolean;
}

export function collectingLog(): CollectingLog {
  const entries: LogEntry[] = [];
  return {
    entries,
    log: (level, message) => entries.push({ level, message }),
    has: (pattern, level) => entries.some((entry) => (level === undefined || entry.level === level) && pattern.test(entry.message)),
  };
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
