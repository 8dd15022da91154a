// SlaveSynchronize against a master that answers over real TCP with bodies a Java master may send
// but a Pulsejet master never does: a topic table without a dataVersion, and a topic whose name this
// broker refuses. The slave takes the master's topic version only when it holds the master's table.
import { MessageStore, topicConfigWithDefaults } from '@pulsejet/core';
import { RequestCode, ResponseCode, createResponse, type DataVersion } from '@pulsejet/protocol';
import { TcpRemotingClient, TcpRemotingServer } from '@pulsejet/remoting';
import { resolveBrokerOptions } from '../../src/broker-options';
import { SlaveSynchronize, TopicConfigManager } from '../../src/index';

const MASTER_VERSION: DataVersion = { stateVersion: 0, timestamp: 1_700_000_000_000, counter: 77 };

/** A GET_ALL_TOPIC_CONFIG body with these topics (4 queues each) and, when given, this version. */
function topicBody(names: string[], version?: DataVersion): Buffer {
  const table: Record<string, unknown> = {};
  for (const topicName of names) table[topicName] = { topicName, readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
  return Buffer.from(JSON.stringify(version === undefined ? { topicConfigTable: table } : { dataVersion: version, topicConfigTable: table }), 'utf8');
}

describe('slave synchronize: the topic dataVersion of a master that answers over TCP', () => {
  let master: TcpRemotingServer;
  let topicsReply: Buffer;
  let store: MessageStore;
  let topics: TopicConfigManager;
  let client: TcpRemotingClient;
  let sync: SlaveSynchronize;

  beforeEach(async () => {
    master = new TcpRemotingServer({ host: '127.0.0.1', port: 0 });
    master.registerProcessor(RequestCode.GET_ALL_TOPIC_CONFIG, (request) => createResponse(request, ResponseCode.SUCCESS, undefined, {}, topicsReply));
    master.registerProcessor(RequestCode.GET_ALL_CONSUMER_OFFSET, (request) => createResponse(request, ResponseCode.SUCCESS, undefined, {}, Buffer.from('{"offsetTable":{}}')));
    master.registerProcessor(RequestCode.GET_ALL_DELAY_OFFSET, (request) => createResponse(request, ResponseCode.SUCCESS, undefined, {}, Buffer.from('{"offsetTable":{}}')));
    master.registerProcessor(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, (request) => createResponse(request, ResponseCode.SUCCESS, undefined, {}, Buffer.from('{"subscriptionGroupTable":{}}')));
    await master.start();
    store = await MessageStore.open({ memory: true });
    topics = new TopicConfigManager(store.metadata, resolveBrokerOptions({}));
    client = new TcpRemotingClient();
    // A long interval: only the explicit syncAll() calls below run.
    sync = new SlaveSynchronize({ client, topics, metadata: store.metadata, intervalMs: 3_600_000, requestTimeoutMs: 10_000, log: () => undefined });
    sync.setMasterAddr(master.address());
  });
  afterEach(async () => {
    await sync.close();
    await client.close();
    await store.close();
    await master.close();
  });

  it("takes the master's table and version, and a second sync changes nothing", async () => {
    await topics.put(topicConfigWithDefaults('LocalOnly'));
    topicsReply = topicBody(['A', 'B'], MASTER_VERSION);
    expect(await sync.syncAll()).toMatchObject({ topicsChanged: 3 });
    expect(topics.list().map((t) => t.topicName).sort()).toEqual(['A', 'B']);
    expect(topics.serializeWrapper().dataVersion).toEqual(MASTER_VERSION);
    expect(await sync.syncAll()).toMatchObject({ topicsChanged: 0 });
    expect(store.metadata.topicDataVersion()).toEqual(MASTER_VERSION);
  });

  it('keeps its own version when the master sends none', async () => {
    topicsReply = topicBody(['A']);
    const before = topics.dataVersion();
    expect(await sync.syncAll()).toMatchObject({ topicsChanged: 1 });
    // Its own put moved it on; it did not become 0/0/0.
    expect(topics.dataVersion()).toEqual({ ...before, counter: before.counter + 1, timestamp: expect.any(Number) });
  });

  it("does not claim the master's version while it lacks a topic it refused", async () => {
    topicsReply = topicBody(['A', 'bad topic'], MASTER_VERSION);
    expect(await sync.syncAll()).toMatchObject({ topicsChanged: 1 });
    expect(topics.get('A')).toBeDefined();
    expect(topics.get('bad topic')).toBeUndefined();
    expect(topics.dataVersion()).not.toEqual(MASTER_VERSION);

    // Once the master's table is one it can hold, it takes the version.
    topicsReply = topicBody(['A'], { ...MASTER_VERSION, counter: 78 });
    expect(await sync.syncAll()).toMatchObject({ topicsChanged: 0 });
    expect(topics.dataVersion()).toEqual({ ...MASTER_VERSION, counter: 78 });
  });
});
