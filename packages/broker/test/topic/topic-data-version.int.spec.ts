// The topic table's dataVersion across broker restarts: kept in the metadata store with the topics,
// as Java keeps it in topics.json, so a restart never moves it backwards. What the broker serves
// (GET_ALL_TOPIC_CONFIG), what it registers with the nameserver (REGISTER_BROKER's
// topicConfigSerializeWrapper.dataVersion, which the nameserver compares on QUERY_DATA_VERSION) and
// what a slave takes from its master (Java SlaveSynchronize.syncTopicConfig) are the same version.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCode, ResponseCode, createRequest, decodeDataVersion, encodeDataVersion, type DataVersion, type RemotingCommand } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { BrokerController } from '../../src/index';
import { testBrokerOptions, uniqueTopic } from '../helpers';
import { REQUEST_TIMEOUT_MS, newClient, startNamesrv, useHaPair, waitFor, waitForPair, type Namesrv } from '../ha/ha-harness';

jest.setTimeout(120_000);

interface TopicTable {
  dataVersion: DataVersion;
  topicConfigTable: Record<string, unknown>;
}

async function topicTable(client: TcpRemotingClient, addr: string): Promise<TopicTable> {
  const reply = await client.request(addr, createRequest(RequestCode.GET_ALL_TOPIC_CONFIG, {}), REQUEST_TIMEOUT_MS);
  expect(reply.code).toBe(ResponseCode.SUCCESS);
  return JSON.parse(reply.body!.toString('utf8')) as TopicTable;
}

/** QUERY_DATA_VERSION to the nameserver: whether `version` differs from the one `broker` registered, and that one. */
async function queryDataVersion(client: TcpRemotingClient, namesrvAddr: string, broker: BrokerController, version: DataVersion): Promise<{ changed: string | undefined; registered: DataVersion | undefined }> {
  const { brokerClusterName, brokerName, brokerId } = broker.options;
  const ext = { brokerName, brokerAddr: broker.brokerAddr, clusterName: brokerClusterName, brokerId: String(brokerId) };
  const reply = await client.request(namesrvAddr, createRequest(RequestCode.QUERY_DATA_VERSION, ext, encodeDataVersion(version)), REQUEST_TIMEOUT_MS);
  expect(reply.code).toBe(ResponseCode.SUCCESS);
  return { changed: reply.extFields['changed'], registered: reply.body?.length ? decodeDataVersion(reply.body) : undefined };
}

/** Waits until the nameserver holds `version` for `broker` (registration after a change is asynchronous). */
async function waitForRegistered(client: TcpRemotingClient, namesrvAddr: string, broker: BrokerController, version: DataVersion): Promise<void> {
  const answer = await waitFor(async () => {
    const reply = await queryDataVersion(client, namesrvAddr, broker, version);
    return reply.changed === 'false' ? reply : undefined;
  }, `the nameserver to hold version ${JSON.stringify(version)} for ${broker.brokerAddr}`);
  expect(answer.registered).toEqual(version);
}

