import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ClientError } from '../errors';
import { LocalFileOffsetStore } from './local-file-offset-store';

const mq = (queueId: number) => ({ topic: 'T', brokerName: 'broker-a', queueId });

describe('LocalFileOffsetStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pj-offsets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('persists offsets to a per client and group file and reads them back after a restart', async () => {
    const store = new LocalFileOffsetStore(dir, '127.0.0.1@1', 'G');
    await store.load();
    expect(await store.readStore(mq(0))).toBe(-1);
    store.update(mq(0), 5, false);
    store.update(mq(1), 7, false);
    store.update(mq(1), 3, true);
    expect(store.readMemory(mq(1))).toBe(7);
    await store.persistAll([mq(0), mq(1)]);
    expect(store.file).toBe(join(dir, '127.0.0.1@1', 'G', 'offsets.json'));
    // Only the file remains: the temp file was renamed over it.
    expect(readdirSync(dirname(store.file))).toEqual(['offsets.json']);

    const again = new LocalFileOffsetStore(dir, '127.0.0.1@1', 'G');
    await again.load();
    expect(await again.readStore(mq(0))).toBe(5);
    expect(await again.readStore(mq(1))).toBe(7);
    expect(again.readMemory(mq(1))).toBe(7);
    // Another client id has its own file.
    const other = new LocalFileOffsetStore(dir, '127.0.0.1@2', 'G');
    await other.load();
    expect(await other.readStore(mq(0))).toBe(-1);
  });

  it('persists only the queues asked for', async () => {
    const store = new LocalFileOffsetStore(dir, 'c', 'G');
    store.update(mq(0), 5, false);
    store.update(mq(1), 9, false);
    await store.persist(mq(1));
    const again = new LocalFileOffsetStore(dir, 'c', 'G');
    await again.load();
    expect(await again.readStore(mq(0))).toBe(-1);
    expect(await again.readStore(mq(1))).toBe(9);
  });

  it('refuses a corrupt file with a code', async () => {
    const store = new LocalFileOffsetStore(dir, 'c', 'G');
    mkdirSync(dirname(store.file), { recursive: true });
    writeFileSync(store.file, '{not json');
    const error = await store.load().catch((e: unknown) => e);
    expect(ClientError.is(error) && error.code).toBe('INVALID_ARGUMENT');
    expect(existsSync(store.file)).toBe(true);
  });
});
