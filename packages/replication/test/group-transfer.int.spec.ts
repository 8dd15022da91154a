import * as net from 'node:net';
import { TransferFrameDecoder, encodeOffsetReport } from '../src/index';
import { Harness, fill, uniqueTopic, waitFor } from './ha-harness';

/** A slave that attaches with one offset report and then never reports again (a stopped process). */
async function silentSlave(address: string, offset: number): Promise<net.Socket> {
  const [host, port] = address.split(':') as [string, string];
  const socket = net.connect({ host, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  socket.on('data', () => undefined); // reads (and drops) what the master streams
  socket.write(encodeOffsetReport(offset));
  return socket;
}

describe('SYNC_MASTER group transfer', () => {
  let h: Harness;
  const sockets: net.Socket[] = [];
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await h.cleanup();
  });

  it('SLAVE_NOT_AVAILABLE at once when no slave is attached', async () => {
    const masterStore = await h.store(h.dir());
    const { master } = await h.master(masterStore);
    await fill(masterStore, [uniqueTopic()], 5);
    expect(master.isSlaveOk()).toBe(false);
    expect(master.slaveAckOffset).toBe(-1);
    await expect(master.waitForReplica(masterStore.maxPhysicalOffset(), 60_000)).resolves.toBe('SLAVE_NOT_AVAILABLE');
    expect(master.pendingReplicaWaits()).toBe(0);
  });

  it('thousands of concurrent waits resolve OK as the slave acknowledges', async () => {
    const masterStore = await h.store(h.dir());
    const slaveStore = await h.store(h.dir());
    const { master, address } = await h.master(masterStore);
    h.slave(slaveStore, address);
    await waitFor(() => master.isSlaveOk(), 'the slave to attach');
    const topic = uniqueTopic();
    const waits: Array<Promise<string>> = [];
    const puts: Array<Promise<unknown>> = [];
    for (let i = 0; i < 2000; i += 1) {
      puts.push(
        masterStore.putMessage({ topic, queueId: i % 4, body: Buffer.alloc(100, i % 256), properties: {} }).then((result) => {
          const stored = result.stored![0]!;
          waits.push(master.waitForReplica(stored.physicalOffset + stored.size, 60_000));
        }),
      );
    }
    await Promise.all(puts);
    const results = await Promise.all(waits);
    expect(results.every((result) => result === 'OK')).toBe(true);
    expect(slaveStore.maxPhysicalOffset()).toBe(masterStore.maxPhysicalOffset());
    expect(master.pendingReplicaWaits()).toBe(0);
    // Already acknowledged: answered at once.
    await expect(master.waitForReplica(masterStore.maxPhysicalOffset(), 1)).resolves.toBe('OK');
  });

  it('FLUSH_SLAVE_TIMEOUT when the attached slave stops acknowledging', async () => {
    const masterStore = await h.store(h.dir());
    const { master, address } = await h.master(masterStore);
    sockets.push(await silentSlave(address, 0));
    await waitFor(() => master.isSlaveOk(), 'the silent slave to attach');
    await fill(masterStore, [uniqueTopic()], 10);
    const results = await Promise.all([1, 2, 3].map((i) => master.waitForReplica(masterStore.maxPhysicalOffset() - i, 200)));
    expect(results).toEqual(['FLUSH_SLAVE_TIMEOUT', 'FLUSH_SLAVE_TIMEOUT', 'FLUSH_SLAVE_TIMEOUT']);
    expect(master.pendingReplicaWaits()).toBe(0);
  });

  it('a wait pending when the real slave stops times out with FLUSH_SLAVE_TIMEOUT; later waits get SLAVE_NOT_AVAILABLE', async () => {
    const masterStore = await h.store(h.dir());
    const slaveStore = await h.store(h.dir());
    const { master, address } = await h.master(masterStore);
    const { slave } = h.slave(slaveStore, address);
    await fill(masterStore, [uniqueTopic()], 3);
    await waitFor(() => master.slaveAckOffset === masterStore.maxPhysicalOffset(), 'the slave to acknowledge');
    // A put the slave never gets: the master's log ends before it.
    const pending = master.waitForReplica(masterStore.maxPhysicalOffset() + 1000, 500);
    await slave.close();
    await expect(pending).resolves.toBe('FLUSH_SLAVE_TIMEOUT');
    await waitFor(() => !master.isSlaveOk(), 'the master to see the slave gone');
    await expect(master.waitForReplica(masterStore.maxPhysicalOffset(), 60_000)).resolves.toBe('SLAVE_NOT_AVAILABLE');
  });

  it('SLAVE_NOT_AVAILABLE when the only slave lags more than maxGapNotInSync', async () => {
    const masterStore = await h.store(h.dir());
    const { master, address } = await h.master(masterStore, { maxGapNotInSync: 10_000 });
    await fill(masterStore, [uniqueTopic()], 40);
    sockets.push(await silentSlave(address, 0));
    await waitFor(() => master.connectedSlaves().length === 1 && master.slaveAckOffset === 0, 'the lagging slave to attach');
    expect(master.isSlaveOk()).toBe(false);
    await expect(master.waitForReplica(masterStore.maxPhysicalOffset(), 60_000)).resolves.toBe('SLAVE_NOT_AVAILABLE');
    expect(master.isSlaveOk(1024 * 1024)).toBe(true);
  });

  it('the master drops a slave that stops reporting for longer than the housekeeping interval', async () => {
    const masterStore = await h.store(h.dir());
    const { master, address, logs } = await h.master(masterStore, { heartbeatIntervalMs: 100, housekeepingIntervalMs: 600 });
    sockets.push(await silentSlave(address, 0));
    await waitFor(() => master.connectedSlaves().length === 1, 'the slave to attach');
    await waitFor(() => master.connectedSlaves().length === 0, 'the master to drop the silent slave');
    expect(logs.some((line) => line.message.includes('sent no offset report'))).toBe(true);
  });

  it('pending waits answer SLAVE_NOT_AVAILABLE when the master closes', async () => {
    const masterStore = await h.store(h.dir());
    const { master, address } = await h.master(masterStore);
    sockets.push(await silentSlave(address, 0));
    await waitFor(() => master.isSlaveOk(), 'the slave to attach');
    await fill(masterStore, [uniqueTopic()], 2);
    const pending = master.waitForReplica(masterStore.maxPhysicalOffset(), 60_000);
    await master.close();
    await expect(pending).resolves.toBe('SLAVE_NOT_AVAILABLE');
    await master.close();
  });
});

