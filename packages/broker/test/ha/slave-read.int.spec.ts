// Consumers on a slave: pulls and offsets served by the slave while the master is down, offsets
// committed to the slave meanwhile surviving the master's return and the next metadata sync (merge by
// maximum), and the master suggesting the slave to a consumer that lags far behind.
import { ResponseCode, RequestCode, createRequest, decodeStoredRecords, decodeTopicRouteData } from '@pulsejet/protocol';
import type { TcpRemotingClient } from '@pulsejet/remoting';
import { sendV2, uniqueTopic } from '../helpers';
import { Node, REQUEST_TIMEOUT_MS, newClient, pullRequest, startNamesrv, waitFor, waitForPair, type Namesrv } from './ha-harness';

jest.setTimeout(90_000);

describe('reading from a slave while the master is down', () => {
  let namesrv: Namesrv;
  let master: Node;
  let slave: Node;
  let client: TcpRemotingClient;

  beforeAll(async () => {
    namesrv = await startNamesrv();
    master = await Node.start(namesrv.addr, { brokerRole: 'ASYNC_MASTER', brokerName: 'broker-read' });
    slave = await Node.start(namesrv.addr, { brokerRole: 'SLAVE', brokerId: 1, brokerName: 'broker-read' });
    await waitForPair(master.broker, slave.broker);
    client = newClient();
  });
  afterAll(async () => {
    await client.close();
    await slave.destroy();
    await master.destroy();
    await namesrv.close();
  });

  const request = (addr: string, code: number, ext: Record<string, string>) => client.request(addr, createRequest(code, ext), REQUEST_TIMEOUT_MS);
  const queryOffset = async (addr: string, topic: string): Promise<string | undefined> =>
    (await request(addr, RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'GID_read', topic, queueId: '0' })).extFields['offset'];

  it('serves pulls and offsets from the slave, and keeps an offset committed there through the master\'s return', async () => {
    const topic = uniqueTopic('Failover');
    for (let i = 0; i < 5; i++) {
      expect((await client.request(master.broker.brokerAddr, sendV2(topic, Buffer.from(`m${i}`), { e: '0' }), REQUEST_TIMEOUT_MS)).code).toBe(ResponseCode.SUCCESS);
    }
    expect((await request(master.broker.brokerAddr, RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'GID_read', topic, queueId: '0', commitOffset: '1' })).code).toBe(0);
    await waitFor(() => slave.broker.store.maxPhysicalOffset() === master.broker.store.maxPhysicalOffset(), 'the slave to catch up');
    expect(await slave.broker.slaveSynchronizeNow()).toMatchObject({ masterAddr: master.broker.brokerAddr });
    expect(await queryOffset(slave.broker.brokerAddr, topic)).toBe('1');

    // The master goes away; it unregisters, so the slave's next registration answer names no master.
    await master.stop();
    await waitFor(() => slave.broker.masterAddr === undefined, 'the slave to notice the master is away');
    // The route still lists the group's queues, now with only brokerId 1: consumers fall back to it.
    const route = await client.request(namesrv.addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), REQUEST_TIMEOUT_MS);
    expect(route.code).toBe(ResponseCode.SUCCESS);
    const routeData = decodeTopicRouteData(route.body);
    expect(routeData.brokerDatas.find((b) => b.brokerName === 'broker-read')?.brokerAddrs).toEqual({ '1': slave.broker.brokerAddr });
    expect(routeData.queueDatas.map((q) => q.brokerName)).toContain('broker-read');

    const pulled = await client.request(slave.broker.brokerAddr, pullRequest(topic, 1), REQUEST_TIMEOUT_MS);
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    expect(decodeStoredRecords(pulled.body!).map((r) => r.body.toString())).toEqual(['m1', 'm2', 'm3', 'm4']);
    // The consumer commits its progress to the slave (as the client does when only brokerId 1 is in the route).
    expect((await request(slave.broker.brokerAddr, RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'GID_read', topic, queueId: '0', commitOffset: '5' })).code).toBe(0);
    expect(await queryOffset(slave.broker.brokerAddr, topic)).toBe('5');

    // The master returns with its older offset (1); the slave syncs from it and keeps 5.
    await master.restart();
    await waitForPair(master.broker, slave.broker);
    expect(await queryOffset(master.broker.brokerAddr, topic)).toBe('1');
    const report = await slave.broker.slaveSynchronizeNow();
    expect(report?.offsetsKeptAhead).toBeGreaterThanOrEqual(1);
    expect(await queryOffset(slave.broker.brokerAddr, topic)).toBe('5');
    // The master accepts the client's commit as usual once back; the slave then agrees.
    expect((await request(master.broker.brokerAddr, RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'GID_read', topic, queueId: '0', commitOffset: '5' })).code).toBe(0);
    expect(await queryOffset(master.broker.brokerAddr, topic)).toBe('5');
  });

  it('a slave keeps an offset piggybacked on a pull', async () => {
    const topic = uniqueTopic('Piggy');
    expect((await client.request(master.broker.brokerAddr, sendV2(topic, Buffer.from('p'), { e: '0' }), REQUEST_TIMEOUT_MS)).code).toBe(0);
    await waitFor(() => slave.broker.store.getMaxOffsetInQueue(topic, 0) === 1, 'the message on the slave');
    const pulled = await client.request(slave.broker.brokerAddr, pullRequest(topic, 0, { consumerGroup: 'GID_read', sysFlag: '5', commitOffset: '1' }), REQUEST_TIMEOUT_MS);
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    expect(await queryOffset(slave.broker.brokerAddr, topic)).toBe('1');
  });
});

describe('suggestWhichBrokerId', () => {
  let namesrv: Namesrv;
  let master: Node;
  let client: TcpRemotingClient;

  beforeAll(async () => {
    namesrv = await startNamesrv();
    // Ratio 0: any lag behind the log's end counts as "no longer in memory".
    master = await Node.start(namesrv.addr, { brokerRole: 'ASYNC_MASTER', brokerName: 'broker-suggest', accessMessageInMemoryMaxRatio: 0 });
    client = newClient();
  });
  afterAll(async () => {
    await client.close();
    await master.destroy();
    await namesrv.close();
  });

  it('points a consumer that lags behind the log to the slave (1) and one that caught up to the master (0)', async () => {
    const topic = uniqueTopic('Suggest');
    for (let i = 0; i < 3; i++) {
      expect((await client.request(master.broker.brokerAddr, sendV2(topic, Buffer.from(`s${i}`), { e: '0' }), REQUEST_TIMEOUT_MS)).code).toBe(0);
    }
    const behind = await client.request(master.broker.brokerAddr, pullRequest(topic, 0, { maxMsgNums: '1' }), REQUEST_TIMEOUT_MS);
    expect(behind.code).toBe(ResponseCode.SUCCESS);
    expect(behind.extFields['suggestWhichBrokerId']).toBe('1');
    const caughtUp = await client.request(master.broker.brokerAddr, pullRequest(topic, 0), REQUEST_TIMEOUT_MS);
    expect(caughtUp.code).toBe(ResponseCode.SUCCESS);
    expect(caughtUp.extFields['suggestWhichBrokerId']).toBe('0');
  });
});
