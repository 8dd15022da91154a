import { MessageStore, ReplicaAppendError, ReplicaErrorCode, scanUnits, type MessageStoreOptions } from '../src/index';
import { fileBackend, memoryBackend, uniqueTopic, type StoreBackend } from './store-backends';

/** Small segments so a few hundred messages roll several of them. */
const SEGMENTS: Partial<MessageStoreOptions> = { mappedFileSizeCommitLog: 96 * 1024, maxMessageSize: 16 * 1024, consumeQueueEntriesPerFile: 32 };

/** Puts messages of varied sizes over several topics and queues, with keys; returns the topics. */
async function fill(store: MessageStore, count: number, seed = 1): Promise<string[]> {
  const topics = [uniqueTopic('ReplicaA'), uniqueTopic('ReplicaB')];
  const puts: Array<Promise<unknown>> = [];
  for (let i = 0; i < count; i += 1) {
    const size = 50 + ((i * 7919 + seed) % 3000);
    puts.push(
      store.putMessage({
        topic: topics[i % 2]!,
        queueId: i % 3,
        body: Buffer.alloc(size, (i + seed) % 251),
        properties: { TAGS: `tag${i % 4}`, KEYS: `key-${seed}-${i}` },
      }),
    );
    if (i % 50 === 49) await Promise.all(puts.splice(0));
  }
  await Promise.all(puts);
  return topics;
}

/**
 * Copies the master's log into the slave the way the HA client does: raw ranges of `chunk` bytes
 * (cutting records anywhere), appended once whole units have arrived.
 */
async function replicate(master: MessageStore, slave: MessageStore, chunk: number): Promise<void> {
  let pending = Buffer.alloc(0);
  let streamAt = slave.maxPhysicalOffset();
  if (streamAt === 0 && master.minPhysicalOffset() > 0) streamAt = master.minPhysicalOffset();
  let pendingStart = streamAt;
  while (streamAt < master.maxPhysicalOffset()) {
    const bytes = master.readCommitLogRange(streamAt, chunk);
    expect(bytes.length).toBeGreaterThan(0);
    streamAt += bytes.length;
    pending = Buffer.concat([pending, bytes]);
    const scan = scanUnits(pending, pendingStart, slave.commitLogSegmentSize());
    if (scan.kind !== 'ok') throw new Error(scan.reason);
    if (scan.complete > 0) {
      await slave.appendReplicated(pendingStart, pending.subarray(0, scan.complete));
      pendingStart += scan.complete;
      pending = pending.subarray(scan.complete);
    }
  }
  expect(pending.length).toBe(0);
}

function expectSameLog(master: MessageStore, slave: MessageStore, from = 0): void {
  expect(slave.maxPhysicalOffset()).toBe(master.maxPhysicalOffset());
  for (let offset = from; offset < master.maxPhysicalOffset(); ) {
    const a = master.readCommitLogRange(offset, 64 * 1024);
    const b = slave.readCommitLogRange(offset, 64 * 1024);
    expect(b.equals(a)).toBe(true);
    offset += a.length;
  }
}

function expectSameQueues(master: MessageStore, slave: MessageStore, topics: readonly string[]): void {
  for (const topic of topics) {
    expect(slave.queueIdsOf(topic)).toEqual(master.queueIdsOf(topic));
    for (const queueId of master.queueIdsOf(topic)) {
      expect(slave.getMaxOffsetInQueue(topic, queueId)).toBe(master.getMaxOffsetInQueue(topic, queueId));
      for (let offset = master.getMinOffsetInQueue(topic, queueId); offset < master.getMaxOffsetInQueue(topic, queueId); offset += 16) {
        const a = master.getMessage(topic, queueId, offset, { maxMsgNums: 16 });
        const b = slave.getMessage(topic, queueId, offset, { maxMsgNums: 16 });
        expect(b.status).toBe(a.status);
        expect(b.nextBeginOffset).toBe(a.nextBeginOffset);
        expect(b.queueOffsets).toEqual(a.queueOffsets);
        expect(Buffer.concat(b.messages).equals(Buffer.concat(a.messages))).toBe(true);
      }
    }
  }
}

