import * as net from 'node:net';
import { HAMasterService, HASlaveClient } from '../src/index';
import { Harness, fill, uniqueTopic, waitFor } from './ha-harness';

/** A port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('HA lifecycle', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.cleanup());

  it('master: start is idempotent, close is idempotent, start after close is refused', async () => {
    const store = await h.store(h.dir());
    const master = new HAMasterService({ store, listenPort: 0, host: '127.0.0.1' });
    await Promise.all([master.start(), master.start()]);
    const port = master.address()!.port;
    await master.start();
    expect(master.address()!.port).toBe(port);
    await Promise.all([master.close(), master.close()]);
    await expect(master.start()).rejects.toThrow(/closed/);
  });

  it('master: close during start leaves nothing listening', async () => {
    const store = await h.store(h.dir());
    const port = await deadPort();
    const master = new HAMasterService({ store, listenPort: port, host: '127.0.0.1' });
    const starting = master.start();
    await master.close();
    await starting;
    expect(master.address()).toBeUndefined();
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('master: a busy port fails start with a clear error', async () => {
    const store = await h.store(h.dir());
    const { master } = await h.master(store);
    const second = new HAMasterService({ store, listenPort: master.address()!.port, host: '127.0.0.1' });
    await expect(second.start()).rejects.toThrow(/haListenPort/);
    await second.close();
  });

  it('slave: keeps retrying an absent master, and close stops it promptly', async () => {
    const store = await h.store(h.dir());
    const slave = new HASlaveClient({ store, masterAddress: `127.0.0.1:${await deadPort()}`, reconnectMinMs: 20, reconnectMaxMs: 50 });
    slave.start();
    slave.start();
    await waitFor(() => slave.state() === 'connecting', 'the connecting state');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slave.stats().connections).toBe(0);
    await slave.close();
    await slave.close();
    expect(slave.state()).toBe('closed');
  });

  it('slave: close while streaming leaves the store consistent and reopenable', async () => {
    const masterStore = await h.store(h.dir());
    const { address } = await h.master(masterStore, { transferBatchSize: 1024 });
    await fill(masterStore, [uniqueTopic()], 300);
    const slaveDir = h.dir();
    const slaveStore = await h.store(slaveDir);
    const slave = new HASlaveClient({ store: slaveStore, masterAddress: address });
    slave.start();
    await waitFor(() => slaveStore.maxPhysicalOffset() > 0, 'some bytes to arrive');
    await slave.close();
    const end = slaveStore.maxPhysicalOffset();
    await slaveStore.close();
    const reopened = await h.store(slaveDir);
    expect(reopened.maxPhysicalOffset()).toBe(end);
    expect(reopened.recovery?.stop.kind).not.toBe('corrupt');
  });

  it('slave: an invalid master address is refused at once', async () => {
    const store = await h.store(h.dir());
    expect(() => new HASlaveClient({ store, masterAddress: 'no-port' })).toThrow(/host:port/);
    const slave = new HASlaveClient({ store });
    expect(() => slave.updateMasterAddress('also bad')).toThrow(/host:port/);
    await slave.close();
  });
});
