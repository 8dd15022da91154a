import { mkdir } from 'node:fs/promises';
import type { AbstractLevel } from 'abstract-level';
import { Level } from 'level';
import { MemoryLevel } from 'memory-level';
import { KvErrorCode, kvError } from './kv-errors';
import type { KvError } from './kv-errors';

/**
 * The LevelDB handle every kv component takes: string keys and string values (utf8).
 * It is the common base of `Level`, `MemoryLevel` and any sublevel of them, so a component can be
 * given a whole database or one sublevel of a shared one.
 */
export type KvDatabase = AbstractLevel<string | Buffer | Uint8Array, string, string>;

/** Where a kv database lives: a LevelDB directory, or memory (tests, the embedded memory store). */
export type KvLocation = { kind: 'file'; dir: string } | { kind: 'memory' };

/**
 * Opens (and, for files, creates) a kv database. The returned database is open; its owner closes it.
 * Opening errors are rethrown as a KvError (KV_LOCKED or KV_OPEN_FAILED) that names the directory,
 * with the original as `cause`.
 */
export async function openLevel(location: KvLocation): Promise<KvDatabase> {
  if (location.kind === 'memory') {
    // The default 'buffer' store encoding compares keys as UTF-8 bytes, exactly like LevelDB on
    // disk. ('utf8' would compare JS strings by UTF-16 code units, and the two backends would sort
    // some keys differently.)
    const db = new MemoryLevel<string, string>();
    await db.open();
    return db;
  }
  const { dir } = location;
  if (dir === '') throw new TypeError('openLevel: the directory of a file kv database must not be empty');
  try {
    await mkdir(dir, { recursive: true });
  } catch (cause) {
    throw kvError(KvErrorCode.OPEN_FAILED, `Cannot create the LevelDB directory "${dir}": check the path and its permissions.`, cause);
  }
  const db = new Level<string, string>(dir);
  try {
    await db.open();
  } catch (cause) {
    throw openError(dir, cause);
  }
  return db;
}

function openError(dir: string, cause: unknown): KvError {
  // abstract-level wraps the native failure: LEVEL_DATABASE_NOT_OPEN whose cause is e.g. LEVEL_LOCKED.
  const inner = causeOf(cause) ?? cause;
  if (errorCode(cause) === 'LEVEL_LOCKED' || errorCode(inner) === 'LEVEL_LOCKED') {
    return kvError(
      KvErrorCode.LOCKED,
      `Cannot open the LevelDB at "${dir}": it is locked. Another process (or another open handle in this ` +
        'process) holds its LOCK file; stop that process or use a different directory.',
      cause,
    );
  }
  const reason = inner instanceof Error ? inner.message : String(inner);
  return kvError(
    KvErrorCode.OPEN_FAILED,
    `Cannot open the LevelDB at "${dir}" (${reason}). Check the directory and its permissions; ` +
      'another process may also be holding it open.',
    cause,
  );
}

function causeOf(value: unknown): unknown {
  return value instanceof Error ? value.cause : undefined;
}

function errorCode(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
