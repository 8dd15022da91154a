import { Harness, expectSameLog, expectSameQueues, fill, uniqueTopic, waitFor } from './ha-harness';

describe('HA streaming (master and slave stores over TCP)', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.cleanup());

  it('a slave attached while the master takes concurrent puts converges to the same bytes and serves the same messages', async () => {
    const masterStore = await h.store(h.dir());
    const slaveStore = await h.store(h.dir());
    const { master, address } = await h.master(masterStore, { transferBatchSize: 4096 });
    const { slave } = h.slave(slaveStore, address);
    await waitFor(() => master.connectedSlaves().some((info) => info.state === 'streaming'), 'the slave to attach');

    const topics = [uniqueTopic(), uniqueTopic()];
    await Promise.all([fill(masterStore, topics, 400, { concurrency: 40 }), fill(masterStore, topics, 400, { seed: 2, concurrency: 25 })]);
    expect(masterStore.maxPhysicalOffset()).toBeGreaterThan(6 * masterStore.commitLogSegmentSize());

    await waitFor(() => slaveStore.maxPhysicalOffset() === masterStore.maxPhysicalOffset(), 'the slave to catch up');
    expectSameLog(masterStore, slaveStore);
    expectSameQueues(masterStore, slaveStore, topics);
    await waitFor(() => master.slaveAckOffset === masterStore.maxPhysicalOffset(), 'the slave to acknowledge the end');
    expect(master.connectedSlaves()).toEqual([expect.objectContaining({ state: 'streaming', lagBytes: 0 })]);
    expect(slave.state()).toBe('connected');

    await slaveStore.waitForIndex();
    const [found] = await slaveStore.queryMessageByKey(topics[1]!, 'key-2-301', 5);
    expect(found?.body.length).toBe(50 + ((301 * 7919 + 2) % 3000));
  });

  it('a slave started late catches up from zero across several segments', async () => {
    const masterStore = await h.store(h.dir());
    const topics = [uniqueTopic()];
    await fill(masterStore, topics, 500);
    expect(masterStore.maxPhysicalOffset()).toBeGreaterThan(5 * masterStore.commitLogSegmentSize());
    const { address } = await h.master(masterStore);

    const slaveStore = await h.store(h.dir());
    const { slave } = h.slave(slaveStore, address);
    await waitFor(() => slaveStore.maxPhysicalOffset() === masterStore.maxPhysicalOffset(), 'the late slave to catch up');
    expectSameLog(masterStore, slaveStore);
    expectSameQueues(masterStore, slaveStore, topics);
    expect(slave.stats().bytesReceived).toBeGreaterThanOrEqual(masterStore.maxPhysicalOffset());
  });

  it('an empty slave of a master whose oldest segments were deleted copies everything the master still keeps', async () => {
    const masterStore = await h.store(h.dir());
    const topics = [uniqueTopic(), uniqueTopic()];
    await fill(masterStore, topics, 400);
    const run = await masterStore.runRetention({ manual: true, now: Date.now() + 1000 * 3600 * 1000 });
    expect(run.deletedSegments).toBeGreaterThan(0);
    expect(masterStore.minPhysicalOffset()).toBeGreaterThan(0);
    const { address } = await h.master(masterStore);

    const slaveStore = await h.store(h.dir());
    h.slave(slaveStore, address);
    await waitFor(() => slaveStore.maxPhysicalOffset() === masterStore.maxPhysicalOffset(), 'the slave to catch up');
    expectSameLog(masterStore, slaveStore);
    expectSameQueues(masterStore, slaveStore, topics);
  });

  it('a slave closed and reopened on its directory resumes from its own offset', async () => {
    const masterStore = await h.store(h.dir());
    const { address, logs: masterLogs } = await h.master(masterStore);
    const slaveDir = h.dir();
    let slaveStore = await h.store(slaveDir);
    let { slave } = h.slave(slaveStore, address);
    const topics = [uniqueTopic(), uniqueTopic()];
    await fill(masterStore, topics, 200);
    await waitFor(() => slaveStore.maxPhysicalOffset() === masterStore.maxPhysicalOffset(), 'the first catch-up');
    await slave.close();
    await slaveStore.close();
    const resumeAt = masterStore.maxPhysicalOffset();

    await fill(masterStore, topics, 300, { seed: 5 });
    slaveStore = await h.store(slaveDir);
    expect(slaveStore.maxPhysicalOffset()).toBe(resumeAt);
    const restarted = h.slave(slaveStore, address);
    slave = restarted.slave;
    const slaveLogs = restarted.logs;
    await waitFor(() => slaveStore.maxPhysicalOffset() === masterStore.maxPhysicalOffset(), 'the restarted slave to catch up');

    expectSameLog(masterStore, slaveStore);
    expectSameQueues(masterStore, slaveStore, topics);
    // Only what it missed was sent again (plus the few bytes the master resends for the resume check).
    expect(slave.stats().bytesReceived).toBeLessThan(masterStore.maxPhysicalOffset() - resumeAt + 64 * 1024);
    expect(masterLogs.some((line) => line.message.includes(`attached at offset ${resumeAt}`))).toBe(true);
    expect(slaveLogs.some((line) => line.message.includes('match this slave'))).toBe(true);
    // The key index covers messages from before and after the restart.
    await slaveStore.waitForIndex();
    expect(await slaveStore.queryMessageByKey(topics[0]!, 'key-1-10', 5)).toHaveLength(1);
    expect(await slaveStore.queryMessageByKey(topics[1]!, 'key-5-251', 5)).toHaveLength(1);
  });

  it('with resumeCheckBytes 0 (what a Java 4.x slave needs) a restarted slave resumes without the check', async () => {
    const masterStore = await h.store(h.dir());
    const { address, logs } = await h.master(masterStore, { resumeCheckBytes: 0 });
    const slaveDir = h.dir();
    let slaveStore = await h.store(slaveDir);
    const { slave } = h.slave(slaveStore, address);
    const topics = [uniqueTopic()];
    await fill(masterStore, topics, 80);
    await waitFor(() => slaveStore.maxPhysicalOffset() === masterStore.maxPhysicalOffset(), 'the first catch-up');
    await slave.close();
    await slaveStore.close();
    await fill(masterStore, topics, 80, { seed: 4 });
    slaveStore = await h.store(slaveDir);
    const second = h.slave(slaveStore, address);
    await waitFor(() => slaveStore.maxPhysicalOffset() === masterStore.maxPhysicalOffset(), 'the second catch-up');
    expectSameLog(masterStore, slaveStore);
    expect(logs.filter((line) => line.message.includes('attached at offset'))).toHaveLength(2);
    expect(second.logs.some((line) => line.message.includes('match this slave'))).toBe(false);
  });

  it('a slave without a master address idles until it is told one, then catches up', async () => {
    const masterStore = await h.store(h.dir());
    const topics = [uniqueTopic()];
    await fill(masterStore, topics, 50);
    const { address } = await h.master(masterStore);
    const slaveStore = await h.store(h.dir());
    const { slave } = h.slave(slaveStore, undefined);
    await waitFor(() => slave.state() === 'idle', 'the idle state');
    slave.updateMasterAddress(address);
    await waitFor(() => slaveStore.maxPhysicalOffset() === masterStore.maxPhysicalOffset(), 'the catch-up after the address is set');
    expectSameQueues(masterStore, slaveStore, topics);
  });

  it('reconnects with backoff when the master goes away and comes back on the same port', async () => {
    const masterStore = await h.store(h.dir());
    const first = await h.master(masterStore);
    const port = first.master.address()!.port;
    const slaveStore = await h.store(h.dir());
    const { slave } = h.slave(slaveStore, first.address);
    const topics = [uniqueTopic()];
    await fill(masterStore, topics, 60);
    await waitFor(() => slaveStore.maxPhysicalOffset() === masterStore.maxPhysicalOffset(), 'the first catch-up');
    await first.master.close();
    await waitFor(() => slave.state() === 'connecting', 'the slave to notice the master is gone');

    await fill(masterStore, topics, 60, { seed: 9 });
    await h.master(masterStore, { listenPort: port });
    await waitFor(() => slaveStore.maxPhysicalOffset() === masterStore.maxPhysicalOffset(), 'the catch-up after reconnecting');
    expectSameLog(masterStore, slaveStore);
    expect(slave.stats().connections).toBeGreaterThanOrEqual(2);
  });

  it('heartbeats and reports keep an idle connection up past the housekeeping interval', async () => {
    const masterStore = await h.store(h.dir());
    const { master, address } = await h.master(masterStore, { heartbeatIntervalMs: 100, housekeepingIntervalMs: 2000 });
    const slaveStore = await h.store(h.dir());
    const { slave } = h.slave(slaveStore, address, { reportIntervalMs: 100, housekeepingIntervalMs: 2000 });
    await waitFor(() => master.connectedSlaves().length === 1, 'the slave to attach');
    const contact = slave.stats().lastMasterContactAt;
    // Nothing is written: only heartbeats flow, and they keep both ends from timing out.
    await waitFor(() => slave.stats().lastMasterContactAt > contact, 'a heartbeat from the master');
    const start = Date.now();
    await waitFor(() => Date.now() - start > 3000, 'more than one housekeeping interval', 10_000);
    expect(master.connectedSlaves()).toHaveLength(1);
    expect(slave.stats().connections).toBe(1);
  });
});
