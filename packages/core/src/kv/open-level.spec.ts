import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvErrorCode } from './kv-errors';
import { openLevel } from './open-level';

describe('openLevel', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'pulsejet-open-level-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('opens a memory database', async () => {
    const db = await openLevel({ kind: 'memory' });
    expect(db.status).toBe('open');
    await db.put('k', 'v');
    expect(await db.get('k')).toBe('v');
    await db.close();
  });

  it('creates a missing directory, nested, and opens it', async () => {
    const dir = join(root, 'store', 'index');
    const db = await openLevel({ kind: 'file', dir });
    expect(db.status).toBe('open');
    await db.put('k', 'v');
    await db.close();
    const again = await openLevel({ kind: 'file', dir });
    expect(await again.get('k')).toBe('v');
    await again.close();
  });

  it('names the directory and the lock when another handle holds it', async () => {
    const dir = join(root, 'meta');
    const holder = await openLevel({ kind: 'file', dir });
    try {
      const error: unknown = await openLevel({ kind: 'file', dir }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: KvErrorCode.LOCKED });
      expect(error instanceof Error && error.message.includes(dir)).toBe(true);
      expect(error instanceof Error && error.cause).toBeTruthy();
    } finally {
      await holder.close();
    }
  });

  it('wraps other failures with the directory', async () => {
    const file = join(root, 'not-a-directory');
    await writeFile(file, 'x');
    const error: unknown = await openLevel({ kind: 'file', dir: file }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: KvErrorCode.OPEN_FAILED });
    expect(error instanceof Error && error.message.includes(file)).toBe(true);
  });

  it('rejects an empty directory name', async () => {
    await expect(openLevel({ kind: 'file', dir: '' })).rejects.toBeInstanceOf(TypeError);
  });
});
