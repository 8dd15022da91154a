// SYNC_MASTER and ASYNC_MASTER send paths with real HA over TCP: a send succeeds only once the slave
// has the message (single and batch), answers SLAVE_NOT_AVAILABLE (11) without a slave and
// FLUSH_SLAVE_TIMEOUT (12) when the slave stops acknowledging, keeping msgId and queue offset.
import * as net from 'node:net';
import { ResponseCode, RequestCode, createRequest, decodeStoredRecords } from '@pulsejet/protocol';
import type { TcpRemotingClient } from '@pulsejet/remoting';
import { encodeMessageBatch } from '../../src/index';
import { sendV2, uniqueTopic } from '../helpers';
import { Node, REQUEST_TIMEOUT_MS, newClient, pullRequest, startNamesrv, waitFor, waitForPair, type Namesrv } from './ha-harness';

jest.setTimeout(60_000);

describe('SYNC_MASTER with a slave', () => {
  let namesrv: Namesrv;
  let master: Node;
  let slave: Node;
  let client: TcpRemotingClient;

  beforeAll(async () => {
    namesrv = await startNamesrv();
    // syncFlushTimeout bounds the wait for the slave; the stalled-slave test below waits it out (generous: a loaded machine must not time out the healthy sends).
    master = await Node.start(namesrv.addr, { brokerRole: 'SYNC_MASTER', store: { syncFlushTimeout: 5000 } });
    slave = await Node.start(namesrv.addr, { brokerRole: 'SLAVE', brokerId: 1 });
    await waitForPair(master.broker, slave.broker);
    client = newClient();
  });
  afterAll(async () => {
    await client.close();
    await slave.destroy();
    await master.destroy();
    await namesrv.close();
  });

  const send = (addr: string, request: ReturnType<typeof sendV2>) => client.request(addr, request, REQUEST_TIMEOUT_MS);

  it('registers its HA address with the nameserver and the slave follows it', async () => {
    expect(master.broker.haServerAddr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(slave.broker.haSlave?.stats().masterAddress).toBe(master.broker.haServerAddr);
    expect(slave.broker.haServerAddr).toBe('');
    // GET_BROKER_RUNTIME_INFO shows replication on both sides.
    const table = async (addr: string) =>
      (JSON.parse((await client.request(addr, createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, {}), REQUEST_TIMEOUT_MS)).body!.toString()) as { table: Record<string, string> }).table;
    expect(await table(master.broker.brokerAddr)).toMatchObject({ haConnectedSlaves: '1' });
    expect(await table(slave.broker.brokerAddr)).toMatchObject({ haSlaveState: 'connected', haMasterAddress: master.broker.haServerAddr });
  });

  it('answers SEND_OK once the slave has the message, which the slave then serves', async () => {
    const topic = uniqueTopic('Sync');
    const reply = await send(master.broker.brokerAddr, sendV2(topic, Buffer.from('sync one'), { e: '0' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    // OK means the slave acknowledged the message's end: it is in the slave's log already.
    expect(slave.broker.store.maxPhysicalOffset()).toBeGreaterThanOrEqual(master.broker.store.maxPhysicalOffset());
    const pulled = await send(slave.broker.brokerAddr, pullRequest(topic, 0));
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    const [record] = decodeStoredRecords(pulled.body!);
    expect(record?.msgId).toBe(reply.extFields['msgId']);
    expect(record?.body.toString()).toBe('sync one');
  });

  it('waits once for a whole batch and answers SEND_OK with every msgId replicated', async () => {
    const topic = uniqueTopic('SyncBatch');
    const body = encodeMessageBatch([0, 1, 2].map((i) => ({ flag: 0, body: Buffer.from(`b${i}`), properties: { TAGS: 'A' } })));
    const reply = await send(
      master.broker.brokerAddr,
      createRequest(RequestCode.SEND_BATCH_MESSAGE, { a: 'PID_batch', b: topic, c: 'TBW102', d: '4', e: '0', f: '0', g: String(Date.now()), h: '0', i: 'WAIT\u0001true', j: '0', k: 'false', m: 'true' }, body),
    );
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(slave.broker.store.getMaxOffsetInQueue(topic, 0)).toBe(3);
    const pulled = await send(slave.broker.brokerAddr, pullRequest(topic, 0));
    expect(decodeStoredRecords(pulled.body!).map((r) => r.msgId)).toEqual(reply.extFields['msgId']!.split(','));
  });

  it('shares one wait among many concurrent sends (group transfer)', async () => {
    const topic = uniqueTopic('SyncMany');
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => send(master.broker.brokerAddr, sendV2(topic, Buffer.from(`m${i}`), { e: '0' }))));
    expect(replies.map((r) => r.code)).toEqual(replies.map(() => ResponseCode.SUCCESS));
    expect(slave.broker.store.getMaxOffsetInQueue(topic, 0)).toBe(50);
  });

  it('answers SLAVE_NOT_AVAILABLE (11) without a slave, and the message is still stored on the master', async () => {
    await slave.stop();
    await waitFor(() => master.broker.haMaster!.connectedSlaves().length === 0, 'the master to notice the slave is gone');
    const topic = uniqueTopic('NoSlave');
    const reply = await send(master.broker.brokerAddr, sendV2(topic, Buffer.from('alone'), { e: '0' }));
    expect(reply.code).toBe(ResponseCode.SLAVE_NOT_AVAILABLE);
    expect(reply.extFields['msgId']).toMatch(/^[0-9A-F]{32}$/);
    expect(reply.extFields['queueOffset']).toBe('0');
    const pulled = await send(master.broker.brokerAddr, pullRequest(topic, 0));
    expect(decodeStoredRecords(pulled.body!)[0]?.msgId).toBe(reply.extFields['msgId']);
  });

  it('answers FLUSH_SLAVE_TIMEOUT (12) when the attached slave stops acknowledging', async () => {
    // A slave that reports offset 0 once and then never again: attached and in sync range, but silent.
    const port = master.broker.haMaster!.address()!.port;
    const stalled = net.connect(port, '127.0.0.1');
    stalled.on('data', () => undefined);
    stalled.on('error', () => undefined);
    try {
      await new Promise<void>((resolve, reject) => stalled.once('connect', resolve).once('error', reject));
      stalled.write(Buffer.alloc(8));
      await waitFor(() => master.broker.haMaster!.slaveAckOffset >= 0, 'the stalled slave to be streaming');
      const topic = uniqueTopic('Stalled');
      const reply = await send(master.broker.brokerAddr, sendV2(topic, Buffer.from('unconfirmed'), { e: '0' }));
      expect(reply.code).toBe(ResponseCode.FLUSH_SLAVE_TIMEOUT);
      expect(reply.extFields['msgId']).toMatch(/^[0-9A-F]{32}$/);
      expect(master.broker.store.getMaxOffsetInQueue(topic, 0)).toBe(1);
    } finally {
      stalled.destroy();
    }
  });

  it('does not wait for a send that asks not to (WAIT=false)', async () => {
    await waitFor(() => master.broker.haMaster!.connectedSlaves().length === 0, 'the stalled slave to be gone');
    const topic = uniqueTopic('NoWait');
    const reply = await send(master.broker.brokerAddr, sendV2(topic, Buffer.from('fire'), { e: '0', i: 'TAGS\u0001A\u0002WAIT\u0001false\u0002' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
  });
});

describe('ASYNC_MASTER', () => {
  let namesrv: Namesrv;
  let master: Node;
  let client: TcpRemotingClient;

  beforeAll(async () => {
    namesrv = await startNamesrv();
    master = await Node.start(namesrv.addr, { brokerRole: 'ASYNC_MASTER', brokerName: 'broker-async' });
    client = newClient();
  });
  afterAll(async () => {
    await client.close();
    await master.destroy();
    await namesrv.close();
  });

  it('answers SEND_OK after its own store, with no slave attached', async () => {
    expect(master.broker.haMaster!.connectedSlaves()).toHaveLength(0);
    const reply = await client.request(master.broker.brokerAddr, sendV2(uniqueTopic('Async'), Buffer.from('x'), { e: '0' }), REQUEST_TIMEOUT_MS);
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(master.broker.haMaster!.pendingReplicaWaits()).toBe(0);
  });
});
