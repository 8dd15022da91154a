// Brokers registering with a NameServer over real TCP sockets on 127.0.0.1 (free ports).
import { RequestCode, ResponseCode, createRequest, decodeClusterInfo } from '@pulsejet/protocol';
import { TcpRemotingClient, TcpRemotingServer } from '@pulsejet/remoting';
import { BrokerRegistration, NameServer, TopicRouteCache, type BrokerIdentity, type NameServerOptions } from '../src/index';
import { topicConfig, topicTable, uniqueTopic, waitFor } from './helpers';

const quiet = { log: () => undefined };

interface TcpNameServer {
  nameServer: NameServer;
  server: TcpRemotingServer;
  address: string;
}

async function startNameServer(options: NameServerOptions = {}): Promise<TcpNameServer> {
  const server = new TcpRemotingServer({ host: '127.0.0.1', port: 0, ...quiet });
  const nameServer = new NameServer(options);
  nameServer.attach(server);
  await nameServer.start();
  await server.start();
  return { nameServer, server, address: server.address() };
}

function identity(brokerName: string, brokerId: number, port: number): BrokerIdentity {
  return { clusterName: 'DefaultCluster', brokerName, brokerId, brokerAddr: `127.0.0.1:${port}`, haServerAddr: `127.0.0.1:${port + 1}` };
}

describe('NameServer over TCP', () => {
  let ns: TcpNameServer;
  const closers: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await ns.server.close();
    await ns.nameServer.close();
  });

  /** A test broker: its own TcpRemotingClient, registering through BrokerRegistration. */
  async function startBroker(broker: BrokerIdentity, topics: string[], queues = 4): Promise<{ client: TcpRemotingClient; registration: BrokerRegistration }> {
    const client = new TcpRemotingClient({ connectTimeoutMs: 1000, ...quiet });
    const registration = new BrokerRegistration({ client, namesrvAddrs: [ns.address], broker, topicConfigs: () => topicTable(topics.map((t) => topicConfig(t, queues))) });
    closers.push(async () => {
      await registration.close();
      await client.close();
    });
    const outcomes = await registration.start();
    expect(outcomes.every((o) => o.ok)).toBe(true);
    return { client, registration };
  }

  function routeCache(): TopicRouteCache {
    const client = new TcpRemotingClient({ connectTimeoutMs: 1000, ...quiet });
    const cache = new TopicRouteCache({ client, namesrvAddrs: [ns.address] });
    closers.push(async () => {
      await cache.close();
      await client.close();
    });
    return cache;
  }

  it('serves the route of a topic spread over two brokers, master and slave under one name', async () => {
    ns = await startNameServer();
    const topic = uniqueTopic('Spread');
    await startBroker(identity('broker-a', 0, 10911), [topic], 4);
    const slave = await startBroker(identity('broker-a', 1, 10921), []);
    await startBroker(identity('broker-b', 0, 10931), [topic], 8);
    expect(slave.registration).toBeDefined();

    const route = await routeCache().getRoute(topic);
    expect(route.queueDatas.map((q) => [q.brokerName, q.writeQueueNums])).toEqual([['broker-a', 4], ['broker-b', 8]]);
    expect(route.brokerDatas).toEqual([
      { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { '0': '127.0.0.1:10911', '1': '127.0.0.1:10921' } },
      { cluster: 'DefaultCluster', brokerName: 'broker-b', brokerAddrs: { '0': '127.0.0.1:10931' } },
    ]);

    const client = new TcpRemotingClient(quiet);
    closers.push(() => client.close());
    const info = decodeClusterInfo((await client.request(ns.address, createRequest(RequestCode.GET_BROKER_CLUSTER_INFO), 2000)).body);
    expect(info.clusterAddrTable).toEqual({ DefaultCluster: ['broker-a', 'broker-b'] });
  });

  it('removes a broker at once when its connection closes', async () => {
    ns = await startNameServer();
    const topic = uniqueTopic('Closed');
    await startBroker(identity('broker-a', 0, 10911), [topic]);
    const b = await startBroker(identity('broker-b', 0, 10931), [topic]);
    expect(ns.nameServer.routes.getTopicRoute(topic)!.brokerDatas).toHaveLength(2);
    await b.client.close(); // the broker dies: no UNREGISTER_BROKER, only the closed socket
    await waitFor(() => ns.nameServer.routes.getTopicRoute(topic)!.brokerDatas.length === 1, 'broker-b to be removed');
    expect(ns.nameServer.routes.getTopicRoute(topic)!.queueDatas.map((q) => q.brokerName)).toEqual(['broker-a']);
  });

  it('expires a broker that stops re-registering but keeps its connection', async () => {
    ns = await startNameServer({ scanNotActiveBrokerIntervalMs: 20, brokerChannelExpiredTimeMs: 200 });
    const topic = uniqueTopic('Expiry');
    const client = new TcpRemotingClient(quiet);
    closers.push(() => client.close());
    // One registration, then silence on an open connection (a hung broker).
    const registration = new BrokerRegistration({ client, namesrvAddrs: [ns.address], broker: identity('broker-a', 0, 10911), topicConfigs: () => topicTable([topicConfig(topic)]), registerNameServerPeriodMs: 600_000 });
    await registration.start();
    const registeredAt = ns.nameServer.routes.brokerLiveInfo('127.0.0.1:10911')!.lastUpdateTimestamp;
    expect(ns.nameServer.routes.getTopicRoute(topic)).toBeDefined();
    await waitFor(() => ns.nameServer.routes.getTopicRoute(topic) === undefined, 'the broker to expire', 5000);
    expect(Date.now() - registeredAt).toBeGreaterThan(200);
    // The nameserver also closes the expired broker's connection; ask on a connection of our own.
    const asker = new TcpRemotingClient(quiet);
    closers.push(() => asker.close());
    const response = await asker.request(ns.address, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 2000);
    expect(response.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    await waitFor(() => ns.server.channelCount() === 1, "the expired broker's connection to close");
    await registration.close();
  });

  it('keeps a broker that re-registers within the expiry time', async () => {
    ns = await startNameServer({ scanNotActiveBrokerIntervalMs: 20, brokerChannelExpiredTimeMs: 1000 });
    const topic = uniqueTopic('Alive');
    const client = new TcpRemotingClient(quiet);
    const registration = new BrokerRegistration({ client, namesrvAddrs: [ns.address], broker: identity('broker-a', 0, 10911), topicConfigs: () => topicTable([topicConfig(topic)]), registerNameServerPeriodMs: 50 });
    closers.push(async () => {
      await registration.close();
      await client.close();
    });
    await registration.start();
    const first = ns.nameServer.routes.brokerLiveInfo('127.0.0.1:10911')!.lastUpdateTimestamp;
    // Wait well past the expiry time, measured by re-registrations rather than by the clock alone.
    await waitFor(() => ns.nameServer.routes.brokerLiveInfo('127.0.0.1:10911')!.lastUpdateTimestamp > first + 1500, 'many re-registrations', 10_000);
    expect(ns.nameServer.routes.getTopicRoute(topic)).toBeDefined();
  }, 30_000);
});
