import { InProcessNetwork, InProcessRemotingClient } from '@pulsejet/remoting';
import { collectingLog, rejectionOf, topicConfig, topicTable, waitFor } from '../test/helpers';
import { startInProcessNameServer, type InProcessNameServer } from '../test/in-process';
import { BrokerRegistration, type BrokerIdentity } from './broker-registration';
import { RoutingError } from './errors';

const MASTER: BrokerIdentity = { clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerId: 0, brokerAddr: '127.0.0.1:10911', haServerAddr: '127.0.0.1:10912' };

describe('BrokerRegistration', () => {
  let network: InProcessNetwork;
  let ns1: InProcessNameServer;
  let ns2: InProcessNameServer;
  let client: InProcessRemotingClient;

  beforeEach(async () => {
    network = new InProcessNetwork();
    ns1 = await startInProcessNameServer({}, network, '127.0.0.1:9876');
    ns2 = await startInProcessNameServer({}, network, '127.0.0.1:9877');
    client = new InProcessRemotingClient(network, { log: () => undefined });
  });
  afterEach(async () => {
    await client.close();
    await Promise.all([ns1.close(), ns2.close()]);
  });

  it('registers with every nameserver, re-registers on its period, and unregisters on close', async () => {
    let topics = [topicConfig('T')];
    let version = 1;
    const registration = new BrokerRegistration({
      client,
      namesrvAddrs: [ns1.address, ns2.address],
      broker: MASTER,
      topicConfigs: () => topicTable(topics, version),
      registerNameServerPeriodMs: 20,
    });
    const outcomes = await registration.start();
    expect(outcomes.map((o) => [o.namesrvAddr, o.ok])).toEqual([[ns1.address, true], [ns2.address, true]]);
    for (const ns of [ns1, ns2]) expect(ns.nameServer.routes.getTopicRoute('T')).toBeDefined();

    // A new topic reaches the nameservers with the next periodic registration.
    topics = [topicConfig('T'), topicConfig('U')];
    version = 2;
    await waitFor(() => ns1.nameServer.routes.getTopicRoute('U') !== undefined && ns2.nameServer.routes.getTopicRoute('U') !== undefined, 'the new topic');

    await Promise.all([registration.close(), registration.close()]);
    for (const ns of [ns1, ns2]) expect(ns.nameServer.routes.getTopicRoute('T')).toBeUndefined();
    expect(RoutingError.is(await rejectionOf(registration.start()))).toBe(true);
  });

  it('registers its topics in the compressed form when asked to', async () => {
    const registration = new BrokerRegistration({ client, namesrvAddrs: [ns1.address], broker: MASTER, topicConfigs: () => topicTable([topicConfig('T')]), compressed: true });
    const outcomes = await registration.start();
    expect(outcomes.map((o) => o.ok)).toEqual([true]);
    expect(ns1.nameServer.routes.getTopicRoute('T')?.queueDatas).toEqual([{ brokerName: 'broker-a', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 }]);
    await registration.close();
  });

  it('gives a slave its master address and the order topic config', async () => {
    await ns1.nameServer.kvConfig.put('ORDER_TOPIC_CONFIG', 'T', 'broker-a:4');
    const master = new BrokerRegistration({ client, namesrvAddrs: [ns1.address], broker: MASTER, topicConfigs: () => topicTable([topicConfig('T')]) });
    await master.start();
    const seen: unknown[] = [];
    const slave = new BrokerRegistration({
      client,
      namesrvAddrs: [ns1.address],
      broker: { ...MASTER, brokerId: 1, brokerAddr: '127.0.0.1:10921', haServerAddr: '' },
      topicConfigs: () => topicTable([]),
      onRegistered: (outcomes) => seen.push(outcomes),
    });
    const [outcome] = await slave.start();
    expect(outcome).toEqual({
      namesrvAddr: ns1.address,
      ok: true,
      result: { masterAddr: '127.0.0.1:10911', haServerAddr: '127.0.0.1:10912', orderTopicConfig: { T: 'broker-a:4' } },
    });
    expect(seen).toHaveLength(1);
    await Promise.all([master.close(), slave.close()]);
  });

  it('starts while a nameserver is down and registers once it is back', async () => {
    const logs = collectingLog();
    await ns2.close();
    const registration = new BrokerRegistration({
      client,
      namesrvAddrs: [ns1.address, ns2.address],
      broker: MASTER,
      topicConfigs: () => topicTable([topicConfig('T')]),
      registerNameServerPeriodMs: 10,
      log: logs.log,
    });
    const outcomes = await registration.start();
    expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
    expect(logs.has(/9877 failed/, 'warn')).toBe(true);

    ns2 = await startInProcessNameServer({}, network, '127.0.0.1:9877');
    await waitFor(() => ns2.nameServer.routes.getTopicRoute('T') !== undefined, 'registration with the restarted nameserver');
    await registration.close();
  });

  it('rejects bad options', () => {
    expect(() => new BrokerRegistration({ client, namesrvAddrs: [], broker: MASTER, topicConfigs: () => topicTable([]) })).toThrow(TypeError);
    expect(() => new BrokerRegistration({ client, namesrvAddrs: ['a:1'], broker: MASTER, topicConfigs: () => topicTable([]), registerNameServerPeriodMs: 0 })).toThrow(RangeError);
  });
});