function replicaSuite(makeBackend: () => StoreBackend): void {
  let masters: StoreBackend;
  let slaves: StoreBackend;
  beforeEach(() => {
    masters = makeBackend();
    slaves = makeBackend();
  });
  afterEach(async () => {
    await masters.cleanup();
    await slaves.cleanup();
  });

  it('a slave fed raw ranges ends with the same bytes, queues, keys and arrivals, across segment rolls', async () => {
    const master = await masters.open(SEGMENTS);
    const slave = await slaves.open(SEGMENTS);
    const arrivals: string[] = [];
    slave.onMessageArrival((topic, queueId, next) => arrivals.push(`${topic}/${queueId}/${next}`));
    const topics = await fill(master, 300);
    expect(master.maxPhysicalOffset()).toBeGreaterThan(4 * master.commitLogSegmentSize());

    await replicate(master, slave, 5000);

    expectSameLog(master, slave);
    expectSameQueues(master, slave, topics);
    expect(arrivals).toHaveLength(300);
    await slave.waitForIndex();
    const found = await slave.queryMessageByKey(topics[1]!, 'key-1-123', 10);
    expect(found.map((message) => message.body.length)).toEqual([50 + ((123 * 7919 + 1) % 3000)]);
  });

  it('growth listeners hear local puts and replicated appends', async () => {
    const master = await masters.open(SEGMENTS);
    const slave = await slaves.open(SEGMENTS);
    const heard: number[] = [];
    const seen: number[] = [];
    master.onCommitLogGrowth((end) => heard.push(end));
    slave.onCommitLogGrowth((end) => seen.push(end));
    await fill(master, 20);
    expect(heard[heard.length - 1]).toBe(master.maxPhysicalOffset());
    await replicate(master, slave, 64 * 1024);
    expect(seen[seen.length - 1]).toBe(master.maxPhysicalOffset());
  });

  it('refuses bytes that do not start at its end, and writes nothing', async () => {
    const master = await masters.open(SEGMENTS);
    const slave = await slaves.open(SEGMENTS);
    await fill(master, 30);
    const first = master.readRecord(0)!;
    await slave.appendReplicated(0, first);
    const second = master.readRecord(first.length)!;

    const wrongPlaces = [0, first.length + 1, first.length * 3];
    for (const offset of wrongPlaces) {
      const error = await slave.appendReplicated(offset, second).catch((caught: unknown) => caught);
      expect(ReplicaAppendError.is(error)).toBe(true);
      expect((error as ReplicaAppendError).code).toBe(ReplicaErrorCode.OFFSET_MISMATCH);
    }
    expect(slave.maxPhysicalOffset()).toBe(first.length);
    await slave.appendReplicated(first.length, second);
    expect(slave.maxPhysicalOffset()).toBe(first.length + second.length);
  });

  it('refuses corrupt, cut or misplaced records, and writes nothing', async () => {
    const master = await masters.open(SEGMENTS);
    const slave = await slaves.open(SEGMENTS);
    await fill(master, 30);
    const bytes = master.readCommitLogRange(0, 20_000);
    const whole = scanUnits(bytes, 0, master.commitLogSegmentSize());
    if (whole.kind !== 'ok') throw new Error(whole.reason);
    const good = bytes.subarray(0, whole.complete);
    const firstSize = good.readInt32BE(0);

    const flippedBody = Buffer.from(good);
    flippedBody[firstSize - 40] = flippedBody[firstSize - 40]! ^ 0xff; // inside the first record (covered by its CRC)
    const badMagic = Buffer.from(good);
    badMagic.writeInt32BE(0x12345678, 4);
    const cut = good.subarray(0, whole.complete - 10);
    const shifted = Buffer.from(good);
    shifted.writeInt32BE(0, 28 + 4); // PHYSICALOFFSET low word of the first record no longer its position
    shifted.writeInt32BE(1234, 28 + 4);
    const badBlank = Buffer.alloc(8);
    badBlank.writeInt32BE(100, 0);
    badBlank.writeInt32BE(-875286124, 4); // a blank that does not reach its segment's end
    const zeros = Buffer.alloc(200);

    for (const garbage of [flippedBody, badMagic, cut, shifted, badBlank, zeros]) {
      const error = await slave.appendReplicated(0, garbage).catch((caught: unknown) => caught);
      expect(ReplicaAppendError.is(error)).toBe(true);
      expect((error as ReplicaAppendError).code).toBe(ReplicaErrorCode.CORRUPT_DATA);
      expect(slave.maxPhysicalOffset()).toBe(0);
    }
    expect(slave.readCommitLogRange(0, 100)).toHaveLength(0);
    await slave.appendReplicated(0, good);
    expect(slave.maxPhysicalOffset()).toBe(whole.complete);
  });

  it('an empty slave can start at a segment start (the master lost its first segments) and serves from there', async () => {
    const master = await masters.open(SEGMENTS);
    const slave = await slaves.open(SEGMENTS);
    const topics = await fill(master, 200);
    const segment = master.commitLogSegmentSize();
    const start = 2 * segment;
    let pending = Buffer.alloc(0);
    let pendingStart = start;
    for (let at = start; at < master.maxPhysicalOffset(); ) {
      const bytes = master.readCommitLogRange(at, 8192);
      at += bytes.length;
      pending = Buffer.concat([pending, bytes]);
      const scan = scanUnits(pending, pendingStart, segment);
      if (scan.kind !== 'ok') throw new Error(scan.reason);
      await slave.appendReplicated(pendingStart, pending.subarray(0, scan.complete));
      pendingStart += scan.complete;
      pending = pending.subarray(scan.complete);
    }
    expect(slave.minPhysicalOffset()).toBe(start);
    expectSameLog(master, slave, start);
    for (const topic of topics) {
      for (const queueId of master.queueIdsOf(topic)) {
        const max = master.getMaxOffsetInQueue(topic, queueId);
        expect(slave.getMaxOffsetInQueue(topic, queueId)).toBe(max);
        const first = slave.getMinOffsetInQueue(topic, queueId);
        expect(first).toBeGreaterThan(0);
        const a = master.getMessage(topic, queueId, first, { maxMsgNums: 64 });
        const b = slave.getMessage(topic, queueId, first, { maxMsgNums: 64 });
        expect(b.status).toBe('FOUND');
        expect(Buffer.concat(b.messages).equals(Buffer.concat(a.messages))).toBe(true);
      }
    }
  });

  it('classifies offsets a slave may report', async () => {
    const master = await masters.open(SEGMENTS);
    await fill(master, 120);
    const first = master.readRecord(0)!;
    const end = master.maxPhysicalOffset();
    expect(master.commitLogOffsetKind(0)).toBe('boundary');
    expect(master.commitLogOffsetKind(first.length)).toBe('boundary');
    expect(master.commitLogOffsetKind(first.length - 3)).toBe('not-boundary');
    expect(master.commitLogOffsetKind(master.commitLogSegmentSize())).toBe('boundary');
    expect(master.commitLogOffsetKind(master.commitLogSegmentSize() - 4)).toBe('not-boundary'); // in the filler
    expect(master.commitLogOffsetKind(end)).toBe('end');
    expect(master.commitLogOffsetKind(end + 1)).toBe('beyond-end');
  });
}

