// A slave copies its master's metadata (SlaveSynchronize): topics, subscription groups, consumer
// offsets and delay progress, on a period; the master serves GET_ALL_CONSUMER_OFFSET (43) and
// GET_ALL_DELAY_OFFSET (45) in Java's JSON forms.
import { RequestCode, ResponseCode, createRequest } from '@pulsejet/protocol';
import type { TcpRemotingClient } from '@pulsejet/remoting';
import { uniqueTopic } from '../helpers';
import { Node, REQUEST_TIMEOUT_MS, newClient, startNamesrv, waitFor, waitForPair, type Namesrv } from './ha-harness';

jest.setTimeout(60_000);

describe('slave metadata sync', () => {
  let namesrv: Namesrv;
  let master: Node;
  let slave: Node;
  let client: TcpRemotingClient;

  beforeAll(async () => {
    namesrv = await startNamesrv();
    master = await Node.start(namesrv.addr, { brokerRole: 'ASYNC_MASTER', brokerName: 'broker-meta' });
    slave = await Node.start(namesrv.addr, { brokerRole: 'SLAVE', brokerId: 1, brokerName: 'broker-meta', slaveSynchronizeInterval: 300 });
    await waitForPair(master.broker, slave.broker);
    client = newClient();
  });
  afterAll(async () => {
    await client.close();
    await slave.destroy();
    await master.destroy();
    await namesrv.close();
  });

  const request = (addr: string, code: number, ext: Record<string, string> = {}, body?: Buffer) => client.request(addr, createRequest(code, ext, body), REQUEST_TIMEOUT_MS);

  it('the master serves consumer offsets (43) and delay offsets (45) as Java JSON', async () => {
    const topic = uniqueTopic('Meta');
    master.broker.store.metadata.commitOffset('GID_json', topic, 1, 42);
    master.broker.store.metadata.setDelayOffset(2, 9);
    const offsets = await request(master.broker.brokerAddr, RequestCode.GET_ALL_CONSUMER_OFFSET);
    expect(offsets.code).toBe(ResponseCode.SUCCESS);
    expect((JSON.parse(offsets.body!.toString()) as { offsetTable: Record<string, unknown> }).offsetTable[`${topic}@GID_json`]).toEqual({ '1': 42 });
    const delays = await request(master.broker.brokerAddr, RequestCode.GET_ALL_DELAY_OFFSET);
    expect(delays.code).toBe(ResponseCode.SUCCESS);
    expect(JSON.parse(delays.body!.toString())).toMatchObject({ offsetTable: { '2': 9 } });
  });

  it('copies a topic created on the master, a subscription group, consumer offsets and delay progress', async () => {
    const topic = uniqueTopic('Created');
    const created = await request(master.broker.brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: '3', writeQueueNums: '3', perm: '6' });
    expect(created.code).toBe(ResponseCode.SUCCESS);
    const group = await request(master.broker.brokerAddr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, Buffer.from(JSON.stringify({ groupName: 'GID_meta', retryMaxTimes: 5 })));
    expect(group.code).toBe(ResponseCode.SUCCESS);
    const committed = await request(master.broker.brokerAddr, RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'GID_meta', topic, queueId: '2', commitOffset: '17' });
    expect(committed.code).toBe(ResponseCode.SUCCESS);
    master.broker.store.metadata.setDelayOffset(3, 11);

    // The periodic sync (slaveSynchronizeInterval 300 ms) brings all four over.
    await waitFor(() => slave.broker.topics.get(topic), `topic ${topic} on the slave`);
    expect(slave.broker.topics.get(topic)).toMatchObject({ readQueueNums: 3, writeQueueNums: 3, perm: 6 });
    await waitFor(() => slave.broker.store.metadata.getGroup('GID_meta'), 'the group on the slave');
    expect(slave.broker.store.metadata.getGroup('GID_meta')?.retryMaxTimes).toBe(5);
    await waitFor(() => slave.broker.store.metadata.getDelayOffset(3) === 11, 'delay progress on the slave');
    const queried = await waitFor(async () => {
      const reply = await request(slave.broker.brokerAddr, RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'GID_meta', topic, queueId: '2' });
      return reply.extFields['offset'] === '17' ? reply : undefined;
    }, 'the committed offset on the slave');
    expect(queried.code).toBe(ResponseCode.SUCCESS);
  });

  it('drops a topic deleted on the master', async () => {
    const topic = uniqueTopic('Deleted');
    await request(master.broker.brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: '1', writeQueueNums: '1', perm: '6' });
    await waitFor(() => slave.broker.topics.get(topic), `topic ${topic} on the slave`);
    expect((await request(master.broker.brokerAddr, RequestCode.DELETE_TOPIC_IN_BROKER, { topic })).code).toBe(ResponseCode.SUCCESS);
    await waitFor(() => slave.broker.topics.get(topic) === undefined, `topic ${topic} gone from the slave`);
  });

  it('a slave refuses sends', async () => {
    const reply = await request(slave.broker.brokerAddr, RequestCode.SEND_MESSAGE_V2, { a: 'PID', b: uniqueTopic(), c: 'TBW102', d: '4', e: '0', f: '0', g: '0', h: '0', i: '', j: '0', k: 'false' }, Buffer.from('x'));
    expect(reply.code).toBe(ResponseCode.SERVICE_NOT_AVAILABLE);
  });
});
