import type { MessageStore } from '@pulsejet/core';
import { ReplicationError, ReplicationErrorCode, type HAMasterOptions, type SlaveAheadEvent } from '../src/index';
import { Harness, fill, logBytes, uniqueTopic, waitFor } from './ha-harness';

describe('HA refuses a slave whose log does not match the master', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.cleanup());

  async function attach(
    fillMaster: (store: MessageStore, topics: string[]) => Promise<void>,
    fillSlave: (store: MessageStore, topics: string[]) => Promise<void>,
    masterOptions: Partial<HAMasterOptions> = {},
  ) {
    const masterStore = await h.store(h.dir());
    const slaveStore = await h.store(h.dir());
    const topics = [uniqueTopic(), uniqueTopic()];
    await fillMaster(masterStore, topics);
    await fillSlave(slaveStore, topics);
    const before = logBytes(slaveStore);
    const slaveEnd = slaveStore.maxPhysicalOffset();
    const { master, address, logs: masterLogs } = await h.master(masterStore, masterOptions);
    const { slave, logs: slaveLogs } = h.slave(slaveStore, address);
    const refusals: ReplicationError[] = [];
    slave.on('refused', (error) => refusals.push(error));
    await waitFor(() => slave.state() === 'refused', 'the slave to be refused');
    // Whatever the master does next, the refused slave neither reconnects nor writes.
    await fill(masterStore, topics, 20, { seed: 77 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slave.state()).toBe('refused');
    expect(slaveStore.maxPhysicalOffset()).toBe(slaveEnd);
    expect(logBytes(slaveStore).equals(before)).toBe(true);
    expect(master.connectedSlaves()).toHaveLength(0);
    expect(refusals).toHaveLength(1);
    expect(ReplicationError.is(slave.stats().lastError)).toBe(true);
    expect(slaveLogs.some((line) => line.level === 'error')).toBe(true);
    return { error: refusals[0]!, masterLogs, slave };
  }

  it('same record boundaries but different bytes: the slave detects the divergence and stops', async () => {
    const { error } = await attach(
      (store, topics) => fill(store, topics, 150, { fillByte: 1 }),
      (store, topics) => fill(store, topics, 150, { fillByte: 2 }),
    );
    expect(error.code).toBe(ReplicationErrorCode.DIVERGED);
  });

  it("a slave that shares the master's history but took one local write of the same size is detected", async () => {
    const masterStore = await h.store(h.dir());
    const slaveDir = h.dir();
    let slaveStore = await h.store(slaveDir);
    const topics = [uniqueTopic()];
    const first = await h.master(masterStore);
    const { slave: follower } = h.slave(slaveStore, first.address);
    await fill(masterStore, topics, 120);
    await waitFor(() => slaveStore.maxPhysicalOffset() === masterStore.maxPhysicalOffset(), 'the first catch-up');
    await follower.close();
    await first.master.close();
    // Split brain: each side takes one different message of the same size at the same offset.
    const put = (store: MessageStore, byte: number) => store.putMessage({ topic: topics[0]!, queueId: 0, body: Buffer.alloc(500, byte), properties: {} });
    expect((await put(masterStore, 1)).status).toBe('PUT_OK');
    expect((await put(slaveStore, 2)).status).toBe('PUT_OK');
    expect(slaveStore.maxPhysicalOffset()).toBe(masterStore.maxPhysicalOffset());
    await slaveStore.close();
    slaveStore = await h.store(slaveDir);
    const before = logBytes(slaveStore);

    const { address } = await h.master(masterStore);
    const { slave } = h.slave(slaveStore, address);
    await waitFor(() => slave.state() === 'refused', 'the slave to be refused');
    expect(slave.stats().lastError).toMatchObject({ code: ReplicationErrorCode.DIVERGED });
    await fill(masterStore, topics, 10, { seed: 3 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(logBytes(slaveStore).equals(before)).toBe(true);
  });

  it('a slave longer than the master is refused by the master, which tells its owner (onSlaveAhead)', async () => {
    const ahead: SlaveAheadEvent[] = [];
    let ends = { master: 0, slave: 0 };
    const { error, masterLogs } = await attach(
      async (store, topics) => {
        await fill(store, topics, 50);
        ends = { ...ends, master: store.maxPhysicalOffset() };
      },
      async (store, topics) => {
        await fill(store, topics, 80);
        ends = { ...ends, slave: store.maxPhysicalOffset() };
      },
      { onSlaveAhead: (event) => ahead.push(event) },
    );
    expect(error.code).toBe(ReplicationErrorCode.REFUSED_BY_MASTER);
    expect(masterLogs.some((line) => line.level === 'error' && line.message.includes('ahead of the master'))).toBe(true);
    expect(ahead).toEqual([{ slaveAddress: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as unknown, slaveEnd: ends.slave, masterStartEnd: ends.master, masterEnd: ends.master }]);
  });

  it('reports a slave holding data the master never had even once the master outgrew it (a deleted store refilled)', async () => {
    const masterStore = await h.store(h.dir());
    const slaveStore = await h.store(h.dir());
    const topics = [uniqueTopic()];
    await fill(slaveStore, topics, 50, { seed: 5 });
    const ahead: SlaveAheadEvent[] = [];
    const { master, address } = await h.master(masterStore, { onSlaveAhead: (event) => ahead.push(event) });
    // The master started empty and has since written more than the slave holds.
    await fill(masterStore, topics, 80, { seed: 6 });
    const { slave } = h.slave(slaveStore, address);
    await waitFor(() => ahead.length > 0, 'the slave to be reported');
    expect(ahead[0]).toMatchObject({ slaveEnd: slaveStore.maxPhysicalOffset(), masterStartEnd: 0, masterEnd: masterStore.maxPhysicalOffset() });
    await waitFor(() => slave.state() === 'refused', 'the slave to stop (refused, or diverged at the resume check)');
    expect(master.connectedSlaves()).toHaveLength(0);
  });

  it('does not report a slave that reconnects holding only what this master sent it', async () => {
    const masterStore = await h.store(h.dir());
    const slaveDir = h.dir();
    let slaveStore = await h.store(slaveDir);
    const topics = [uniqueTopic()];
    const ahead: SlaveAheadEvent[] = [];
    const { master, address } = await h.master(masterStore, { onSlaveAhead: (event) => ahead.push(event) });
    const first = h.slave(slaveStore, address);
    await fill(masterStore, topics, 60);
    await waitFor(() => slaveStore.maxPhysicalOffset() === masterStore.maxPhysicalOffset(), 'the first catch-up');
    await first.slave.close();
    await slaveStore.close();
    await waitFor(() => master.connectedSlaves().length === 0, 'the master to see the slave go');
    slaveStore = await h.store(slaveDir);
    const again = h.slave(slaveStore, address);
    await waitFor(() => again.slave.state() === 'connected' && master.slaveAckOffset === masterStore.maxPhysicalOffset(), 'the slave to stream again');
    expect(ahead).toEqual([]);
  });

  it('a slave whose end is older than anything the master keeps is refused by the master', async () => {
    const { error, masterLogs } = await attach(
      async (store, topics) => {
        await fill(store, topics, 400);
        await store.runRetention({ manual: true, now: Date.now() + 1000 * 3600 * 1000 });
        expect(store.minPhysicalOffset()).toBeGreaterThan(0);
      },
      (store, topics) => fill(store, topics, 5),
    );
    expect(error.code).toBe(ReplicationErrorCode.REFUSED_BY_MASTER);
    expect(masterLogs.some((line) => line.level === 'error' && line.message.includes('before the oldest data'))).toBe(true);
  });

  it('a slave whose end falls inside a master record is refused by the master (not ahead: inside what the master had at start)', async () => {
    const ahead: SlaveAheadEvent[] = [];
    const { error, masterLogs } = await attach(
      (store, topics) => fill(store, topics, 80, { seed: 1 }),
      (store, topics) => fill(store, topics, 10, { seed: 2 }),
      { onSlaveAhead: (event) => ahead.push(event) },
    );
    expect(error.code).toBe(ReplicationErrorCode.REFUSED_BY_MASTER);
    expect(masterLogs.some((line) => line.level === 'error' && line.message.includes('inside a record'))).toBe(true);
    expect(ahead).toEqual([]);
  });
});
