import { ConfigError, USAGE, defaultNamesrvConfig, parseArgs, parseConfigFile, resolveConfig } from './config';

const noFile = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};

describe('namesrv config', () => {
  it('defaults like mqnamesrv', () => {
    expect(resolveConfig([], {}, noFile).config).toEqual({
      listenPort: 9876,
      bindAddress: '0.0.0.0',
      kvConfigPath: undefined,
      scanNotActiveBrokerInterval: 5000,
      brokerChannelExpiredTime: 120000,
      orderMessageEnable: true,
      serverChannelMaxIdleTimeSeconds: 120,
      logLevel: 'info',
    });
  });

  it('reads flags in both forms', () => {
    const { config } = resolveConfig(['--port', '10000', '--host=127.0.0.1', '--kv-config-path', '/tmp/kv.json', '--log-level', 'warn', '--brokerChannelExpiredTime=500'], {}, noFile);
    expect(config).toMatchObject({ listenPort: 10000, bindAddress: '127.0.0.1', kvConfigPath: '/tmp/kv.json', logLevel: 'warn', brokerChannelExpiredTime: 500 });
  });

  it('layers defaults < file < env < flags', () => {
    const files: Record<string, string> = { 'ns.properties': 'listenPort=1111\nbindAddress = 10.0.0.1\nkvConfigPath: /data/kv.json\nrocketmqHome=/opt/rmq\n' };
    const read = (path: string): string => files[path] ?? noFile(path);
    expect(resolveConfig(['-c', 'ns.properties'], {}, read).config).toMatchObject({ listenPort: 1111, bindAddress: '10.0.0.1', kvConfigPath: '/data/kv.json' });
    expect(resolveConfig(['-c', 'ns.properties'], { PULSEJET_NAMESRV_PORT: '2222' }, read).config.listenPort).toBe(2222);
    expect(resolveConfig(['-c', 'ns.properties', '--port', '3333'], { PULSEJET_NAMESRV_PORT: '2222' }, read).config.listenPort).toBe(3333);
    expect(resolveConfig([], { PULSEJET_NAMESRV_CONFIG: 'ns.properties' }, read).config.listenPort).toBe(1111);
    // The file UPDATE_NAMESRV_CONFIG saves to, and the keys a flag or env var would override there.
    expect(resolveConfig(['-c', 'ns.properties', '--port', '3333'], { PULSEJET_NAMESRV_LOG_LEVEL: 'warn' }, read)).toMatchObject({
      configFile: 'ns.properties',
      overriddenKeys: ['logLevel', 'listenPort'],
    });
    expect(resolveConfig([], {}, read).configFile).toBeUndefined();
  });

  it('reads JSON config files, ignoring unknown keys', () => {
    expect(parseConfigFile('{"listenPort": 9000, "orderMessageEnable": false, "productEnvName": "x"}', 'ns.json')).toEqual({ listenPort: '9000', orderMessageEnable: 'false' });
    expect(() => parseConfigFile('{"listenPort":', 'ns.json')).toThrow(ConfigError);
    expect(() => parseConfigFile('[1]', 'ns.json')).toThrow(/JSON object/);
    expect(() => parseConfigFile('{"listenPort":{}}', 'ns.json')).toThrow(/listenPort/);
  });

  it.each([
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--port']],
    [['--log-level', 'loud']],
    [['--orderMessageEnable=yes']],
    [['--scanNotActiveBrokerInterval=0']],
    [['--brokerChannelExpiredTime=2147483648']],
    [['--host=']],
    [['--unknown', '1']],
    [['-c', 'missing.properties']],
  ])('rejects %j with a ConfigError', (argv) => {
    expect(() => resolveConfig(argv, {}, noFile)).toThrow(ConfigError);
  });

  it('recognises help and print-config', () => {
    expect(parseArgs(['-h'])).toMatchObject({ help: true });
    expect(parseArgs(['--print-config'])).toMatchObject({ printConfig: true });
    expect(USAGE).toContain('--port');
    expect(defaultNamesrvConfig().listenPort).toBe(9876);
  });
});
