import { prepareStoredRecord } from '@pulsejet/protocol';
import { MemorySegmentDirectory } from '../segment/memory-segment-directory';
import { CommitLog } from './commit-log';
import { SegmentedLog } from './segmented-log';

function request(body: string) {
  const prepared = prepareStoredRecord({
    topic: 'LogTopic', queueId: 0, flag: 0, sysFlag: 0, bornTimestamp: 1,
    bornHost: { address: '127.0.0.1', port: 1 }, storeHost: { address: '127.0.0.1', port: 2 },
    reconsumeTimes: 0, preparedTransactionOffset: 0, body: Buffer.from(body),
    properties: '__CRC32#\u00010000000000\u0002',
  });
  return { topic: 'LogTopic', queueId: 0, records: [{ prepared, tagsCode: 0, storeTimestamp: 5 }], totalSize: prepared.size };
}

describe('CommitLog', () => {
  it('does not report a flush done while an earlier fsync of the same data is still running', async () => {
    const log = new CommitLog(new SegmentedLog(new MemorySegmentDirectory(), 64 * 1024), 4096);
    log.resetPosition(0);
    const [result] = log.append([request('a')]);
    const segment = log.log.last()!;
    let release: (() => void) | undefined;
    segment.flush = () => new Promise<void>((resolve) => (release = resolve));
    const first = log.flush();
    const second = log.flush();
    let secondDone = false;
    void second.then(() => (secondDone = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondDone).toBe(false);
    expect(log.flushed()).toBe(0);
    release!();
    await expect(first).resolves.toBe(result!.endOffset);
    await expect(second).resolves.toBe(result!.endOffset);
  });

  it('restores positions and queue offsets when a write fails', () => {
    const log = new CommitLog(new SegmentedLog(new MemorySegmentDirectory(), 64 * 1024), 4096);
    log.resetPosition(0);
    log.append([request('a')]);
    const before = log.maxOffset();
    const segment = log.log.last()!;
    segment.write = () => {
      throw new Error('ENOSPC');
    };
    expect(() => log.append([request('b'), request('c')])).toThrow('ENOSPC');
    expect(log.maxOffset()).toBe(before);
    expect(log.nextQueueOffset('LogTopic', 0)).toBe(1);
  });
});
