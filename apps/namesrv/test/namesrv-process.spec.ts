// apps/namesrv as a real child process: boot, registration over TCP, clean shutdown, a restart
// after which brokers re-register, and client failover between two nameservers when one is killed.
import { RequestCode, ResponseCode, createRequest } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { RoutingError, TopicRouteCache } from '@pulsejet/routing';
import { startTestBroker, topicConfig, type TestBroker } from './broker-helpers';
import { freePort, startNamesrvProcess, stopNamesrvProcess, waitFor, type NamesrvProcess } from './process-helpers';

jest.setTimeout(60_000);

describe('apps/namesrv process', () => {
  const processes: NamesrvProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  let client: TcpRemotingClient;

  beforeEach(() => {
    client = new TcpRemotingClient({ connectTimeoutMs: 1000, log: () => undefined });
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    await client.close();
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => stopNamesrvProcess(p, 'SIGKILL').catch(() => undefined)));
  });

  async function start(port: number, args: string[] = []): Promise<NamesrvProcess> {
    const ns = await startNamesrvProcess(port, args);
    processes.push(ns);
    return ns;
  }

  async function broker(opts: Parameters<typeof startTestBroker>[0]): Promise<TestBroker> {
    const b = await startTestBroker(opts);
    closers.push(() => b.close());
    return b;
  }

  function routeCache(namesrvAddrs: string[]): TopicRouteCache {
    const cache = new TopicRouteCache({ client, namesrvAddrs, requestTimeoutMs: 1000 });
    closers.push(() => cache.close());
    return cache;
  }

  const routeCode = async (address: string, topic: string): Promise<number> =>
    (await client.request(address, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 2000)).code;

  it('boots on the given port, serves registrations and routes, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const ns = await start(port);
    expect(ns.address).toBe(`127.0.0.1:${port}`);
    await broker({ namesrvAddrs: [ns.address], brokerName: 'broker-a', topics: [topicConfig('ProcTopic')], brokerAddr: '127.0.0.1:10911' });
    await broker({ namesrvAddrs: [ns.address], brokerName: 'broker-b', topics: [topicConfig('ProcTopic', 8)], brokerAddr: '127.0.0.1:10931' });
    const route = await routeCache([ns.address]).getRoute('ProcTopic');
    expect(route.queueDatas.map((q) => [q.brokerName, q.writeQueueNums])).toEqual([['broker-a', 4], ['broker-b', 8]]);
    expect(await routeCode(ns.address, 'NoSuchTopic')).toBe(ResponseCode.TOPIC_NOT_EXIST);

    expect(await stopNamesrvProcess(ns, 'SIGTERM')).toEqual({ code: 0, signal: null });
    expect(ns.lines.some((l) => l['msg'] === 'The Name Server shut down')).toBe(true);
  });

  it('gets routes back after a restart, once BrokerRegistration re-registers', async () => {
    const port = await freePort();
    let ns = await start(port);
    await broker({ namesrvAddrs: [ns.address], brokerName: 'broker-a', topics: [topicConfig('RestartTopic')], registerNameServerPeriodMs: 200 });
    expect(await routeCode(ns.address, 'RestartTopic')).toBe(ResponseCode.SUCCESS);

    await stopNamesrvProcess(ns, 'SIGKILL');
    ns = await start(port);
    // A new process knows nothing until the broker's next periodic registration.
    await waitFor(async () => (await routeCode(ns.address, 'RestartTopic').catch(() => -1)) === ResponseCode.SUCCESS, 'the route to come back');
  });

  it('fails over to the second nameserver when the first is killed (SIGKILL)', async () => {
    const [ns1, ns2] = await Promise.all([freePort().then((p) => start(p)), freePort().then((p) => start(p))]);
    await broker({ namesrvAddrs: [ns1!.address, ns2!.address], brokerName: 'broker-a', topics: [topicConfig('FailoverTopic')] });
    const cache = routeCache([ns1!.address, ns2!.address]);
    const first = await cache.getRoute('FailoverTopic');
    expect(cache.preferredNameServer).toBe(ns1!.address);

    await stopNamesrvProcess(ns1!, 'SIGKILL');
    cache.invalidate('FailoverTopic'); // as a producer does after a failed send
    const again = await cache.refresh('FailoverTopic');
    expect(again).toEqual(first);
    expect(cache.preferredNameServer).toBe(ns2!.address);

    await stopNamesrvProcess(ns2!, 'SIGKILL');
    const error = await cache.refresh('FailoverTopic').catch((e: unknown) => e);
    expect(RoutingError.is(error) && error.code).toBe('NAMESRV_UNAVAILABLE');
    // What was cached stays usable while no nameserver answers.
    expect(await cache.getRoute('FailoverTopic')).toEqual(first);
  });

  it('exits 2 with usage on a bad flag, and 1 when the port is taken', async () => {
    const port = await freePort();
    const ns = await start(port);
    const taken = await startNamesrvProcess(port).catch((e: unknown) => e);
    expect(String(taken)).toMatch(/exited with 1/);
    const bad = await startNamesrvProcess(port, ['--port', 'nope']).catch((e: unknown) => e);
    expect(String(bad)).toMatch(/exited with 2.*listen port/s);
    await stopNamesrvProcess(ns);
  });
});
