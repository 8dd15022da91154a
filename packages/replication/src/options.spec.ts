import { MessageStore } from '@pulsejet/core';
import { DEFAULT_HA_MAX_BYTES_PER_WRITE, DEFAULT_HA_TRANSFER_BATCH_SIZE, resolveHAMasterOptions } from './options';

describe('resolveHAMasterOptions', () => {
  let store: MessageStore;
  beforeAll(async () => {
    store = await MessageStore.open({ memory: true });
  });
  afterAll(async () => {
    await store.close();
  });

  it('defaults: 32 KiB frames (Java haTransferBatchSize), up to 1 MiB per socket write', () => {
    const resolved = resolveHAMasterOptions({ store });
    expect(resolved.transferBatchSize).toBe(DEFAULT_HA_TRANSFER_BATCH_SIZE);
    expect(resolved.transferBatchSize).toBe(32 * 1024);
    expect(resolved.maxBytesPerWrite).toBe(DEFAULT_HA_MAX_BYTES_PER_WRITE);
    expect(resolved.maxBytesPerWrite).toBe(1024 * 1024);
  });

  it('refuses a maxBytesPerWrite that is not a positive integer', () => {
    for (const maxBytesPerWrite of [0, -1, 1.5, Number.NaN]) {
      expect(() => resolveHAMasterOptions({ store, maxBytesPerWrite })).toThrow(RangeError);
    }
    expect(resolveHAMasterOptions({ store, maxBytesPerWrite: 1 }).maxBytesPerWrite).toBe(1);
  });
});
