import { DEFAULT_MAX_HASH_SLOT_NUM, DEFAULT_MAX_INDEX_NUM, resolveStoreOptions } from './options';

describe('resolveStoreOptions', () => {
  it('fills RocketMQ-named defaults, the key index sizes included', () => {
    const resolved = resolveStoreOptions({ memory: true });
    expect(resolved).toMatchObject({ flushDiskType: 'ASYNC_FLUSH', maxIndexNum: DEFAULT_MAX_INDEX_NUM, maxHashSlotNum: DEFAULT_MAX_HASH_SLOT_NUM });
    expect(resolveStoreOptions({ memory: true, maxIndexNum: 16, maxHashSlotNum: 4 })).toMatchObject({ maxIndexNum: 16, maxHashSlotNum: 4 });
  });

  it('says what to fix when an option cannot work', () => {
    expect(() => resolveStoreOptions({})).toThrow(/storePathRootDir .*or memory: true/);
    expect(() => resolveStoreOptions({ memory: true, mappedFileSizeCommitLog: 1024 })).toThrow(/must exceed maxMessageSize/);
    expect(() => resolveStoreOptions({ memory: true, consumeQueueEntriesPerFile: 0 })).toThrow(/consumeQueueEntriesPerFile must be a positive integer/);
    expect(() => resolveStoreOptions({ memory: true, maxIndexNum: 0 })).toThrow(/maxIndexNum must be an integer from 1 to 4294967295, got 0/);
    expect(() => resolveStoreOptions({ memory: true, maxHashSlotNum: 2 ** 32 })).toThrow(/maxHashSlotNum must be an integer/);
    expect(() => resolveStoreOptions({ memory: true, maxHashSlotNum: 1.5 })).toThrow(/maxHashSlotNum/);
  });
});
