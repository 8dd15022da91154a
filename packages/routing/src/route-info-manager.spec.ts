import type { TopicConfigData, TopicConfigSerializeWrapper } from '@pulsejet/protocol';
import { RouteInfoManager, type RegisterBrokerInput } from './route-info-manager';

function topic(name: string, queues = 4, perm = 6): TopicConfigData {
  return { topicName: name, readQueueNums: queues, writeQueueNums: queues, perm, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
}

function wrapper(configs: TopicConfigData[], counter = 1): TopicConfigSerializeWrapper {
  return { topicConfigTable: Object.fromEntries(configs.map((c) => [c.topicName, c])), dataVersion: { stateVersion: 0, timestamp: 1000, counter } };
}

function broker(name: string, id: number, port: number, configs: TopicConfigData[] = [], extra: Partial<RegisterBrokerInput> = {}): RegisterBrokerInput {
  return {
    clusterName: 'DefaultCluster',
    brokerName: name,
    brokerId: id,
    brokerAddr: `127.0.0.1:${port}`,
    haServerAddr: `127.0.0.1:${port + 1}`,
    topicConfigWrapper: wrapper(configs),
    channelId: `ch-${port}`,
    ...extra,
  };
}

describe('RouteInfoManager', () => {
  it('puts a master and its slave under one BrokerData and tells the slave its master', () => {
    const routes = new RouteInfoManager();
    expect(routes.registerBroker(broker('broker-a', 0, 10911, [topic('T')]), 1)).toEqual({});
    const slave = routes.registerBroker(broker('broker-a', 1, 10921, [topic('T')]), 2);
    expect(slave).toEqual({ masterAddr: '127.0.0.1:10911', haServerAddr: '127.0.0.1:10912' });
    expect(routes.getTopicRoute('T')).toEqual({
      queueDatas: [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
      brokerDatas: [{ cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { '0': '127.0.0.1:10911', '1': '127.0.0.1:10921' } }],
      filterServerTable: {},
    });
  });

  it('gives a slave no master address while its master is unregistered', () => {
    const routes = new RouteInfoManager();
    expect(routes.registerBroker(broker('broker-a', 1, 10921), 1)).toEqual({});
  });

  it('reads topics only from masters', () => {
    const routes = new RouteInfoManager();
    routes.registerBroker(broker('broker-a', 1, 10921, [topic('OnlyOnSlave')]), 1);
    expect(routes.getTopicRoute('OnlyOnSlave')).toBeUndefined();
  });

  it('lists queue data per broker for a topic spread over two brokers', () => {
    const routes = new RouteInfoManager();
    routes.registerBroker(broker('broker-b', 0, 10931, [topic('Spread', 8)]), 1);
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('Spread', 4), topic('OnlyA')]), 1);
    const route = routes.getTopicRoute('Spread')!;
    expect(route.queueDatas.map((q) => [q.brokerName, q.writeQueueNums])).toEqual([['broker-a', 4], ['broker-b', 8]]);
    expect(route.brokerDatas.map((b) => b.brokerName)).toEqual(['broker-a', 'broker-b']);
    expect(routes.getTopicRoute('OnlyA')!.brokerDatas.map((b) => b.brokerName)).toEqual(['broker-a']);
    expect(routes.getAllTopicList()).toEqual({ topicList: ['OnlyA', 'Spread'] });
  });

  it('re-reads topics only when the data version changes', () => {
    const routes = new RouteInfoManager();
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('T', 4)]), 1);
    // Same version, different table: ignored (Java trusts the version).
    routes.registerBroker({ ...broker('broker-a', 0, 10911), topicConfigWrapper: wrapper([topic('T', 8)], 1) }, 2);
    expect(routes.getTopicRoute('T')!.queueDatas[0]!.writeQueueNums).toBe(4);
    routes.registerBroker({ ...broker('broker-a', 0, 10911), topicConfigWrapper: wrapper([topic('T', 8), topic('U')], 2) }, 3);
    expect(routes.getTopicRoute('T')!.queueDatas[0]!.writeQueueNums).toBe(8);
    expect(routes.getTopicRoute('U')).toBeDefined();
    expect(routes.brokerLiveInfo('127.0.0.1:10911')!.lastUpdateTimestamp).toBe(3);
  });

  it('moves an address to its new id when a slave becomes master', () => {
    const routes = new RouteInfoManager();
    routes.registerBroker(broker('broker-a', 1, 10921), 1);
    routes.registerBroker(broker('broker-a', 0, 10921, [topic('T')]), 2);
    expect(routes.getClusterInfo().brokerAddrTable['broker-a']!.brokerAddrs).toEqual({ '0': '127.0.0.1:10921' });
  });

  it('expires brokers not heard from for brokerChannelExpiredTimeMs, with their queue data', () => {
    const routes = new RouteInfoManager({ brokerChannelExpiredTimeMs: 1000 });
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('Spread'), topic('OnlyA')]), 0);
    routes.registerBroker(broker('broker-b', 0, 10931, [topic('Spread')]), 500);
    expect(routes.scanNotActiveBrokers(1000)).toEqual([]);
    expect(routes.scanNotActiveBrokers(1001)).toEqual([{ brokerAddr: '127.0.0.1:10911', channelId: 'ch-10911', lastUpdateTimestamp: 0 }]);
    expect(routes.getTopicRoute('OnlyA')).toBeUndefined();
    expect(routes.getTopicRoute('Spread')!.queueDatas.map((q) => q.brokerName)).toEqual(['broker-b']);
    expect(routes.getClusterInfo().clusterAddrTable).toEqual({ DefaultCluster: ['broker-b'] });
    expect(routes.brokerLiveInfo('127.0.0.1:10911')).toBeUndefined();
    // Re-registration keeps a broker alive.
    routes.registerBroker(broker('broker-b', 0, 10931, [topic('Spread')]), 1400);
    expect(routes.scanNotActiveBrokers(2000)).toEqual([]);
  });

  it('keeps the queues of a broker name while its slave lives (consumers read from the slave)', () => {
    const routes = new RouteInfoManager({ brokerChannelExpiredTimeMs: 1000 });
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('T')]), 0);
    routes.registerBroker(broker('broker-a', 1, 10921), 900);
    routes.scanNotActiveBrokers(1500);
    expect(routes.getTopicRoute('T')!.brokerDatas[0]!.brokerAddrs).toEqual({ '1': '127.0.0.1:10921' });
  });

  it('removes the brokers registered on a closed channel at once, and ignores client channels', () => {
    const routes = new RouteInfoManager();
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('T')]), 0);
    routes.registerBroker(broker('broker-b', 0, 10931, [topic('T')], { channelId: 'shared' }), 0);
    routes.registerBroker(broker('broker-c', 0, 10941, [topic('T')], { channelId: 'shared' }), 0);
    expect(routes.onChannelClosed({ id: 'client', remoteAddress: '127.0.0.1:55555' })).toEqual([]);
    expect(routes.onChannelClosed({ id: 'ch-10911', remoteAddress: '127.0.0.1:50001' })).toEqual(['127.0.0.1:10911']);
    expect(routes.hasBrokerOnChannel('shared')).toBe(true);
    expect(routes.onChannelClosed({ id: 'shared' }).sort()).toEqual(['127.0.0.1:10931', '127.0.0.1:10941']);
    expect(routes.getTopicRoute('T')).toBeUndefined();
    expect(routes.getClusterInfo()).toEqual({ brokerAddrTable: {}, clusterAddrTable: {} });
  });

  it('removes a broker by address, and falls back to the remote address like Java', () => {
    const routes = new RouteInfoManager();
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('T')]), 0);
    expect(routes.onChannelClosed({ id: 'other', remoteAddress: '127.0.0.1:10911' })).toEqual(['127.0.0.1:10911']);
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('T')]), 0);
    expect(routes.onChannelClosed('127.0.0.1:10911')).toEqual(['127.0.0.1:10911']);
    expect(routes.getTopicRoute('T')).toBeUndefined();
  });

  it('ignores a close of an old channel after the broker re-registered on a new one', () => {
    const routes = new RouteInfoManager();
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('T')], { channelId: 'old' }), 0);
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('T')], { channelId: 'new' }), 1);
    expect(routes.onChannelClosed({ id: 'old', remoteAddress: '127.0.0.1:50001' })).toEqual([]);
    expect(routes.getTopicRoute('T')).toBeDefined();
  });

  it('unregisters a slave without touching the topic, and the last address with it', () => {
    const routes = new RouteInfoManager();
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('T')]), 0);
    routes.registerBroker(broker('broker-a', 1, 10921), 0);
    routes.unregisterBroker({ clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerAddr: '127.0.0.1:10921', brokerId: 1 });
    expect(routes.getTopicRoute('T')!.brokerDatas[0]!.brokerAddrs).toEqual({ '0': '127.0.0.1:10911' });
    routes.unregisterBroker({ clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', brokerId: 0 });
    expect(routes.getTopicRoute('T')).toBeUndefined();
    expect(routes.getAllTopicList().topicList).toEqual([]);
    // Unknown brokers are fine.
    routes.unregisterBroker({ clusterName: 'X', brokerName: 'nope', brokerAddr: 'h:1', brokerId: 0 });
  });

  it('deletes a topic everywhere, or only on one cluster', () => {
    const routes = new RouteInfoManager();
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('T'), topic('U')]), 0);
    routes.registerBroker({ ...broker('broker-x', 0, 20911, [topic('T'), topic('U')]), clusterName: 'Other' }, 0);
    routes.deleteTopic('T', 'Other');
    expect(routes.getTopicRoute('T')!.queueDatas.map((q) => q.brokerName)).toEqual(['broker-a']);
    routes.deleteTopic('T', 'DefaultCluster');
    expect(routes.getTopicRoute('T')).toBeUndefined();
    routes.deleteTopic('U');
    expect(routes.getAllTopicList().topicList).toEqual([]);
    routes.deleteTopic('never-existed');
  });

  it('reports cluster info and the topics of a cluster', () => {
    const routes = new RouteInfoManager();
    routes.registerBroker(broker('broker-b', 0, 10931, [topic('T')]), 0);
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('T')]), 0);
    routes.registerBroker(broker('broker-a', 1, 10921), 0);
    routes.registerBroker({ ...broker('broker-x', 0, 20911, [topic('X')]), clusterName: 'Other' }, 0);
    expect(routes.getClusterInfo()).toEqual({
      brokerAddrTable: {
        'broker-a': { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { '0': '127.0.0.1:10911', '1': '127.0.0.1:10921' } },
        'broker-b': { cluster: 'DefaultCluster', brokerName: 'broker-b', brokerAddrs: { '0': '127.0.0.1:10931' } },
        'broker-x': { cluster: 'Other', brokerName: 'broker-x', brokerAddrs: { '0': '127.0.0.1:20911' } },
      },
      clusterAddrTable: { DefaultCluster: ['broker-a', 'broker-b'], Other: ['broker-x'] },
    });
    expect(routes.getTopicsByCluster('Other')).toEqual({ topicList: ['X'] });
    expect(routes.getTopicsByCluster('DefaultCluster')).toEqual({ topicList: ['T'] });
    expect(routes.getTopicsByCluster('unknown')).toEqual({ topicList: [] });
  });

  it('adds orderTopicConf from the lookup it was given', () => {
    const conf: Record<string, string> = { T: 'broker-a:4' };
    const routes = new RouteInfoManager({ orderTopicConf: (t) => conf[t] });
    routes.registerBroker(broker('broker-a', 0, 10911, [topic('T'), topic('U')]), 0);
    expect(routes.getTopicRoute('T')!.orderTopicConf).toBe('broker-a:4');
    expect('orderTopicConf' in routes.getTopicRoute('U')!).toBe(false);
  });

  it('keeps filter servers per broker address and lists them in the route', () => {
    const routes = new RouteInfoManager();
    routes.registerBroker({ ...broker('broker-a', 0, 10911, [topic('T')]), filterServerList: ['127.0.0.1:30000'] }, 0);
    expect(routes.getTopicRoute('T')!.filterServerTable).toEqual({ '127.0.0.1:10911': ['127.0.0.1:30000'] });
    routes.registerBroker({ ...broker('broker-a', 0, 10911, [topic('T')]), filterServerList: [] }, 1);
    expect(routes.getTopicRoute('T')!.filterServerTable).toEqual({});
  });
});
