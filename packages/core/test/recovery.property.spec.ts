import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { decodeStoredRecords } from '@pulsejet/protocol';
import { MessageStore } from '../src/index';
import { SMALL_STORE } from './store-backends';

/**
 * Property: whatever byte the log is torn at (a crash in the middle of a write), recovery keeps
 * exactly the records that end before the tear, in every queue, and serves nothing else.
 */
describe('recovery property: a log torn at any byte', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-torn-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  let run = 0;
  it('keeps every record before the tear and none after', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ queueId: fc.integer({ min: 0, max: 2 }), size: fc.integer({ min: 0, max: 9000 }) }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        async (messages, tearAt, zeroTail) => {
          run += 1;
          const dir = path.join(root, `run${run}`);
          const store = await MessageStore.open({ ...SMALL_STORE, storePathRootDir: dir });
          const stored: Array<{ index: number; queueId: number; physicalOffset: number; size: number }> = [];
          for (const [index, message] of messages.entries()) {
            const body = Buffer.alloc(message.size, index % 251);
            const result = await store.putMessage({ topic: 'Torn', queueId: message.queueId, body, properties: { i: String(index) } });
            stored.push({ index, queueId: message.queueId, physicalOffset: result.stored![0]!.physicalOffset, size: result.stored![0]!.size });
          }
          const end = store.stats().commitLogMaxOffset;
          await store.flush();
          const crashed = `${dir}-crashed`;
          fs.cpSync(dir, crashed, { recursive: true });
          await store.close();

          // Tear: everything from `cut` on is lost (zeros) or garbage, as a write the disk never finished.
          const cut = Math.floor(tearAt * end);
          const segmentSize = SMALL_STORE.mappedFileSizeCommitLog!;
          for (const name of fs.readdirSync(path.join(crashed, 'commitlog')).filter((n) => /^\d{20}$/.test(n))) {
            const start = Number(name);
            const file = path.join(crashed, 'commitlog', name);
            const length = fs.statSync(file).size;
            if (start + length <= cut) continue;
            const from = Math.max(0, cut - start);
            const fd = fs.openSync(file, 'r+');
            fs.writeSync(fd, Buffer.alloc(Math.min(length, segmentSize) - from, zeroTail ? 0 : 0xa5), 0, Math.min(length, segmentSize) - from, from);
            fs.closeSync(fd);
          }
          fs.rmSync(path.join(crashed, 'checkpoint'));

          const recovered = await MessageStore.open({ ...SMALL_STORE, storePathRootDir: crashed });
          try {
            const survivors = stored.filter((s) => s.physicalOffset + s.size <= cut);
            expect(recovered.recovery!.logEnd).toBeLessThanOrEqual(cut);
            for (let queueId = 0; queueId < 3; queueId += 1) {
              const expected = survivors.filter((s) => s.queueId === queueId).map((s) => s.index);
              const read = recovered.getMessage('Torn', queueId, 0, { maxMsgNums: 1000, maxTotalBytes: 1 << 30 });
              const got = decodeStoredRecords(Buffer.concat(read.messages));
              expect(got.map((m) => Number(m.properties.i))).toEqual(expected);
              for (const message of got) expect(message.body.equals(Buffer.alloc(message.body.length, Number(message.properties.i) % 251))).toBe(true);
              expect(recovered.getMaxOffsetInQueue('Torn', queueId)).toBe(expected.length);
            }
          } finally {
            await recovered.close();
            fs.rmSync(crashed, { recursive: true, force: true });
            fs.rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
