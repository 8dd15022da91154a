// GET_NAMESRV_CONFIG (319) and UPDATE_NAMESRV_CONFIG (318) over real TCP: the config as properties
// text, runtime updates that change behaviour, and the refusals (black-listed and restart-only keys,
// malformed bodies, wrong types, huge values), each with the code and a remark naming the key.
import { NAMESPACE_ORDER_TOPIC_CONFIG, RequestCode, ResponseCode, createRequest, decodeTopicRouteData, type RemotingCommand } from '@pulsejet/protocol';
import { TcpRemotingClient, TcpRemotingServer } from '@pulsejet/remoting';
import { BrokerRegistration, NameServer, type BrokerIdentity, type NameServerOptions } from '../src/index';
import { parsePropertiesText } from '../src/properties-text';
import { topicConfig, topicTable, uniqueTopic, waitFor } from './helpers';

const quiet = { log: () => undefined };

describe('nameserver config over TCP (GET/UPDATE_NAMESRV_CONFIG)', () => {
  let nameServer: NameServer;
  let server: TcpRemotingServer;
  let address: string;
  let client: TcpRemotingClient;
  const closers: (() => Promise<void>)[] = [];

  async function start(options: NameServerOptions = {}): Promise<void> {
    server = new TcpRemotingServer({ host: '127.0.0.1', port: 0, ...quiet });
    nameServer = new NameServer(options);
    nameServer.attach(server);
    await nameServer.start();
    await server.start();
    address = server.address();
    client = new TcpRemotingClient({ connectTimeoutMs: 2000, ...quiet });
  }

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await client.close();
    await server.close();
    await nameServer.close();
  });

  const request = (command: RemotingCommand): Promise<RemotingCommand> => client.request(address, command, 5000);
  const update = (body: string | Buffer | undefined): Promise<RemotingCommand> =>
    request(createRequest(RequestCode.UPDATE_NAMESRV_CONFIG, {}, typeof body === 'string' ? Buffer.from(body, 'utf8') : body));

  async function getConfig(): Promise<Record<string, string>> {
    const response = await request(createRequest(RequestCode.GET_NAMESRV_CONFIG));
    expect(response.code).toBe(ResponseCode.SUCCESS);
    return Object.fromEntries(parsePropertiesText(response.body!.toString('utf8')).map((p) => [p.key, p.value]));
  }

  it('GET answers the configuration as key=value lines, one per key', async () => {
    await start({ scanNotActiveBrokerIntervalMs: 1234 });
    const response = await request(createRequest(RequestCode.GET_NAMESRV_CONFIG));
    expect(response.code).toBe(ResponseCode.SUCCESS);
    const text = response.body!.toString('utf8');
    // Java's MixAll.properties2String shape: "key=value\n" per key, nothing else.
    expect(text).toMatch(/^([A-Za-z][A-Za-z0-9]*=[^\n]*\n)+$/);
    expect(text).toContain('scanNotActiveBrokerInterval=1234\n');
    expect(await getConfig()).toEqual({
      scanNotActiveBrokerInterval: '1234',
      brokerChannelExpiredTime: '120000',
      orderMessageEnable: 'true',
      configBlackList: 'configBlackList;configStorePath;kvConfigPath;rocketmqHome',
    });
  });

  it('UPDATE of orderMessageEnable changes the routes served at once', async () => {
    await start();
    const topic = uniqueTopic('Order');
    await registerBroker(topic);
    const put = await request(createRequest(RequestCode.PUT_KV_CONFIG, { namespace: NAMESPACE_ORDER_TOPIC_CONFIG, key: topic, value: 'broker-a:4' }));
    expect(put.code).toBe(ResponseCode.SUCCESS);
    expect((await route(topic)).orderTopicConf).toBe('broker-a:4');

    const response = await update('orderMessageEnable=false\n');
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect((await route(topic)).orderTopicConf).toBeUndefined();
    expect((await getConfig())['orderMessageEnable']).toBe('false');

    // Properties text as Java writes it: spaces around the separator, ':' too, comments, CRLF.
    expect((await update('# from mqadmin\r\norderMessageEnable : true\r\n')).code).toBe(ResponseCode.SUCCESS);
    expect((await route(topic)).orderTopicConf).toBe('broker-a:4');
  });

  it('UPDATE of the expiry settings makes a silent broker expire, which the defaults would keep for minutes', async () => {
    await start();
    const topic = uniqueTopic('Expire');
    await registerBroker(topic);
    expect((await routeResponse(topic)).code).toBe(ResponseCode.SUCCESS);

    const response = await update('scanNotActiveBrokerInterval=50\nbrokerChannelExpiredTime=300\n');
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(await getConfig()).toMatchObject({ scanNotActiveBrokerInterval: '50', brokerChannelExpiredTime: '300' });
    await waitFor(async () => (await routeResponse(topic)).code === ResponseCode.TOPIC_NOT_EXIST, 'the silent broker to expire', 15_000);
  });

  it('ignores unknown keys (as Java does) but names them in the remark, and applies the known ones', async () => {
    await start();
    const response = await update('listenPortt=1\nscanNotActiveBrokerInterval=3000\nproductEnvName=center\n');
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(response.remark).toContain('listenPortt');
    expect(response.remark).toContain('productEnvName');
    expect((await getConfig())['scanNotActiveBrokerInterval']).toBe('3000');
    expect(await getConfig()).not.toHaveProperty('listenPortt');
  });

  it('an empty body changes nothing and succeeds, as in Java', async () => {
    await start();
    const before = await getConfig();
    expect((await update(undefined)).code).toBe(ResponseCode.SUCCESS);
    expect((await update('')).code).toBe(ResponseCode.SUCCESS);
    expect((await update('# only a comment\n\n')).code).toBe(ResponseCode.SUCCESS);
    expect(await getConfig()).toEqual(before);
  });

  it.each([
    ['a word for a number', 'scanNotActiveBrokerInterval=abc', 'scanNotActiveBrokerInterval', /integer/],
    ['a fraction', 'brokerChannelExpiredTime=1.5', 'brokerChannelExpiredTime', /integer/],
    ['zero', 'scanNotActiveBrokerInterval=0', 'scanNotActiveBrokerInterval', /1\.\.2147483647/],
    ['a negative number', 'brokerChannelExpiredTime=-5', 'brokerChannelExpiredTime', /integer/],
    ['more than a timer can wait', 'scanNotActiveBrokerInterval=2147483648', 'scanNotActiveBrokerInterval', /1\.\.2147483647/],
    ['a huge number', `brokerChannelExpiredTime=${'9'.repeat(5000)}`, 'brokerChannelExpiredTime', /integer/],
    ['yes for a boolean', 'orderMessageEnable=yes', 'orderMessageEnable', /true or false/],
    ['an empty value', 'orderMessageEnable=', 'orderMessageEnable', /true or false/],
  ])('refuses %s with INVALID_PARAMETER naming the key, and applies nothing of that update', async (_what, line, key, expected) => {
    await start();
    const before = await getConfig();
    // A valid change in the same body must not be applied either: an update is all or nothing.
    const response = await update(`orderMessageEnable=false\n${line}\n`);
    expect(response.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(response.remark).toContain(key);
    expect(response.remark).toMatch(expected);
    // The remark quotes a bad value, shortened: a 5000-digit value does not come back whole.
    expect(response.remark!.length).toBeLessThan(300);
    expect(await getConfig()).toEqual(before);
  });

  it.each([
    ['JSON', '{"scanNotActiveBrokerInterval": 1000}'],
    ['binary bytes', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe])],
    ['invalid UTF-8', Buffer.concat([Buffer.from('orderMessageEnable=false\n'), Buffer.from([0xc3, 0x28])])],
    ['a control character', 'orderMessageEnable=false\u0007\n'],
    ['a body over 64 KiB', `# ${'x'.repeat(70_000)}\norderMessageEnable=false\n`],
  ])('refuses a body that is not properties text (%s) with INVALID_PARAMETER', async (_what, body) => {
    await start();
    const before = await getConfig();
    const response = await update(body);
    expect(response.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(response.remark).toMatch(/properties|UTF-8|bytes/);
    expect(response.remark!.length).toBeLessThan(300);
    expect(await getConfig()).toEqual(before);
  });

  it.each(['kvConfigPath=/tmp/elsewhere.json', 'configStorePath=/tmp/x.properties', 'configBlackList=', 'rocketmqHome=/opt'])(
    'refuses the black-listed key in %s with NO_PERMISSION, as Java 4.9.8 does',
    async (line) => {
      await start();
      const before = await getConfig();
      const response = await update(`orderMessageEnable=false\n${line}\n`);
      expect(response.code).toBe(ResponseCode.NO_PERMISSION);
      expect(response.remark).toContain(line.slice(0, line.indexOf('=')));
      expect(await getConfig()).toEqual(before);
    },
  );

  it('refuses keys added to the black list by configBlackList', async () => {
    await start({ configBlackList: ['orderMessageEnable'] });
    expect((await getConfig())['configBlackList']).toBe('configBlackList;configStorePath;kvConfigPath;rocketmqHome;orderMessageEnable');
    const response = await update('orderMessageEnable=false\n');
    expect(response.code).toBe(ResponseCode.NO_PERMISSION);
    expect(response.remark).toContain('orderMessageEnable');
    expect((await getConfig())['orderMessageEnable']).toBe('true');
  });

  it('serves and updates keys the embedding app adds, refusing the restart-only ones', async () => {
    let level = 'info';
    await start({
      configItems: [
        { key: 'listenPort', type: { kind: 'integer', min: 0, max: 65535 }, get: () => 9876 },
        { key: 'logLevel', type: { kind: 'enum', values: ['info', 'debug'] }, get: () => level, set: (value) => (level = String(value)) },
      ],
    });
    expect(await getConfig()).toMatchObject({ listenPort: '9876', logLevel: 'info' });
    expect((await update('logLevel=debug')).code).toBe(ResponseCode.SUCCESS);
    expect(level).toBe('debug');
    const bad = await update('logLevel=loud');
    expect(bad.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(bad.remark).toMatch(/logLevel.*info, debug/);
    const port = await update('listenPort=9877');
    expect(port.code).toBe(ResponseCode.NO_PERMISSION);
    expect(port.remark).toMatch(/listenPort.*restart/);
  });

  it('hands the applied changes to persistConfig, and answers SYSTEM_ERROR when saving fails', async () => {
    const saved: Record<string, string>[] = [];
    let fail = false;
    await start({
      persistConfig: async (changes) => {
        if (fail) throw new Error('disk full');
        saved.push(changes);
      },
    });
    expect((await update('scanNotActiveBrokerInterval=4000\nunknownKey=1\n')).code).toBe(ResponseCode.SUCCESS);
    expect(saved).toEqual([{ scanNotActiveBrokerInterval: '4000' }]);
    fail = true;
    const response = await update('scanNotActiveBrokerInterval=4500\n');
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toMatch(/disk full/);
    // Applied in memory, like PUT_KV_CONFIG when its save fails: the remark says it was not saved.
    expect((await getConfig())['scanNotActiveBrokerInterval']).toBe('4500');
  });

  async function registerBroker(topic: string): Promise<void> {
    const brokerClient = new TcpRemotingClient(quiet);
    const broker: BrokerIdentity = { clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerId: 0, brokerAddr: '127.0.0.1:10911', haServerAddr: '127.0.0.1:10912' };
    // One registration, then silence on an open connection (no periodic re-registration).
    const registration = new BrokerRegistration({ client: brokerClient, namesrvAddrs: [address], broker, topicConfigs: () => topicTable([topicConfig(topic)]), registerNameServerPeriodMs: 600_000 });
    closers.push(async () => {
      await registration.close();
      await brokerClient.close();
    });
    const outcomes = await registration.start();
    expect(outcomes.every((o) => o.ok)).toBe(true);
  }

  const routeResponse = (topic: string): Promise<RemotingCommand> => request(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }));
  async function route(topic: string): Promise<ReturnType<typeof decodeTopicRouteData>> {
    const response = await routeResponse(topic);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    return decodeTopicRouteData(response.body!);
  }
});