describe('HA back-pressure', () => {
  let h: Harness;
  let socket: net.Socket | undefined;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(async () => {
    socket?.destroy();
    await h.cleanup();
  });

  it('a slave that does not read stops the master reading its log; streaming goes on as the socket drains', async () => {
    const masterStore = await h.store(h.dir(), { mappedFileSizeCommitLog: 1024 * 1024, maxMessageSize: 64 * 1024 });
    const topic = uniqueTopic();
    const puts: Array<Promise<unknown>> = [];
    for (let i = 0; i < 1600; i += 1) puts.push(masterStore.putMessage({ topic, queueId: 0, body: Buffer.alloc(16 * 1024, i % 256), properties: {} }));
    await Promise.all(puts);
    const end = masterStore.maxPhysicalOffset();
    expect(end).toBeGreaterThan(24 * 1024 * 1024); // more than loopback socket buffers can hold
    const { master, address } = await h.master(masterStore, { transferBatchSize: 32 * 1024, maxBytesPerWrite: 256 * 1024 });

    const [host, port] = address.split(':') as [string, string];
    socket = net.connect({ host, port: Number(port) });
    await new Promise<void>((resolve) => socket!.once('connect', () => resolve()));
    socket.on('error', () => undefined);
    socket.pause();
    socket.write(encodeOffsetReport(0));
    await waitFor(() => master.connectedSlaves().length === 1, 'the slave to attach');
    // Wait until the master stops advancing: it is waiting for 'drain'.
    let last = -1;
    await waitFor(() => {
      const now = master.connectedSlaves()[0]!.transferOffset;
      const stable = now === last && now > 0;
      last = now;
      return stable;
    }, 'the transfer to stall');
    const stalled = master.connectedSlaves()[0]!;
    expect(stalled.transferOffset).toBeLessThan(end);
    // At most one write (maxBytesPerWrite, overshot by less than a frame, plus headers) beyond the
    // socket's high-water mark (16 KiB) waits in user space.
    expect(stalled.bufferedBytes).toBeLessThanOrEqual(16 * 1024 + 256 * 1024 + 32 * 1024 + 9 * 12);

    // Every frame is at most transferBatchSize (what a Java slave expects), and they tile the log.
    const decoder = new TransferFrameDecoder(4 * 1024 * 1024);
    let next = 0;
    let largest = 0;
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        expect(frame.phyOffset).toBe(next);
        next += frame.body.length;
        largest = Math.max(largest, frame.body.length);
      }
    });
    socket.resume();
    await waitFor(() => master.connectedSlaves()[0]?.transferOffset === end, 'the transfer to finish once the slave reads');
    await waitFor(() => next >= end, 'every byte to arrive');
    expect(next).toBe(end);
    expect(largest).toBe(32 * 1024);
  });
});
