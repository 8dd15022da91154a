import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { SegmentedLog } from '../commitlog/segmented-log';
import { FileSegmentDirectory } from '../segment/file-segment-directory';
import { CQ_ENTRY_SIZE, ConsumeQueue, decodeEntry, type ConsumeQueueEntry, type QueueEntryAt } from './consume-queue';

/**
 * The consume queue keeps its newest entries in memory (its tail) and writes them in runs. What a
 * reader sees must not depend on that: these tests read through the queue, and through a second
 * queue opened on the same files (what a restart sees after flush or close).
 */
describe('ConsumeQueue', () => {
  let root: string;
  let dirCount = 0;
  const open: ConsumeQueue[] = [];

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-cq-'));
  });
  afterEach(() => {
    for (const queue of open.splice(0)) queue.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function openQueue(dir: string, entriesPerSegment: number): ConsumeQueue {
    const queue = new ConsumeQueue('T', 0, new SegmentedLog(new FileSegmentDirectory(dir, { recycle: false }), entriesPerSegment * CQ_ENTRY_SIZE));
    queue.load();
    open.push(queue);
    return queue;
  }

  function freshDir(): string {
    dirCount += 1;
    return path.join(root, `q${dirCount}`);
  }

  const entryAt = (queueOffset: number): QueueEntryAt => ({ queueOffset, physicalOffset: queueOffset * 1000 + 7, size: 100 + (queueOffset % 50), tagsCode: queueOffset * 31 - 5 });
  const plain = ({ physicalOffset, size, tagsCode }: ConsumeQueueEntry): ConsumeQueueEntry => ({ physicalOffset, size, tagsCode });
  const range = (from: number, to: number): ConsumeQueueEntry[] => Array.from({ length: to - from }, (_, i) => plain(entryAt(from + i)));

  /** Every entry from `from` on, read the way pulls read: readRun in a loop. */
  function readAll(queue: ConsumeQueue, from = queue.minOffset()): ConsumeQueueEntry[] {
    const entries: ConsumeQueueEntry[] = [];
    for (let next = from; next < queue.maxOffset(); ) {
      const raw = queue.readRun(next, 64);
      if (raw.length === 0) break;
      for (let at = 0; at < raw.length; at += CQ_ENTRY_SIZE) entries.push(decodeEntry(raw, at));
      next += raw.length / CQ_ENTRY_SIZE;
    }
    return entries;
  }

  /** Bytes of the queue's files, all segments. */
  function fileBytes(dir: string): number {
    return fs.readdirSync(dir).reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
  }

  it('serves entries still in memory, and writes them in runs rather than per append', async () => {
    const dir = freshDir();
    const queue = openQueue(dir, 10_000);
    for (let offset = 0; offset < 30; offset += 3) queue.appendRun([entryAt(offset), entryAt(offset + 1), entryAt(offset + 2)]);
    expect(queue.maxOffset()).toBe(30);
    expect(readAll(queue)).toEqual(range(0, 30));
    expect(plain(queue.readAt(17)!)).toEqual(plain(entryAt(17)));
    expect(fileBytes(dir)).toBe(0);

    // A full tail (200 entries) goes to the file by itself; the rest waits for flush.
    for (let offset = 30; offset < 450; offset += 1) queue.appendRun([entryAt(offset)]);
    expect(fileBytes(dir)).toBe(400 * CQ_ENTRY_SIZE);
    expect(readAll(queue, 390)).toEqual(range(390, 450));

    // Written by the call itself, before any await: the checkpoint records the queues' ends and relies on it.
    const flushing = queue.flush();
    expect(fileBytes(dir)).toBe(450 * CQ_ENTRY_SIZE);
    await flushing;
    const reopened = openQueue(dir, 10_000);
    expect(reopened.maxOffset()).toBe(450);
    expect(readAll(reopened)).toEqual(range(0, 450));
  });

  it('writes the tail at a segment boundary, so each segment file holds its own entries', () => {
    const dir = freshDir();
    const queue = openQueue(dir, 16);
    queue.appendRun(Array.from({ length: 40 }, (_, i) => entryAt(i)));
    // Segments 0 and 1 are complete on disk; 8 entries of segment 2 wait in memory.
    const sizes = fs.readdirSync(dir).sort().map((name) => fs.statSync(path.join(dir, name)).size);
    expect(sizes).toEqual([16 * CQ_ENTRY_SIZE, 16 * CQ_ENTRY_SIZE, 0]);
    expect(readAll(queue)).toEqual(range(0, 40));
    queue.close();
    open.splice(open.indexOf(queue), 1);
    expect(readAll(openQueue(dir, 16))).toEqual(range(0, 40));
  });

  it('truncates into the tail and goes on appending from there', async () => {
    const dir = freshDir();
    const queue = openQueue(dir, 64);
    queue.appendRun(Array.from({ length: 50 }, (_, i) => entryAt(i)));
    queue.truncateFrom(45);
    expect(queue.maxOffset()).toBe(45);
    expect(queue.readAt(46)?.size ?? 0).toBe(0);
    queue.appendRun([entryAt(45), entryAt(46)]);
    expect(readAll(queue)).toEqual(range(0, 47));
    await queue.flush();
    expect(readAll(openQueue(dir, 64))).toEqual(range(0, 47));
  });

  it('agrees with a plain array under any mix of appends, truncations, flushes and reopens', async () => {
    type Op = { kind: 'append'; count: number } | { kind: 'truncate'; back: number } | { kind: 'flush' } | { kind: 'reopen' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 90 }).map((count): Op => ({ kind: 'append', count })) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 120 }).map((back): Op => ({ kind: 'truncate', back })) },
      { weight: 1, arbitrary: fc.constant<Op>({ kind: 'flush' }) },
      { weight: 1, arbitrary: fc.constant<Op>({ kind: 'reopen' }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), fc.integer({ min: 5, max: 300 }), async (ops, entriesPerSegment) => {
        const dir = freshDir();
        let queue = openQueue(dir, entriesPerSegment);
        let model: ConsumeQueueEntry[] = [];
        for (const step of ops) {
          if (step.kind === 'append') {
            const from = model.length;
            queue.appendRun(Array.from({ length: step.count }, (_, i) => entryAt(from + i)));
            model = model.concat(range(from, from + step.count));
          } else if (step.kind === 'truncate') {
            const to = Math.max(0, model.length - step.back);
            queue.truncateFrom(to);
            model = model.slice(0, to);
          } else if (step.kind === 'flush') {
            await queue.flush();
          } else {
            // A clean restart: close writes what waits in memory.
            queue.close();
            open.splice(open.indexOf(queue), 1);
            queue = openQueue(dir, entriesPerSegment);
          }
          expect(queue.maxOffset()).toBe(model.length);
          expect(readAll(queue, 0)).toEqual(model);
          if (model.length > 0) expect(plain(queue.readAt(model.length - 1)!)).toEqual(model[model.length - 1]);
        }
      }),
      { numRuns: 60 },
    );
  });
});
