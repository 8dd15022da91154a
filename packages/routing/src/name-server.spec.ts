import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RequestCode,
  ResponseCode,
  bodyCrc,
  createRequest,
  decodeClusterInfo,
  decodeKVTable,
  decodeTopicList,
  decodeTopicRouteData,
  decodeDataVersion,
  encodeDataVersion,
  encodeRegisterBrokerBody,
  encodeRegisterBrokerBodyCompressed,
  type RemotingCommand,
} from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { collectingLog, topicConfig, topicTable, waitFor } from '../test/helpers';
import { startInProcessNameServer, type InProcessNameServer } from '../test/in-process';
import { NameServer } from './name-server';

const TIMEOUT = 2000;

function registerExt(name: string, id: number, port: number): Record<string, string> {
  return { brokerName: name, brokerAddr: `127.0.0.1:${port}`, clusterName: 'DefaultCluster', haServerAddr: `127.0.0.1:${port + 1}`, brokerId: String(id) };
}

function registerRequest(name: string, id: number, port: number, topics: string[]): RemotingCommand {
  const body = encodeRegisterBrokerBody({ topicConfigSerializeWrapper: topicTable(topics.map((t) => topicConfig(t))), filterServerList: [] });
  return createRequest(RequestCode.REGISTER_BROKER, { ...registerExt(name, id, port), bodyCrc32: String(bodyCrc(body)) }, body);
}

