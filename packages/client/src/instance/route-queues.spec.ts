import { PermName, type TopicRouteData } from '@pulsejet/protocol';
import { ClientErrorCode } from '../errors';
import { parseNamesrvAddr, resolveClientInstanceOptions } from './client-instance-options';
import { brokerAddrTableOf, publishQueuesOf, subscribeQueuesOf } from './route-queues';

const RW = PermName.READ | PermName.WRITE;

function route(overrides: Partial<TopicRouteData> = {}): TopicRouteData {
  return {
    queueDatas: [
      { brokerName: 'b', readQueueNums: 2, writeQueueNums: 2, perm: RW, topicSysFlag: 0 },
      { brokerName: 'a', readQueueNums: 1, writeQueueNums: 1, perm: RW, topicSysFlag: 0 },
      { brokerName: 'ro', readQueueNums: 1, writeQueueNums: 1, perm: PermName.READ, topicSysFlag: 0 },
      { brokerName: 'slaveonly', readQueueNums: 1, writeQueueNums: 1, perm: RW, topicSysFlag: 0 },
    ],
    brokerDatas: [
      { cluster: 'c', brokerName: 'a', brokerAddrs: { '0': 'h:1' } },
      { cluster: 'c', brokerName: 'b', brokerAddrs: { '0': 'h:2', '1': 'h:3' } },
      { cluster: 'c', brokerName: 'ro', brokerAddrs: { '0': 'h:4' } },
      { cluster: 'c', brokerName: 'slaveonly', brokerAddrs: { '1': 'h:5' } },
    ],
    filterServerTable: {},
    ...overrides,
  };
}

const ids = (queues: { brokerName: string; queueId: number }[]): string[] => queues.map((q) => `${q.brokerName}/${q.queueId}`);

describe('publishQueuesOf / subscribeQueuesOf', () => {
  it('publishes to writable queues of brokers with a master, sorted', () => {
    expect(ids(publishQueuesOf('T', route()))).toEqual(['a/0', 'b/0', 'b/1']);
  });

  it('subscribes to every readable queue, slave-only brokers included', () => {
    expect(ids(subscribeQueuesOf('T', route()))).toEqual(['a/0', 'b/0', 'b/1', 'ro/0', 'slaveonly/0']);
  });

  it('takes the publish queues from orderTopicConf when the topic has one', () => {
    expect(ids(publishQueuesOf('T', route({ orderTopicConf: 'b:1;a:2' })))).toEqual(['b/0', 'a/0', 'a/1']);
  });

  it('builds the broker address table from several routes', () => {
    const table = brokerAddrTableOf([route(), route({ brokerDatas: [{ cluster: 'c', brokerName: 'z', brokerAddrs: { '0': 'h:9' } }] })]);
    expect(table.get('b')).toEqual(new Map([[0, 'h:2'], [1, 'h:3']]));
    expect(table.get('z')?.get(0)).toBe('h:9');
  });
});

describe('ClientInstance options', () => {
  it('splits nameserver lists on ; and accepts arrays', () => {
    expect(parseNamesrvAddr('a:1; b:2')).toEqual(['a:1', 'b:2']);
    expect(parseNamesrvAddr(['a:1'])).toEqual(['a:1']);
  });

  it.each([[''], [' ; '], [[]], ['nohostport'], ['a:1;b']])('refuses namesrvAddr %p with INVALID_ARGUMENT', (value) => {
    expect(() => parseNamesrvAddr(value as string)).toThrow(expect.objectContaining({ code: ClientErrorCode.INVALID_ARGUMENT }));
  });

  it('defaults and validates the rest', () => {
    const resolved = resolveClientInstanceOptions({ namesrvAddr: 'a:1' });
    expect(resolved).toMatchObject({ clientIP: '127.0.0.1', heartbeatBrokerIntervalMs: 30_000, pollNameServerIntervalMs: 30_000, requestTimeoutMs: 3000, ownsRemoting: true, serializeType: 'ROCKETMQ' });
    expect(resolved.instanceName).toMatch(new RegExp(`^${process.pid}`));
    expect(() => resolveClientInstanceOptions({ namesrvAddr: 'a:1', instanceName: 'x@y' })).toThrow(expect.objectContaining({ code: ClientErrorCode.INVALID_ARGUMENT }));
    expect(() => resolveClientInstanceOptions({ namesrvAddr: 'a:1', requestTimeoutMs: 0 })).toThrow(expect.objectContaining({ code: ClientErrorCode.INVALID_ARGUMENT }));
    expect(resolveClientInstanceOptions({ namesrvAddr: 'a:1', serializeType: 'JSON' }).serializeType).toBe('JSON');
    expect(() => resolveClientInstanceOptions({ namesrvAddr: 'a:1', serializeType: 'XML' as 'JSON' })).toThrow(expect.objectContaining({ code: ClientErrorCode.INVALID_ARGUMENT }));
  });
});