describe('topic dataVersion across a broker restart', () => {
  let namesrv: Namesrv;
  let dir: string;
  let broker: BrokerController | undefined;
  let client: TcpRemotingClient;

  beforeEach(async () => {
    namesrv = await startNamesrv();
    dir = mkdtempSync(join(tmpdir(), 'pulsejet-topic-version-'));
    client = newClient();
  });
  afterEach(async () => {
    await client.close();
    await broker?.close();
    broker = undefined;
    await namesrv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<BrokerController> {
    broker = new BrokerController(testBrokerOptions(dir, { namesrvAddr: namesrv.addr, haListenPort: 0, brokerName: 'broker-topic-version' }));
    await broker.start();
    return broker;
  }

  /** A real restart: the broker closes (unregistering) and a new one opens the same data directory. */
  async function restart(): Promise<BrokerController> {
    await broker!.close();
    return open();
  }

  const send = (command: RemotingCommand): Promise<RemotingCommand> => client.request(broker!.brokerAddr, command, REQUEST_TIMEOUT_MS);
  const createTopic = (topic: string, queues: number): RemotingCommand =>
    createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: String(queues), writeQueueNums: String(queues), perm: '6' });

  it('keeps the version through restarts, registers exactly it, and counts on from it', async () => {
    await open();
    const fresh = (await topicTable(client, broker!.brokerAddr)).dataVersion;
    await waitForRegistered(client, namesrv.addr, broker!, fresh);

    // Nothing changed: a restart gives the very same version, not a new timestamp or counter.
    await restart();
    expect((await topicTable(client, broker!.brokerAddr)).dataVersion).toEqual(fresh);
    await waitForRegistered(client, namesrv.addr, broker!, fresh);

    const kept = uniqueTopic('Kept');
    const dropped = uniqueTopic('Dropped');
    expect((await send(createTopic(kept, 2))).code).toBe(ResponseCode.SUCCESS);
    expect((await send(createTopic(kept, 3))).code).toBe(ResponseCode.SUCCESS); // an update is a change
    expect((await send(createTopic(dropped, 1))).code).toBe(ResponseCode.SUCCESS);
    expect((await send(createRequest(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: dropped }))).code).toBe(ResponseCode.SUCCESS);
    const before = await topicTable(client, broker!.brokerAddr);
    expect(before.dataVersion.counter).toBe(fresh.counter + 4);
    expect(before.topicConfigTable[kept]).toMatchObject({ writeQueueNums: 3 });
    expect(before.topicConfigTable[dropped]).toBeUndefined();
    await waitForRegistered(client, namesrv.addr, broker!, before.dataVersion);

    await restart();
    const after = await topicTable(client, broker!.brokerAddr);
    expect(after.dataVersion).toEqual(before.dataVersion);
    expect(after.topicConfigTable).toEqual(before.topicConfigTable);
    // The nameserver compares what the restarted broker registered with the version from before.
    await waitForRegistered(client, namesrv.addr, broker!, before.dataVersion);
    expect((await queryDataVersion(client, namesrv.addr, broker!, fresh)).changed).toBe('true');

    // The next change counts on from the stored version, never from zero.
    expect((await send(createTopic(kept, 4))).code).toBe(ResponseCode.SUCCESS);
    const next = (await topicTable(client, broker!.brokerAddr)).dataVersion;
    expect(next.counter).toBe(before.dataVersion.counter + 1);
    expect(next.timestamp).toBeGreaterThanOrEqual(before.dataVersion.timestamp);
    await waitForRegistered(client, namesrv.addr, broker!, next);
  });
});

describe("a slave takes its master's topic dataVersion", () => {
  const ha = useHaPair({ brokerRole: 'ASYNC_MASTER', brokerName: 'broker-topic-version-ha' }, { brokerName: 'broker-topic-version-ha' });

  it('matches the master after a sync, registers it, and both keep it across restarts', async () => {
    const { namesrv, master, slave, client } = ha;
    const topic = uniqueTopic('HaVersion');
    const created = await client.request(master.broker.brokerAddr, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: '2', writeQueueNums: '2', perm: '6' }), REQUEST_TIMEOUT_MS);
    expect(created.code).toBe(ResponseCode.SUCCESS);
    const masterTable = await topicTable(client, master.broker.brokerAddr);

    const report = await slave.broker.slaveSynchronizeNow();
    expect(report?.topicsChanged).toBeGreaterThan(0);
    const slaveTable = await topicTable(client, slave.broker.brokerAddr);
    expect(slaveTable.dataVersion).toEqual(masterTable.dataVersion);
    expect(slaveTable.topicConfigTable).toEqual(masterTable.topicConfigTable);
    // The slave's registrations (every 300 ms here) carry the version it took.
    await waitForRegistered(client, namesrv.addr, slave.broker, masterTable.dataVersion);

    await slave.restart();
    expect((await topicTable(client, slave.broker.brokerAddr)).dataVersion).toEqual(masterTable.dataVersion);
    await master.restart();
    expect((await topicTable(client, master.broker.brokerAddr)).dataVersion).toEqual(masterTable.dataVersion);

    // After both restarts the pair agrees: a sync changes no topic and no version.
    await waitForPair(master.broker, slave.broker);
    const again = await slave.broker.slaveSynchronizeNow();
    expect(again).toMatchObject({ masterAddr: master.broker.brokerAddr, topicsChanged: 0 });
    expect((await topicTable(client, slave.broker.brokerAddr)).dataVersion).toEqual(masterTable.dataVersion);
    await waitForRegistered(client, namesrv.addr, slave.broker, masterTable.dataVersion);

    // A master-side delete reaches the slave with the master's new version.
    expect((await client.request(master.broker.brokerAddr, createRequest(RequestCode.DELETE_TOPIC_IN_BROKER, { topic }), REQUEST_TIMEOUT_MS)).code).toBe(ResponseCode.SUCCESS);
    const afterDelete = (await topicTable(client, master.broker.brokerAddr)).dataVersion;
    expect(afterDelete.counter).toBe(masterTable.dataVersion.counter + 1);
    expect(await slave.broker.slaveSynchronizeNow()).toMatchObject({ topicsChanged: 1 });
    expect(slave.broker.topics.get(topic)).toBeUndefined();
    expect((await topicTable(client, slave.broker.brokerAddr)).dataVersion).toEqual(afterDelete);
  });
});
