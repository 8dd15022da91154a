import { CommitLog } from '../commitlog/commit-log';
import { SegmentedLog } from '../commitlog/segmented-log';
import { ConsumeQueueTable } from '../consumequeue/consume-queue-table';
import { MemoryQueueDirectories } from '../consumequeue/queue-directories';
import { KeyIndex } from '../kv/key-index';
import { openLevel } from '../kv/open-level';
import { MemorySegment } from '../segment/memory-segment';
import { MemorySegmentDirectory } from '../segment/memory-segment-directory';
import { Retention, isDeleteHour, type RetentionPolicy } from './retention';

const POLICY: RetentionPolicy = { fileReservedTime: 72, deleteWhen: '04', diskMaxUsedSpaceRatio: 0.75, diskSpaceCleanForciblyRatio: 0.85 };
const SEGMENT = 1024;

async function setup(usage: number, segments: number) {
  const directory = new MemorySegmentDirectory();
  const log = new SegmentedLog(directory, SEGMENT);
  for (let i = 0; i < segments; i += 1) (log.obtain(i * SEGMENT) as MemorySegment).write(Buffer.alloc(8, 1), 0, 8, 0);
  const commitLog = new CommitLog(log, 4096);
  const db = await openLevel({ kind: 'memory' });
  const retention = new Retention(POLICY, commitLog, new ConsumeQueueTable(new MemoryQueueDirectories(), 16), await KeyIndex.open(db), () => usage, () => undefined);
  return { log, retention, close: () => db.close() };
}

/** Ten o'clock: not the default deletion hour. */
const TEN_AM = new Date(2026, 0, 10, 10).getTime();

describe('Retention', () => {
  it('does nothing outside the deletion hour without disk pressure', async () => {
    const { log, retention, close } = await setup(0.5, 3);
    expect(await retention.run({ now: TEN_AM + 100 * 3600e3 })).toMatchObject({ reason: 'none', deletedSegments: 0 });
    expect(log.all()).toHaveLength(3);
    await close();
  });

  it('deletes expired segments at once above diskMaxUsedSpaceRatio, never the last', async () => {
    const { log, retention, close } = await setup(0.8, 3);
    const run = await retention.run({ now: Date.now() + 73 * 3600e3 });
    expect(run).toMatchObject({ reason: 'disk', deletedSegments: 2, minOffset: 2 * SEGMENT });
    expect(log.all()).toHaveLength(1);
    await close();
  });

  it('above the forcible ratio deletes the oldest segment even before it expires', async () => {
    const { log, retention, close } = await setup(0.9, 3);
    expect(await retention.run()).toMatchObject({ reason: 'forced', deletedSegments: 1 });
    expect(log.minOffset()).toBe(SEGMENT);
    await close();
  });

  it('parses RocketMQ deleteWhen lists', () => {
    expect(isDeleteHour('04', 4)).toBe(true);
    expect(isDeleteHour('04;16', 16)).toBe(true);
    expect(isDeleteHour('04;16', 5)).toBe(false);
  });
});
