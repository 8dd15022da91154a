import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RecordField, decodeStoredRecords } from '@pulsejet/protocol';
import { MessageStore, type MessageStoreOptions } from '../src/index';
import { SMALL_STORE, uniqueTopic } from './store-backends';

/**
 * Recovery of the file store. A crash is simulated by copying the store directory while the store is
 * open (what a SIGKILL leaves on disk); the crash test in crash/ does it with real SIGKILLs.
 */
describe('file store recovery', () => {
  let root: string;
  const open: MessageStore[] = [];
  const options = (dir: string, extra: Partial<MessageStoreOptions> = {}): MessageStoreOptions => ({ ...SMALL_STORE, ...extra, storePathRootDir: dir });
  const openStore = async (dir: string, extra: Partial<MessageStoreOptions> = {}) => {
    const store = await MessageStore.open(options(dir, extra));
    open.push(store);
    return store;
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-recovery-'));
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function fill(store: MessageStore, topic: string, count: number, queues = 3): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const result = await store.putMessage({ topic, queueId: i % queues, body: Buffer.from(`${i}:${'p'.repeat(i % 2000)}`), properties: { KEYS: `k${i}` } });
      expect(result.status).toBe('PUT_OK');
    }
  }

  function bodiesOf(store: MessageStore, topic: string, queueId: number): number[] {
    const result = store.getMessage(topic, queueId, store.getMinOffsetInQueue(topic, queueId), { maxMsgNums: 100_000, maxTotalBytes: 1 << 30 });
    return decodeStoredRecords(Buffer.concat(result.messages)).map((m) => Number(m.body.toString().split(':')[0]));
  }

  const expected = (count: number, queueId: number, queues = 3) => Array.from({ length: count }, (_, i) => i).filter((i) => i % queues === queueId);

  /** The directory as a crash would leave it: copied while the store is open, after a flush. */
  async function crashCopy(store: MessageStore, dir: string): Promise<string> {
    await store.flush();
    const copy = `${dir}-crashed`;
    fs.cpSync(dir, copy, { recursive: true });
    // LevelDB's LOCK belongs to the live process; the copy is a different directory.
    return copy;
  }

  it('reopens after a clean close without scanning and continues the queues', async () => {
    const dir = path.join(root, 'clean');
    const topic = uniqueTopic();
    const store = await openStore(dir);
    await fill(store, topic, 300);
    await store.close();
    const reopened = await openStore(dir);
    expect(reopened.recovery).toMatchObject({ crashed: false, redispatched: 0, trimmedEntries: 0 });
    expect(reopened.recovery!.scannedFrom).toBe(reopened.recovery!.logEnd);
    for (let q = 0; q < 3; q += 1) expect(bodiesOf(reopened, topic, q)).toEqual(expected(300, q));
    const next = await reopened.putMessage({ topic, queueId: 0, body: Buffer.from('300:'), properties: {} });
    expect(next.stored![0]!.queueOffset).toBe(100);
    await reopened.waitForIndex();
    expect((await reopened.queryMessageByKey(topic, 'k7', 5)).length).toBe(1);
  });

  it('recovers a crashed store: everything written is readable and the index catches up', async () => {
    const dir = path.join(root, 'live');
    const topic = uniqueTopic();
    const store = await openStore(dir);
    await fill(store, topic, 500);
    const copy = await crashCopy(store, dir);
    const recovered = await openStore(copy);
    expect(recovered.recovery!.crashed).toBe(true);
    for (let q = 0; q < 3; q += 1) expect(bodiesOf(recovered, topic, q)).toEqual(expected(500, q));
    await recovered.waitForIndex();
    expect((await recovered.queryMessageByKey(topic, 'k499', 5)).map((m) => m.body.toString().split(':')[0])).toEqual(['499']);
    expect((await recovered.putMessage({ topic, queueId: 1, body: Buffer.from('x'), properties: {} })).stored![0]!.queueOffset).toBe(167);
  });

  it('cuts garbage after the last record and keeps every message before it', async () => {
    const dir = path.join(root, 'garbage');
    const topic = uniqueTopic();
    const store = await openStore(dir);
    await fill(store, topic, 120);
    const end = store.stats().commitLogMaxOffset;
    const copy = await crashCopy(store, dir);
    // A torn write of an unacknowledged record: random bytes where the next record would go.
    const segmentSize = store.options.mappedFileSizeCommitLog;
    const file = path.join(copy, 'commitlog', String(end - (end % segmentSize)).padStart(20, '0'));
    const fd = fs.openSync(file, 'r+');
    const garbage = Buffer.alloc(300, 0x5a);
    garbage.writeInt32BE(250, 0);
    fs.writeSync(fd, garbage, 0, garbage.length, end % segmentSize);
    fs.closeSync(fd);
    fs.rmSync(path.join(copy, 'checkpoint'));

    const recovered = await openStore(copy);
    expect(recovered.recovery!.stop.kind).toBe('corrupt');
    expect(recovered.recovery!.logEnd).toBe(end);
    for (let q = 0; q < 3; q += 1) expect(bodiesOf(recovered, topic, q)).toEqual(expected(120, q));
    const after = await recovered.putMessage({ topic, queueId: 0, body: Buffer.from('120:'), properties: {} });
    expect(after.stored![0]!.physicalOffset).toBe(end);
    await recovered.close();
    const again = await openStore(copy);
    expect(bodiesOf(again, topic, 0)).toEqual([...expected(120, 0), 120]);
  });

  it('never serves a record whose body was damaged: the log is cut there', async () => {
    const dir = path.join(root, 'damaged');
    const topic = uniqueTopic();
    const store = await openStore(dir);
    await fill(store, topic, 30);
    const last = await store.putMessage({ topic, queueId: 0, body: Buffer.from('30:last'), properties: {} });
    const copy = await crashCopy(store, dir);
    const position = last.stored![0]!.physicalOffset;
    const segmentSize = store.options.mappedFileSizeCommitLog;
    const file = path.join(copy, 'commitlog', String(position - (position % segmentSize)).padStart(20, '0'));
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from('X'), 0, 1, (position % segmentSize) + RecordField.BODY + 1);
    fs.closeSync(fd);
    fs.rmSync(path.join(copy, 'checkpoint'));

    const recovered = await openStore(copy);
    expect(recovered.recovery!.stop).toMatchObject({ kind: 'corrupt', offset: position });
    expect(bodiesOf(recovered, topic, 0)).toEqual(expected(30, 0));
    expect(recovered.getMaxOffsetInQueue(topic, 0)).toBe(10);
    expect(recovered.lookMessageByOffset(position)).toBeUndefined();
  });

  it('rebuilds consume queues whose files were lost, after a clean close and after a crash', async () => {
    const dir = path.join(root, 'lostqueues');
    const topic = uniqueTopic();
    const store = await openStore(dir);
    await fill(store, topic, 400);
    const copy = await crashCopy(store, dir);
    await store.close();

    fs.rmSync(path.join(dir, 'consumequeue', topic, '1'), { recursive: true });
    const clean = await openStore(dir);
    expect(clean.recovery!.crashed).toBe(false);
    for (let q = 0; q < 3; q += 1) expect(bodiesOf(clean, topic, q)).toEqual(expected(400, q));

    fs.rmSync(path.join(copy, 'consumequeue'), { recursive: true });
    const crashed = await openStore(copy);
    expect(crashed.recovery!.crashed).toBe(true);
    for (let q = 0; q < 3; q += 1) expect(bodiesOf(crashed, topic, q)).toEqual(expected(400, q));
  });

  it('drops consume-queue entries that point past the end of the log', async () => {
    const dir = path.join(root, 'pastend');
    const topic = uniqueTopic();
    // Queues write their newest entries on the flush loop: a short one puts the last entry on disk.
    const store = await openStore(dir, { flushIntervalConsumeQueue: 10 });
    await fill(store, topic, 60);
    const cut = (await store.putMessage({ topic, queueId: 2, body: Buffer.from('60:cut'), properties: {} })).stored![0]!;
    const queueDir = path.join(dir, 'consumequeue', topic, '2');
    const queueBytes = () => fs.readdirSync(queueDir).reduce((sum, name) => sum + fs.statSync(path.join(queueDir, name)).size, 0);
    while (queueBytes() < (cut.queueOffset + 1) * 20) await new Promise((resolve) => setTimeout(resolve, 5));
    const copy = await crashCopy(store, dir);
    // Lose the last record (a log tail the disk never got) while its queue entry survived.
    const segmentSize = store.options.mappedFileSizeCommitLog;
    const file = path.join(copy, 'commitlog', String(cut.physicalOffset - (cut.physicalOffset % segmentSize)).padStart(20, '0'));
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(cut.size), 0, cut.size, cut.physicalOffset % segmentSize);
    fs.closeSync(fd);
    fs.rmSync(path.join(copy, 'checkpoint'));

    const recovered = await openStore(copy);
    expect(recovered.recovery!.logEnd).toBe(cut.physicalOffset);
    expect(recovered.recovery!.trimmedEntries).toBe(1);
    expect(recovered.getMaxOffsetInQueue(topic, 2)).toBe(20);
    expect(bodiesOf(recovered, topic, 2)).toEqual(expected(60, 2));
  });

  it('ages segments by their files, so retention holds across restarts', async () => {
    const dir = path.join(root, 'aging');
    const topic = uniqueTopic();
    const store = await openStore(dir);
    for (let i = 0; i < 100; i += 1) await store.putMessage({ topic, queueId: 0, body: Buffer.alloc(4000), properties: {} });
    await store.close();
    const reopened = await openStore(dir);
    expect((await reopened.runRetention({ manual: true })).deletedSegments).toBe(0);
    const run = await reopened.runRetention({ manual: true, now: Date.now() + 72 * 3600 * 1000 + 60_000 });
    expect(run.deletedSegments).toBeGreaterThan(0);
    expect(reopened.getMessage(topic, 0, 0).status).toBe('OFFSET_TOO_SMALL');
    await reopened.close();
    const third = await openStore(dir);
    expect(third.getMinOffsetInQueue(topic, 0)).toBeGreaterThan(0);
    expect(third.getMessage(topic, 0, 0).status).toBe('OFFSET_TOO_SMALL');
    expect(third.getMaxOffsetInQueue(topic, 0)).toBe(100);
  });
});
