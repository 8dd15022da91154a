import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveBrokerOptions } from '@pulsejet/broker';
import { ConfigError, resolveConfig } from './config';

const files: Record<string, string> = {
  'broker.conf': [
    '# RocketMQ-style broker.conf',
    'brokerClusterName = DefaultCluster',
    'brokerName=broker-b',
    'brokerId=0',
    'brokerRole=SYNC_MASTER',
    'flushDiskType=SYNC_FLUSH',
    'namesrvAddr=127.0.0.1:9876;127.0.0.1:9877',
    'listenPort=10921',
    'storePathRootDir=/tmp/x',
    'autoCreateTopicEnable=false',
    'fileReservedTime=48',
    'deleteWhen=04',
  ].join('\n'),
  'bad-key.conf': 'brokerName=a\nnoSuchKey=1\n',
  'bad-value.conf': 'listenPort=abc\n',
};
const read = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw new Error('ENOENT');
  return text;
};

describe('broker app config', () => {
  it('reads a broker.conf into BrokerOptions and store options', () => {
    const { config } = resolveConfig(['-c', 'broker.conf'], read);
    expect(config.broker).toEqual({
      brokerClusterName: 'DefaultCluster',
      brokerName: 'broker-b',
      brokerId: 0,
      brokerRole: 'SYNC_MASTER',
      flushDiskType: 'SYNC_FLUSH',
      namesrvAddr: '127.0.0.1:9876;127.0.0.1:9877',
      listenPort: 10921,
      storePathRootDir: '/tmp/x',
      autoCreateTopicEnable: false,
      store: { fileReservedTime: 48, deleteWhen: '04' },
    });
    expect(config.logLevel).toBe('info');
  });

  it('passes the key index sizes to the store under their RocketMQ names', () => {
    const { config } = resolveConfig(['-c', 'broker.conf', '--maxIndexNum', '4096', '--maxHashSlotNum=1024'], read);
    expect(config.broker.store).toMatchObject({ maxIndexNum: 4096, maxHashSlotNum: 1024 });
  });

  it('lets flags win over the file, in both flag forms', () => {
    const { config } = resolveConfig(['-c', 'broker.conf', '--listenPort', '0', '--brokerName=broker-z', '--logLevel', 'warn'], read);
    expect(config.broker).toMatchObject({ listenPort: 0, brokerName: 'broker-z' });
    expect(config.logLevel).toBe('warn');
  });

  it('rejects unknown keys, bad values, unknown flags and unreadable files', () => {
    expect(() => resolveConfig(['-c', 'bad-key.conf'], read)).toThrow(/unknown key noSuchKey/);
    expect(() => resolveConfig(['-c', 'bad-value.conf'], read)).toThrow(/listenPort must be an integer/);
    expect(() => resolveConfig(['--brokerRole', 'MASTER'], read)).toThrow(/brokerRole must be one of/);
    expect(() => resolveConfig(['--nope', '1'], read)).toThrow(ConfigError);
    expect(() => resolveConfig(['-c', 'missing.conf'], read)).toThrow(/cannot read config file/);
    expect(() => resolveConfig(['--listenPort'], read)).toThrow(/needs a value/);
    expect(() => resolveConfig(['--messageDelayLevel', '1s 5x'], read)).toThrow(/messageDelayLevel/);
  });

  it('passes messageDelayLevel through to the broker', () => {
    const { config } = resolveConfig(['--messageDelayLevel', '100ms 1s 1m'], read);
    expect(config.broker).toMatchObject({ messageDelayLevel: '100ms 1s 1m' });
  });

  it('passes the transaction keys through to the broker', () => {
    const { config } = resolveConfig(['--transactionCheckInterval', '300', '--transactionTimeOut=200', '--transactionCheckMax', '5', '--rejectTransactionMessage', 'true'], read);
    expect(config.broker).toMatchObject({ transactionCheckInterval: 300, transactionTimeOut: 200, transactionCheckMax: 5, rejectTransactionMessage: true });
    expect(() => resolveConfig(['--transactionCheckMax', 'many'], read)).toThrow(/transactionCheckMax must be an integer/);
  });

  it('flags help and print-config', () => {
    expect(resolveConfig(['-h', '-p'], read)).toMatchObject({ help: true, printConfig: true });
  });
});

describe('shipped conf/broker.conf', () => {
  it('is valid', () => {
    const { config } = resolveConfig(['-c', `${__dirname}/../conf/broker.conf`], (path) => readFileSync(path, 'utf8'));
    expect(config.broker).toMatchObject({ brokerName: 'broker-a', brokerRole: 'ASYNC_MASTER', listenPort: 10911, store: { deleteWhen: '04', fileReservedTime: 72 } });
  });
});

describe('shipped cluster-mode configs (apps/broker/conf/<mode>/)', () => {
  const confDir = join(__dirname, '..', 'conf');
  const modes = { '1m': 1, '2m': 2, '2m-2s-async': 4, '2m-2s-sync': 4 } as const;

  it.each(Object.entries(modes))('mode %s: %i valid broker.conf files with distinct ports, one master per group', (mode, count) => {
    const files = readdirSync(join(confDir, mode)).filter((file) => file.endsWith('.conf'));
    expect(files).toHaveLength(count);
    const ports: number[] = [];
    const masters = new Set<string>();
    for (const file of files) {
      const { config } = resolveConfig(['-c', join(confDir, mode, file)], (path) => readFileSync(path, 'utf8'));
      const options = resolveBrokerOptions(config.broker);
      ports.push(options.listenPort);
      if (options.brokerRole !== 'SLAVE') {
        ports.push(options.haListenPort);
        masters.add(options.brokerName);
      }
      if (mode === '2m-2s-sync' && options.brokerRole !== 'SLAVE') expect(options).toMatchObject({ brokerRole: 'SYNC_MASTER', flushDiskType: 'SYNC_FLUSH' });
      if (mode === '2m-2s-async' && options.brokerRole !== 'SLAVE') expect(options.brokerRole).toBe('ASYNC_MASTER');
      if (options.brokerRole === 'SLAVE') expect(files).toContain(`${options.brokerName}.conf`);
    }
    expect(new Set(ports).size).toBe(ports.length);
    expect(masters.size).toBe(mode === '1m' ? 1 : 2);
  });
});