describe('NameServer processors', () => {
  let ns: InProcessNameServer;
  let client: RemotingClient;
  const call = (command: RemotingCommand): Promise<RemotingCommand> => client.request(ns.address, command, TIMEOUT);

  beforeEach(async () => {
    ns = await startInProcessNameServer();
    client = ns.client();
  });
  afterEach(async () => {
    await ns.close();
  });

  it('registers a master and a slave and serves the route', async () => {
    expect((await call(registerRequest('broker-a', 0, 10911, ['T']))).code).toBe(ResponseCode.SUCCESS);
    const slave = await call(registerRequest('broker-a', 1, 10921, []));
    expect(slave.code).toBe(ResponseCode.SUCCESS);
    expect(slave.extFields).toEqual({ masterAddr: '127.0.0.1:10911', haServerAddr: '127.0.0.1:10912' });

    const response = await call(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }));
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(response.body!.toString()).toContain('"brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"}');
    expect(decodeTopicRouteData(response.body).queueDatas).toEqual([{ brokerName: 'broker-a', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 }]);
  });

  it('registers a broker with no body (no topics)', async () => {
    expect((await call(createRequest(RequestCode.REGISTER_BROKER, registerExt('broker-a', 0, 10911)))).code).toBe(ResponseCode.SUCCESS);
    expect(decodeClusterInfo((await call(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO))).body).clusterAddrTable).toEqual({ DefaultCluster: ['broker-a'] });
  });

  it('answers TOPIC_NOT_EXIST with a remark for an unknown topic', async () => {
    const response = await call(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Nope' }));
    expect(response.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(response.remark).toContain('Nope');
    expect(response.body).toBeUndefined();
  });

  it('serves cluster info, topic lists, and deletes topics; unregisters brokers', async () => {
    await call(registerRequest('broker-a', 0, 10911, ['T', 'U']));
    await call(registerRequest('broker-b', 0, 10931, ['T']));
    const info = decodeClusterInfo((await call(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO))).body);
    expect(Object.keys(info.brokerAddrTable)).toEqual(['broker-a', 'broker-b']);
    expect(decodeTopicList((await call(createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER))).body).topicList).toEqual(['T', 'U']);
    expect(decodeTopicList((await call(createRequest(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'DefaultCluster' }))).body).topicList).toEqual(['T', 'U']);

    expect((await call(createRequest(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'U' }))).code).toBe(ResponseCode.SUCCESS);
    expect(decodeTopicList((await call(createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER))).body).topicList).toEqual(['T']);

    const { haServerAddr: _ha, ...ext } = registerExt('broker-b', 0, 10931);
    expect((await call(createRequest(RequestCode.UNREGISTER_BROKER, ext))).code).toBe(ResponseCode.SUCCESS);
    const route = decodeTopicRouteData((await call(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }))).body);
    expect(route.brokerDatas.map((b) => b.brokerName)).toEqual(['broker-a']);
  });

  it('serves the KV config and feeds ORDER_TOPIC_CONFIG into routes and registrations', async () => {
    const put = (namespace: string, key: string, value: string) => call(createRequest(RequestCode.PUT_KV_CONFIG, { namespace, key, value }));
    expect((await put('ORDER_TOPIC_CONFIG', 'T', 'broker-a:4')).code).toBe(ResponseCode.SUCCESS);
    expect((await put('NS', 'k', 'v')).code).toBe(ResponseCode.SUCCESS);

    const got = await call(createRequest(RequestCode.GET_KV_CONFIG, { namespace: 'NS', key: 'k' }));
    expect([got.code, got.extFields['value']]).toEqual([ResponseCode.SUCCESS, 'v']);
    const missing = await call(createRequest(RequestCode.GET_KV_CONFIG, { namespace: 'NS', key: 'nope' }));
    expect(missing.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(missing.remark).toContain('nope');

    const list = await call(createRequest(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'NS' }));
    expect(decodeKVTable(list.body)).toEqual({ table: { k: 'v' } });
    expect((await call(createRequest(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'none' }))).code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect((await call(createRequest(RequestCode.DELETE_KV_CONFIG, { namespace: 'NS', key: 'k' }))).code).toBe(ResponseCode.SUCCESS);
    expect((await call(createRequest(RequestCode.GET_KV_CONFIG, { namespace: 'NS', key: 'k' }))).code).toBe(ResponseCode.QUERY_NOT_FOUND);

    const registered = await call(registerRequest('broker-a', 0, 10911, ['T']));
    expect(decodeKVTable(registered.body)).toEqual({ table: { T: 'broker-a:4' } });
    const route = decodeTopicRouteData((await call(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }))).body);
    expect(route.orderTopicConf).toBe('broker-a:4');
  });

  it('removes a broker at once when its connection closes', async () => {
    const broker = ns.client();
    await broker.request(ns.address, registerRequest('broker-a', 0, 10911, ['T']), TIMEOUT);
    expect((await call(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }))).code).toBe(ResponseCode.SUCCESS);
    broker.closeChannel(ns.address);
    await waitFor(async () => (await call(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }))).code === ResponseCode.TOPIC_NOT_EXIST, 'the route to go');
  });

  it('expires a silent broker and closes its channel', async () => {
    const broker = ns.client();
    await broker.request(ns.address, registerRequest('broker-a', 0, 10911, ['T']), TIMEOUT);
    const expired = ns.nameServer.scanNotActiveBrokers(Date.now() + 120_001);
    expect(expired.map((b) => b.brokerAddr)).toEqual(['127.0.0.1:10911']);
    expect((await call(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }))).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    await waitFor(() => ns.server.channelCount() === 1, "the expired broker's channel to close");
  });

  it('registers a compressed body (Java compressedRegister) like a JSON one', async () => {
    const body = encodeRegisterBrokerBodyCompressed({ topicConfigSerializeWrapper: topicTable([topicConfig('T'), topicConfig('U')]), filterServerList: [] });
    const request = createRequest(RequestCode.REGISTER_BROKER, { ...registerExt('broker-a', 0, 10911), compressed: 'true', bodyCrc32: String(bodyCrc(body)) }, body);
    expect((await call(request)).code).toBe(ResponseCode.SUCCESS);
    expect(decodeTopicList((await call(createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER))).body).topicList).toEqual(['T', 'U']);
    expect(decodeTopicRouteData((await call(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'U' }))).body).queueDatas[0]).toMatchObject({ brokerName: 'broker-a', perm: 6 });
  });

  it('wipes and adds back the write permission of a broker name on every topic', async () => {
    await call(registerRequest('broker-a', 0, 10911, ['T', 'U']));
    await call(registerRequest('broker-b', 0, 10931, ['T']));
    const perms = async (topic: string) =>
      decodeTopicRouteData((await call(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }))).body).queueDatas.map((q) => `${q.brokerName}:${q.perm}`);

    const wiped = await call(createRequest(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' }));
    expect([wiped.code, wiped.extFields['wipeTopicCount']]).toEqual([ResponseCode.SUCCESS, '2']);
    expect(await perms('T')).toEqual(['broker-a:4', 'broker-b:6']);
    // The broker's periodic re-registration with an unchanged data version does not undo it (Java).
    await call(registerRequest('broker-a', 0, 10911, ['T', 'U']));
    expect(await perms('U')).toEqual(['broker-a:4']);

    const added = await call(createRequest(RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' }));
    expect([added.code, added.extFields['addTopicCount']]).toEqual([ResponseCode.SUCCESS, '2']);
    expect(await perms('T')).toEqual(['broker-a:6', 'broker-b:6']);
    expect((await call(createRequest(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'nobody' }))).extFields['wipeTopicCount']).toBe('0');
  });

  it('answers QUERY_DATA_VERSION with changed and its registered version, refreshing an unchanged broker', async () => {
    const registered = topicTable([topicConfig('T')]).dataVersion;
    const query = (version: typeof registered) => call(createRequest(RequestCode.QUERY_DATA_VERSION, registerExt('broker-a', 0, 10911), encodeDataVersion(version)));
    const unknown = await query(registered);
    expect([unknown.code, unknown.extFields['changed'], unknown.body]).toEqual([ResponseCode.SUCCESS, 'true', undefined]);

    await call(registerRequest('broker-a', 0, 10911, ['T']));
    const before = ns.nameServer.routes.brokerLiveInfo('127.0.0.1:10911')!.lastUpdateTimestamp;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const same = await query(registered);
    expect(same.extFields['changed']).toBe('false');
    expect(decodeDataVersion(same.body)).toEqual(registered);
    expect(ns.nameServer.routes.brokerLiveInfo('127.0.0.1:10911')!.lastUpdateTimestamp).toBeGreaterThan(before);

    const newer = await query({ ...registered, counter: registered.counter + 1 });
    expect(newer.extFields['changed']).toBe('true');
  });

  it('answers unknown codes with REQUEST_CODE_NOT_SUPPORTED', async () => {
    expect((await call(createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {}))).code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  });

  describe('malformed requests get SYSTEM_ERROR with a remark, and the server keeps serving', () => {
    const cases: [string, () => RemotingCommand, RegExp][] = [
      ['REGISTER_BROKER without brokerName', () => createRequest(RequestCode.REGISTER_BROKER, { ...registerExt('b', 0, 1), brokerName: '' }), /brokerName/],
      ['REGISTER_BROKER without haServerAddr', () => { const { haServerAddr: _h, ...ext } = registerExt('b', 0, 1); return createRequest(RequestCode.REGISTER_BROKER, ext); }, /haServerAddr is missing/],
      ['REGISTER_BROKER with a non-numeric brokerId', () => createRequest(RequestCode.REGISTER_BROKER, { ...registerExt('b', 0, 1), brokerId: 'master' }), /brokerId .* must be an integer/],
      ['REGISTER_BROKER with a negative brokerId', () => createRequest(RequestCode.REGISTER_BROKER, { ...registerExt('b', 0, 1), brokerId: '-1' }), /brokerId/],
      ['REGISTER_BROKER with a body that is not JSON', () => createRequest(RequestCode.REGISTER_BROKER, registerExt('b', 0, 1), Buffer.from('{oops')), /not valid JSON/],
      ['REGISTER_BROKER with a wrongly typed body', () => createRequest(RequestCode.REGISTER_BROKER, registerExt('b', 0, 1), Buffer.from('{"filterServerList":"x"}')), /filterServerList must be an array/],
      ['REGISTER_BROKER with a bad bodyCrc32', () => createRequest(RequestCode.REGISTER_BROKER, { ...registerExt('b', 0, 1), bodyCrc32: '12345' }, Buffer.from('{}')), /crc32 not match/],
      ['REGISTER_BROKER compressed with a body that is not zlib', () => createRequest(RequestCode.REGISTER_BROKER, { ...registerExt('b', 0, 1), compressed: 'true' }, Buffer.from('x')), /not a zlib stream/],
      ['QUERY_DATA_VERSION without a body', () => createRequest(RequestCode.QUERY_DATA_VERSION, registerExt('b', 0, 1)), /DataVersion body is missing/],
      ['QUERY_DATA_VERSION without brokerAddr', () => createRequest(RequestCode.QUERY_DATA_VERSION, { ...registerExt('b', 0, 1), brokerAddr: '' }, Buffer.from('{}')), /brokerAddr/],
      ['WIPE_WRITE_PERM_OF_BROKER without brokerName', () => createRequest(RequestCode.WIPE_WRITE_PERM_OF_BROKER, {}), /brokerName/],
      ['ADD_WRITE_PERM_OF_BROKER without brokerName', () => createRequest(RequestCode.ADD_WRITE_PERM_OF_BROKER, {}), /brokerName/],
      ['UNREGISTER_BROKER without brokerId', () => createRequest(RequestCode.UNREGISTER_BROKER, { brokerName: 'b', brokerAddr: 'h:1', clusterName: 'c' }), /brokerId is missing/],
      ['GET_ROUTEINFO_BY_TOPIC without topic', () => createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, {}), /topic is missing/],
      ['DELETE_TOPIC_IN_NAMESRV without topic', () => createRequest(RequestCode.DELETE_TOPIC_IN_NAMESRV, {}), /topic is missing/],
      ['GET_TOPICS_BY_CLUSTER without cluster', () => createRequest(RequestCode.GET_TOPICS_BY_CLUSTER, {}), /cluster is missing/],
      ['PUT_KV_CONFIG without key', () => createRequest(RequestCode.PUT_KV_CONFIG, { namespace: 'n', value: 'v' }), /key is missing/],
      ['PUT_KV_CONFIG without value', () => createRequest(RequestCode.PUT_KV_CONFIG, { namespace: 'n', key: 'k' }), /value is missing/],
      ['GET_KV_CONFIG without namespace', () => createRequest(RequestCode.GET_KV_CONFIG, { key: 'k' }), /namespace is missing/],
      ['DELETE_KV_CONFIG without key', () => createRequest(RequestCode.DELETE_KV_CONFIG, { namespace: 'n' }), /key is missing/],
      ['GET_KVLIST_BY_NAMESPACE without namespace', () => createRequest(RequestCode.GET_KVLIST_BY_NAMESPACE, {}), /namespace is missing/],
    ];
    it.each(cases)('%s', async (_name, build, remark) => {
      const response = await call(build());
      expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(response.remark).toMatch(remark);
      expect((await call(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO))).code).toBe(ResponseCode.SUCCESS);
    });
  });
});

