import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageStore } from '../src/store/message-store';
import { segmentFileName } from '../src/segment/segment';

const SIZE = 64 * 1024;

describe('MessageStore: warmMappedFile', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-warm-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const firstSegmentBytes = async (warmMappedFile: boolean | undefined): Promise<number> => {
    const dir = path.join(root, String(warmMappedFile));
    const store = await MessageStore.open({ storePathRootDir: dir, mappedFileSizeCommitLog: 4 * SIZE, maxMessageSize: 1024, ...(warmMappedFile === undefined ? {} : { warmMappedFile }) });
    try {
      const result = await store.putMessage({ topic: 'T', queueId: 0, body: Buffer.from('hello'), properties: {} });
      expect(result.status).toBe('PUT_OK');
      return fs.statSync(path.join(dir, 'commitlog', segmentFileName(0))).size;
    } finally {
      await store.close();
    }
  };

  it('zero-fills segments by default, and only creates their files with warmMappedFile false', async () => {
    expect(await firstSegmentBytes(undefined)).toBe(4 * SIZE);
    expect(await firstSegmentBytes(true)).toBe(4 * SIZE);
    expect(await firstSegmentBytes(false)).toBeLessThan(4 * SIZE);
  });
});
