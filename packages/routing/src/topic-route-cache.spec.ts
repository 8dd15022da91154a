import { RequestCode, ResponseCode, createResponse } from '@pulsejet/protocol';
import { InProcessNetwork, InProcessRemotingClient, InProcessRemotingServer } from '@pulsejet/remoting';
import { collectingLog, rejectionOf, topicConfig, topicTable, waitFor } from '../test/helpers';
import { startInProcessNameServer, type InProcessNameServer } from '../test/in-process';
import { RoutingError } from './errors';
import { TopicRouteCache } from './topic-route-cache';

const BROKER = { clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerId: 0, brokerAddr: '127.0.0.1:10911', haServerAddr: '' };

function register(ns: InProcessNameServer, topics: string[], counter = 1, brokerName = 'broker-a'): void {
  ns.nameServer.routes.registerBroker({ ...BROKER, brokerName, brokerAddr: `127.0.0.1:${brokerName === 'broker-a' ? 10911 : 10931}`, topicConfigWrapper: topicTable(topics.map((t) => topicConfig(t)), counter) });
}

describe('TopicRouteCache', () => {
  let network: InProcessNetwork;
  let ns1: InProcessNameServer;
  let ns2: InProcessNameServer;
  let client: InProcessRemotingClient;
  const caches: TopicRouteCache[] = [];
  const cache = (opts: Partial<ConstructorParameters<typeof TopicRouteCache>[0]> = {}): TopicRouteCache => {
    const c = new TopicRouteCache({ client, namesrvAddrs: [ns1.address, ns2.address], requestTimeoutMs: 500, ...opts });
    caches.push(c);
    return c;
  };

  beforeEach(async () => {
    network = new InProcessNetwork();
    ns1 = await startInProcessNameServer({}, network, '127.0.0.1:9876');
    ns2 = await startInProcessNameServer({}, network, '127.0.0.1:9877');
    client = new InProcessRemotingClient(network, { log: () => undefined });
  });
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((c) => c.close()));
    await client.close();
    await Promise.all([ns1.close(), ns2.close()]);
  });

  it('fetches a route once and serves it from the cache; concurrent callers share one request', async () => {
    register(ns1, ['T']);
    let requests = 0;
    const routes = cache();
    const spy = jest.spyOn(client, 'request').mockImplementation(async (...args) => {
      requests++;
      return InProcessRemotingClient.prototype.request.apply(client, args);
    });
    const [a, b] = await Promise.all([routes.getRoute('T'), routes.getRoute('T')]);
    expect(a).toBe(b);
    expect(a.brokerDatas[0]!.brokerAddrs).toEqual({ '0': '127.0.0.1:10911' });
    await routes.getRoute('T');
    expect(requests).toBe(1);
    spy.mockRestore();
  });

  it('throws a typed TOPIC_NOT_EXIST error', async () => {
    const error = await rejectionOf(cache().getRoute('Missing'));
    expect(RoutingError.is(error)).toBe(true);
    expect((error as RoutingError).code).toBe('TOPIC_NOT_EXIST');
    expect((error as RoutingError).responseCode).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });

  it('re-fetches after invalidate, and tells listeners when the route changed', async () => {
    register(ns1, ['T']);
    const routes = cache();
    const changes: string[] = [];
    routes.onRouteChange((topic, route) => changes.push(`${topic}:${route.brokerDatas.map((b) => b.brokerName).join(',')}`));
    await routes.getRoute('T');
    register(ns1, ['T'], 1, 'broker-b');
    expect((await routes.getRoute('T')).brokerDatas).toHaveLength(1);
    routes.invalidate('T');
    expect((await routes.getRoute('T')).brokerDatas.map((b) => b.brokerName)).toEqual(['broker-a', 'broker-b']);
    await routes.refresh('T');
    expect(changes).toEqual(['T:broker-a', 'T:broker-a,broker-b']);
  });

  it('refreshes cached routes on its poll interval and keeps them when the topic disappears', async () => {
    register(ns1, ['T']);
    const logs = collectingLog();
    const routes = cache({ pollNameServerIntervalMs: 10, log: logs.log });
    routes.start();
    await routes.getRoute('T');
    register(ns1, ['T'], 1, 'broker-b');
    await waitFor(() => routes.cachedRoute('T')!.brokerDatas.length === 2, 'the polled route');
    ns1.nameServer.routes.deleteTopic('T');
    const changed = routes.cachedRoute('T');
    await waitFor(() => logs.has(/refreshing the route of T failed, keeping the cached one/, 'warn'), 'a failed poll');
    expect(routes.cachedRoute('T')).toBe(changed);
  });

  it('fails over to the next nameserver and remembers the one that answered', async () => {
    register(ns1, ['T']);
    register(ns2, ['T']);
    const routes = cache();
    await routes.getRoute('T');
    expect(routes.preferredNameServer).toBe(ns1.address);
    await ns1.close();
    routes.invalidate('T');
    await routes.getRoute('T');
    expect(routes.preferredNameServer).toBe(ns2.address);
  });

  it('fails over on a timeout', async () => {
    const silent = new InProcessRemotingServer(network, { address: '127.0.0.1:9000', log: () => undefined });
    silent.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, () => new Promise(() => undefined));
    await silent.start();
    register(ns1, ['T']);
    try {
      const routes = cache({ namesrvAddrs: ['127.0.0.1:9000', ns1.address], requestTimeoutMs: 50 });
      await routes.getRoute('T');
      expect(routes.preferredNameServer).toBe(ns1.address);
    } finally {
      await silent.close();
    }
  });

  it('answers NAMESRV_UNAVAILABLE when no nameserver answers, but serves an invalidated route meanwhile', async () => {
    register(ns1, ['T']);
    const routes = cache();
    const route = await routes.getRoute('T');
    await Promise.all([ns1.close(), ns2.close()]);
    routes.invalidate('T');
    expect(await routes.getRoute('T')).toBe(route);
    const error = await rejectionOf(routes.getRoute('Other'));
    expect(RoutingError.is(error) && error.code).toBe('NAMESRV_UNAVAILABLE');
    expect((error as RoutingError).retriable).toBe(true);
  });

  it('maps an unexpected response code to UNEXPECTED_RESPONSE', async () => {
    const odd = new InProcessRemotingServer(network, { address: '127.0.0.1:9001', log: () => undefined });
    odd.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (request) => createResponse(request, ResponseCode.SYSTEM_BUSY, 'busy'));
    await odd.start();
    try {
      const error = await rejectionOf(cache({ namesrvAddrs: ['127.0.0.1:9001'] }).getRoute('T'));
      expect(RoutingError.is(error) && [error.code, error.responseCode]).toEqual(['UNEXPECTED_RESPONSE', ResponseCode.SYSTEM_BUSY]);
    } finally {
      await odd.close();
    }
  });

  it('fails with CLOSED after close, and rejects bad options', async () => {
    const routes = cache();
    await routes.close();
    expect(RoutingError.is(await rejectionOf(routes.getRoute('T')))).toBe(true);
    expect(() => new TopicRouteCache({ client, namesrvAddrs: [] })).toThrow(TypeError);
    expect(() => new TopicRouteCache({ client, namesrvAddrs: ['a:1'], pollNameServerIntervalMs: -1 })).toThrow(RangeError);
  });
});