describe('NameServer lifecycle', () => {
  it('runs the expiry loop with the configured times', async () => {
    const logs = collectingLog();
    const ns = await startInProcessNameServer({ scanNotActiveBrokerIntervalMs: 10, brokerChannelExpiredTimeMs: 50, log: logs.log });
    try {
      const client = ns.client();
      await client.request(ns.address, registerRequest('broker-a', 0, 10911, ['T']), TIMEOUT);
      expect(ns.nameServer.routes.getTopicRoute('T')).toBeDefined();
      await waitFor(() => ns.nameServer.routes.getTopicRoute('T') === undefined, 'the broker to expire');
      expect(logs.has(/expired/, 'warn')).toBe(true);
    } finally {
      await ns.close();
    }
  });

  it('start and close are idempotent; close during start leaves nothing running; start after close fails', async () => {
    const ns = new NameServer({ scanNotActiveBrokerIntervalMs: 5 });
    const [a, b] = [ns.start(), ns.start()];
    expect(a).toBe(b);
    const closing = ns.close();
    await Promise.all([a, closing, ns.close()]);
    await expect(ns.start()).rejects.toThrow(/closed/);
  });

  it('close waits for a KV save in progress', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pulsejet-ns-'));
    try {
      const ns = new NameServer({ kvConfigPath: join(dir, 'kv.json') });
      await ns.start();
      const saved = ns.kvConfig.put('NS', 'k', 'v');
      await ns.close();
      await saved;
      expect(JSON.parse(await readFile(join(dir, 'kv.json'), 'utf8'))).toEqual({ configTable: { NS: { k: 'v' } } });
      const again = new NameServer({ kvConfigPath: join(dir, 'kv.json') });
      await again.start();
      expect(again.kvConfig.get('NS', 'k')).toBe('v');
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('validates its options', () => {
    expect(() => new NameServer({ brokerChannelExpiredTimeMs: 0 })).toThrow(RangeError);
    expect(new NameServer().options).toMatchObject({ scanNotActiveBrokerIntervalMs: 5000, brokerChannelExpiredTimeMs: 120000, orderMessageEnable: true });
  });

  it('leaves orderTopicConf out when orderMessageEnable is false', async () => {
    const ns = await startInProcessNameServer({ orderMessageEnable: false });
    try {
      await ns.nameServer.kvConfig.put('ORDER_TOPIC_CONFIG', 'T', 'broker-a:4');
      await ns.client().request(ns.address, registerRequest('broker-a', 0, 10911, ['T']), TIMEOUT);
      expect(ns.nameServer.routes.getTopicRoute('T')!.orderTopicConf).toBeUndefined();
    } finally {
      await ns.close();
    }
  });
});
