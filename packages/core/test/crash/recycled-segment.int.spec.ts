// Regression test for a recovery bug the crash test could only hit by chance: a commit-log segment
// that recovery removed past a torn tail was kept as a recycling spare and reused for the SAME start
// offset when the log grew back. Its old records carry the PHYSICALOFFSET of their own position, so
// the scanner's stale-data check (a record whose offset is not its position ends the log) cannot see
// them; after the next crash recovery accepted them and replaced acknowledged messages' queue entries.
// Fixed by never recycling what recovery removes (SegmentedLog.removeFrom).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeStoredRecord } from '@pulsejet/protocol';
import { MessageStore, type MessageStoreOptions, type StoredPosition } from '../../src/index';
import { segmentFileName } from '../../src/segment/segment';

const SEGMENT = 128 * 1024;
const OPTIONS: Omit<MessageStoreOptions, 'storePathRootDir'> = {
  flushDiskType: 'SYNC_FLUSH',
  mappedFileSizeCommitLog: SEGMENT,
  maxMessageSize: 32 * 1024,
  diskMaxUsedSpaceRatio: 1,
  diskSpaceCleanForciblyRatio: 1,
};
const TOPIC = 'RecycledSegment';
const OLD_SIZE = 2000;
const NEW_SIZE = 1000;

/** Record bytes beyond the body for a message with these properties (the store adds its own too). */
async function overhead(properties: Record<string, string>): Promise<number> {
  const probe = await MessageStore.open({ ...OPTIONS, memory: true });
  const result = await probe.putMessage({ topic: TOPIC, queueId: 0, body: Buffer.alloc(1), properties });
  await probe.close();
  return result.stored![0]!.size - 1;
}

async function putSized(store: MessageStore, key: string, recordSize: number): Promise<StoredPosition> {
  const properties = { UNIQ_KEY: key };
  const result = await store.putMessage({ topic: TOPIC, queueId: 0, body: Buffer.alloc(recordSize - (await overhead(properties)), 7), properties });
  expect(result.status).toBe('PUT_OK');
  expect(result.stored![0]!.size).toBe(recordSize);
  return result.stored![0]!;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('recovery after a torn tail with a later segment on disk', () => {
  let root: string;
  const stores: MessageStore[] = [];

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-recycled-'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  });

  const open = async (dir: string): Promise<MessageStore> => {
    const store = await MessageStore.open({ ...OPTIONS, storePathRootDir: dir });
    stores.push(store);
    return store;
  };

  it('never serves records of a segment it cut off in place of acknowledged ones', async () => {
    const dir = path.join(root, 'store');
    // 1. 100 records of 2000 bytes: segment 0 and most of segment 1.
    const first = await open(dir);
    const old: StoredPosition[] = [];
    for (let i = 0; i < 100; i += 1) old.push(await putSized(first, `old-${String(i).padStart(4, '0')}`, OLD_SIZE));
    await first.close();
    expect(old.filter((p) => p.physicalOffset >= SEGMENT).length).toBeGreaterThan(20);

    // 2. Power loss after segment 1 reached the disk but before the end of segment 0 did (page
    //    write-back has no order): record 50 is torn, and the checkpoint predates it.
    const fd = fs.openSync(path.join(dir, 'commitlog', segmentFileName(0)), 'r+');
    fs.writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, old[50]!.physicalOffset + 8);
    fs.closeSync(fd);
    fs.rmSync(path.join(dir, 'checkpoint'));
    fs.writeFileSync(path.join(dir, 'abort'), '');

    // 3. Recovery cuts at record 50 and keeps segment 1's file as a spare, which is prepared again
    //    as segment 1. The writer goes on with 1000-byte records: 22 of them in segment 1 end
    //    exactly where old record 11 of that segment begins.
    const second = await open(dir);
    expect(second.recovery).toMatchObject({ logEnd: old[50]!.physicalOffset, stop: { kind: 'corrupt' } });
    await waitFor('segment 1 to be prepared from the spare', () => fs.existsSync(path.join(dir, 'commitlog', `${segmentFileName(SEGMENT)}.prefill`)));
    const acknowledged: StoredPosition[] = [];
    for (let i = 0; acknowledged.at(-1)?.physicalOffset !== SEGMENT + 21 * NEW_SIZE; i += 1) {
      if (i > 200) throw new Error('the new records never reached the old record boundary in segment 1');
      acknowledged.push(await putSized(second, `new-${String(i).padStart(4, '0')}`, NEW_SIZE));
    }

    // 4. SIGKILL: the files as they are (copied while the store is open, after its last fsync).
    await second.flush();
    const crashed = path.join(root, 'crashed');
    fs.cpSync(dir, crashed, { recursive: true });
    const third = await open(crashed);
    const lost = acknowledged.filter((position) => {
      const raw = third.getMessage(TOPIC, 0, position.queueOffset, { maxMsgNums: 1 }).messages[0];
      return !raw || decodeStoredRecord(raw).physicalOffset !== position.physicalOffset;
    });
    // Today: the log end moves past the old records and about half of the new messages are replaced.
    expect({ logEnd: third.recovery?.logEnd, lost: lost.length }).toEqual({ logEnd: SEGMENT + 22 * NEW_SIZE, lost: 0 });
    // Three opens with recovery and segment copies: seconds on a loaded 2-core machine.
  }, 60_000);
});