describe('replicated append on files', () => {
  replicaSuite(fileBackend);

  it('a reopened slave recovers the replicated log and keeps following', async () => {
    const masters = fileBackend();
    const slaves = fileBackend();
    try {
      const master = await masters.open(SEGMENTS);
      let slave = await slaves.open(SEGMENTS);
      const topics = await fill(master, 150);
      await replicate(master, slave, 3000);
      await slave.close();
      slave = await slaves.open(SEGMENTS);
      expectSameLog(master, slave);
      topics.push(...(await fill(master, 150, 7)));
      await replicate(master, slave, 3000);
      expectSameLog(master, slave);
      expectSameQueues(master, slave, topics);
    } finally {
      await masters.cleanup();
      await slaves.cleanup();
    }
  });
});

describe('replicated append with SYNC_FLUSH', () => {
  it('resolves only once the appended bytes are flushed', async () => {
    const masters = fileBackend();
    const slaves = fileBackend();
    try {
      const master = await masters.open(SEGMENTS);
      const slave = await slaves.open({ ...SEGMENTS, flushDiskType: 'SYNC_FLUSH' });
      await fill(master, 60);
      let pending = Buffer.alloc(0);
      let start = 0;
      for (let at = 0; at < master.maxPhysicalOffset(); ) {
        const bytes = master.readCommitLogRange(at, 10_000);
        at += bytes.length;
        pending = Buffer.concat([pending, bytes]);
        const scan = scanUnits(pending, start, slave.commitLogSegmentSize());
        if (scan.kind !== 'ok') throw new Error(scan.reason);
        const end = await slave.appendReplicated(start, pending.subarray(0, scan.complete));
        expect(slave.stats().commitLogFlushedOffset).toBeGreaterThanOrEqual(end);
        start += scan.complete;
        pending = pending.subarray(scan.complete);
      }
      expectSameLog(master, slave);
    } finally {
      await masters.cleanup();
      await slaves.cleanup();
    }
  });
});

describe('replicated append in memory', () => replicaSuite(memoryBackend));
