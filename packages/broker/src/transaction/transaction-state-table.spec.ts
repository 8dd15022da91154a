import { MessageStore } from '@pulsejet/core';
import { silentBrokerLog } from '../broker-options';
import { TransactionStateTable } from './transaction-state-table';

describe('TransactionStateTable', () => {
  let store: MessageStore;
  let halfQueueMax = 100;
  beforeEach(async () => {
    halfQueueMax = 100;
    store = await MessageStore.open({ memory: true });
  });
  afterEach(() => store.close());

  const reload = async (): Promise<TransactionStateTable> => {
    const table = new TransactionStateTable(store.metadata, silentBrokerLog);
    await table.init(halfQueueMax);
    return table;
  };

  it('records outcomes and check counts in the metadata, where a new table finds them', async () => {
    const table = await reload();
    expect(table.stateOf(0, 100)).toEqual({ kind: 'open', checkTimes: 0 });
    await table.countCheck(0, 100, 1);
    await table.countCheck(0, 100, 2);
    await table.settle(1, 200, 'rollback');
    expect(table.stateOf(0, 100)).toEqual({ kind: 'open', checkTimes: 2 });
    expect(table.stateOf(1, 200)).toEqual({ kind: 'settled', outcome: 'rollback' });

    const again = await reload();
    expect(again.stateOf(0, 100)).toEqual({ kind: 'open', checkTimes: 2 });
    expect(again.stateOf(1, 200)).toEqual({ kind: 'settled', outcome: 'rollback' });
    await again.settle(0, 100, 'commit');
    expect(again.size()).toEqual({ ops: 2, checks: 0 });
  });

  it('moves progress over contiguous settled halves only, and forgets what it passed', async () => {
    const table = await reload();
    await table.settle(0, 100, 'commit');
    await table.settle(1, 200, 'rollback');
    await table.settle(3, 400, 'discard');
    await table.advance(0, 10);
    expect(table.progress).toBe(2);
    expect(table.stateOf(0, 100)).toEqual({ kind: 'settled-earlier' });
    expect(table.size()).toEqual({ ops: 1, checks: 0 });
    expect(store.metadata.listTransactionStates().map((record) => record.key).sort()).toEqual(['op:3', 'progress']);

    await table.settle(2, 300, 'commit');
    await table.advance(0, 3);
    expect(table.progress).toBe(3);
    await table.advance(0, 10);
    expect(table.progress).toBe(4);
    expect(table.size()).toEqual({ ops: 0, checks: 0 });
    expect((await reload()).progress).toBe(4);
  });

  it('jumps progress to the queue minimum (records removed by retention)', async () => {
    const table = await reload();
    await table.countCheck(1, 100, 3);
    await table.advance(5, 5);
    expect(table.progress).toBe(5);
    expect(table.size()).toEqual({ ops: 0, checks: 0 });
  });

  it('treats a record of another commit-log offset at the same queue offset as stale', async () => {
    const table = await reload();
    await table.settle(0, 100, 'commit');
    await table.countCheck(1, 150, 4);
    expect(table.stateOf(0, 999)).toEqual({ kind: 'open', checkTimes: 0 });
    expect(table.stateOf(1, 999)).toEqual({ kind: 'open', checkTimes: 0 });
    await table.dropStale(0, 999);
    await table.dropStale(1, 999);
    expect(table.size()).toEqual({ ops: 0, checks: 0 });
  });

  it('drops records a crash left below progress when loaded', async () => {
    await store.metadata.putTransactionState('progress', { offset: 5 });
    await store.metadata.putTransactionState('op:3', { outcome: 'commit', commitLogOffset: 10 });
    await store.metadata.putTransactionState('check:4', { times: 1, commitLogOffset: 20 });
    await store.metadata.putTransactionState('op:7', { outcome: 'rollback', commitLogOffset: 30 });
    const table = await reload();
    expect(table.progress).toBe(5);
    expect(table.stateOf(7, 30)).toEqual({ kind: 'settled', outcome: 'rollback' });
    expect(store.metadata.listTransactionStates().map((record) => record.key).sort()).toEqual(['op:7', 'progress']);
  });

  it('moves progress back when recovery left the half queue shorter than it', async () => {
    await store.metadata.putTransactionState('progress', { offset: 9 });
    await store.metadata.putTransactionState('op:8', { outcome: 'commit', commitLogOffset: 10 });
    halfQueueMax = 6;
    const table = await reload();
    expect(table.progress).toBe(6);
    expect(table.stateOf(6, 500)).toEqual({ kind: 'open', checkTimes: 0 });
    expect(store.metadata.getTransactionState('progress')).toEqual({ offset: 6 });
  });

  it('runs the tasks on one half one at a time, in call order, even when one fails', async () => {
    const table = await reload();
    const order: string[] = [];
    let release!: () => void;
    const first = table.withLock(0, async () => {
      order.push('first:start');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('first:end');
      throw new Error('first failed');
    });
    const second = table.withLock(0, async () => {
      order.push('second');
      return 2;
    });
    const other = table.withLock(1, async () => {
      order.push('other');
      return 1;
    });
    await other;
    expect(order).toEqual(['first:start', 'other']);
    release();
    await expect(first).rejects.toThrow('first failed');
    await expect(second).resolves.toBe(2);
    expect(order).toEqual(['first:start', 'other', 'first:end', 'second']);
  });
});
