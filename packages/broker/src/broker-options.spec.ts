import { parseNamesrvAddr, resolveBrokerOptions } from './broker-options';

describe('resolveBrokerOptions', () => {
  it('uses RocketMQ defaults', () => {
    const o = resolveBrokerOptions();
    expect(o).toMatchObject({
      brokerClusterName: 'DefaultCluster',
      brokerName: 'broker-a',
      brokerId: 0,
      brokerRole: 'ASYNC_MASTER',
      namesrvAddr: [],
      listenPort: 10911,
      brokerIP1: '127.0.0.1',
      flushDiskType: 'ASYNC_FLUSH',
      maxMessageSize: 4 * 1024 * 1024,
      autoCreateTopicEnable: true,
      defaultTopicQueueNums: 4,
      registerNameServerPeriod: 30000,
    });
    expect(o.storePathRootDir).toBeUndefined();
  });

  it('splits namesrvAddr like RocketMQ', () => {
    expect(parseNamesrvAddr('a:9876; b:9876;')).toEqual(['a:9876', 'b:9876']);
    expect(resolveBrokerOptions({ namesrvAddr: ['x:1'] }).namesrvAddr).toEqual(['x:1']);
  });

  it('rejects inconsistent or invalid values', () => {
    expect(() => resolveBrokerOptions({ brokerRole: 'SLAVE' })).toThrow(/brokerId/);
    expect(() => resolveBrokerOptions({ listenPort: 70000 })).toThrow(/listenPort/);
    expect(() => resolveBrokerOptions({ brokerIP1: 'localhost' })).toThrow(/IPv4/);
    expect(() => resolveBrokerOptions({ defaultTopicQueueNums: 0 })).toThrow(/defaultTopicQueueNums/);
  });
});
