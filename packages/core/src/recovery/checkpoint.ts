import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The store checkpoint (RocketMQ's StoreCheckpoint, as a small JSON file replaced atomically).
 * `safeOffset`: every commit-log byte below it was fsynced AND dispatched to consume queues that were
 * fsynced too, so recovery only has to scan from here. `logEnd` is exact after a clean shutdown.
 */
export interface Checkpoint {
  safeOffset: number;
  logEnd: number;
  writtenAt: number;
  /**
   * Entry count of every consume queue ("topic/queueId" -> max offset) when safeOffset was taken.
   * A queue found shorter at start (its files were lost or damaged) is rebuilt from the log.
   */
  queues: Record<string, number>;
}

export const CHECKPOINT_FILE = 'checkpoint';
export const ABORT_FILE = 'abort';

export function readCheckpoint(root: string): Checkpoint | undefined {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(root, CHECKPOINT_FILE), 'utf8')) as Partial<Checkpoint>;
    if (typeof raw.safeOffset !== 'number' || typeof raw.logEnd !== 'number') return undefined;
    return { safeOffset: raw.safeOffset, logEnd: raw.logEnd, writtenAt: raw.writtenAt ?? 0, queues: raw.queues ?? {} };
  } catch {
    return undefined; // missing or torn: recovery scans from the log's start
  }
}

/** Write to a temporary file, fsync, rename: a reader sees the old or the new checkpoint, never half. */
export async function writeCheckpoint(root: string, checkpoint: Checkpoint): Promise<void> {
  const target = path.join(root, CHECKPOINT_FILE);
  const temp = `${target}.tmp`;
  const handle = await fs.promises.open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify(checkpoint));
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temp, target);
}

/** The abort marker exists while the store is open; finding it at start means the last run crashed. */
export function createAbortFile(root: string): boolean {
  const file = path.join(root, ABORT_FILE);
  const crashed = fs.existsSync(file);
  fs.writeFileSync(file, String(process.pid));
  return crashed;
}

export function removeAbortFile(root: string): void {
  fs.rmSync(path.join(root, ABORT_FILE), { force: true });
}
