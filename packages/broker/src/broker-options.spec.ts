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

  it('resolves HA options: haListenPort follows listenPort, roles and ids must agree', () => {
    expect(resolveBrokerOptions()).toMatchObject({ haListenPort: 10912, haMasterAddress: undefined, haMaxGapNotInSync: 256 * 1024 * 1024, slaveSynchronizeInterval: 10_000 });
    expect(resolveBrokerOptions({ listenPort: 20911 }).haListenPort).toBe(20912);
    expect(resolveBrokerOptions({ listenPort: 0 }).haListenPort).toBe(0);
    expect(resolveBrokerOptions({ brokerRole: 'SLAVE', brokerId: 1, haMasterAddress: ' 10.0.0.1:10912 ' }).haMasterAddress).toBe('10.0.0.1:10912');
    expect(() => resolveBrokerOptions({ brokerRole: 'SLAVE', brokerId: 0 })).toThrow(/brokerRole SLAVE needs brokerId >= 1/);
    expect(() => resolveBrokerOptions({ brokerRole: 'SYNC_MASTER', brokerId: 2 })).toThrow(/set brokerRole=SLAVE or brokerId=0/);
    expect(() => resolveBrokerOptions({ listenPort: 10911, haListenPort: 10911 })).toThrow(/haListenPort/);
    expect(() => resolveBrokerOptions({ brokerRole: 'SLAVE', brokerId: 1, haMasterAddress: 'nope' })).toThrow(/haMasterAddress/);
    expect(() => resolveBrokerOptions({ haMasterAddress: '10.0.0.1:10912' })).toThrow(/only for a SLAVE/);
    expect(() => resolveBrokerOptions({ accessMessageInMemoryMaxRatio: 101 })).toThrow(/accessMessageInMemoryMaxRatio/);
  });

  it('has RocketMQ transaction defaults and validates them', () => {
    expect(resolveBrokerOptions()).toMatchObject({ transactionCheckInterval: 30_000, transactionTimeOut: 6_000, transactionCheckMax: 15, rejectTransactionMessage: false });
    expect(resolveBrokerOptions({ transactionCheckInterval: 300, transactionTimeOut: 0, transactionCheckMax: 1, rejectTransactionMessage: true })).toMatchObject({
      transactionCheckInterval: 300,
      transactionTimeOut: 0,
      transactionCheckMax: 1,
      rejectTransactionMessage: true,
    });
    expect(() => resolveBrokerOptions({ transactionCheckInterval: 0 })).toThrow(/transactionCheckInterval/);
    expect(() => resolveBrokerOptions({ transactionTimeOut: -1 })).toThrow(/transactionTimeOut/);
    expect(() => resolveBrokerOptions({ transactionCheckMax: 0 })).toThrow(/transactionCheckMax/);
    expect(() => resolveBrokerOptions({ transactionCheckMax: 1.5 })).toThrow(/transactionCheckMax/);
  });
});
