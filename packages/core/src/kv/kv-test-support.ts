// Test support for the kv conformance suites: the two backends every suite runs against, and a
// polling wait (tests wait for a condition with a timeout, never for a fixed time).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLevel } from './open-level';
import type { KvDatabase } from './open-level';

/** One database under test. `reopen` closes it and opens the same data again (a broker restart). */
export interface KvTestBackend {
  readonly db: KvDatabase;
  reopen(): Promise<KvDatabase>;
  cleanup(): Promise<void>;
}

export type KvTestBackendFactory = () => Promise<KvTestBackend>;

export const memoryBackend: KvTestBackendFactory = async () => {
  const db = await openLevel({ kind: 'memory' });
  return {
    db,
    // A MemoryLevel keeps its data across close/open of the same instance.
    async reopen() {
      await db.close();
      await db.open();
      return db;
    },
    cleanup: () => db.close(),
  };
};

export const fileBackend: KvTestBackendFactory = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pulsejet-kv-'));
  let db = await openLevel({ kind: 'file', dir });
  return {
    get db() {
      return db;
    },
    async reopen() {
      await db.close();
      db = await openLevel({ kind: 'file', dir });
      return db;
    },
    async cleanup() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

export const KV_TEST_BACKENDS: ReadonlyArray<[name: string, factory: KvTestBackendFactory]> = [
  ['memory-level', memoryBackend],
  ['level (file)', fileBackend],
];

export interface WaitForOptions {
  /** @default 5000 */
  timeoutMs?: number;
  /** @default 10 */
  intervalMs?: number;
}

/** Polls `condition` until it holds; rejects with `what` if it doesn't within the timeout. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, options: WaitForOptions = {}): Promise<void> {
  const { timeoutMs = 5000, intervalMs = 10 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`waitFor: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
