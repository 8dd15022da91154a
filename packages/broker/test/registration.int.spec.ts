// Registration with a NameServer over TCP: routes for topics created on the broker, unregister on close.
import { RequestCode, ResponseCode, createRequest, decodeTopicRouteData, type TopicRouteData } from '@pulsejet/protocol';
import { TcpRemotingServer } from '@pulsejet/remoting';
import { NameServer } from '@pulsejet/routing';
import { TIMEOUT_MS, sendV2, startTestBroker, uniqueTopic, type TestBroker } from './helpers';

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('broker registration with a NameServer', () => {
  let nsServer: TcpRemotingServer;
  let nameServer: NameServer;
  let b: TestBroker;

  beforeAll(async () => {
    nsServer = new TcpRemotingServer({ host: '127.0.0.1', port: 0 });
    nameServer = new NameServer();
    nameServer.attach(nsServer);
    await nameServer.start();
    await nsServer.start();
    b = await startTestBroker({ namesrvAddr: nsServer.address(), brokerName: 'broker-reg' });
  });
  afterAll(async () => {
    await b.close();
    await nsServer.close();
    await nameServer.close();
  });

  const route = async (topic: string): Promise<TopicRouteData | undefined> => {
    const reply = await b.client.request(nsServer.address(), createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), TIMEOUT_MS);
    return reply.code === ResponseCode.SUCCESS ? decodeTopicRouteData(reply.body) : undefined;
  };

  it('registers at start: TBW102 has a route to this broker', async () => {
    const data = await route('TBW102');
    expect(data?.brokerDatas[0]?.brokerAddrs['0']).toBe(b.broker.brokerAddr);
    expect(data?.brokerDatas[0]?.brokerName).toBe('broker-reg');
  });

  it('re-registers when a send auto-creates a topic', async () => {
    const topic = uniqueTopic();
    expect((await route(topic))).toBeUndefined();
    expect((await b.send(sendV2(topic, Buffer.from('x')))).code).toBe(0);
    const data = await waitFor(() => route(topic), `a route for ${topic}`);
    expect(data.queueDatas[0]).toMatchObject({ brokerName: 'broker-reg', writeQueueNums: 4, readQueueNums: 4 });
  });

  it('registers in the compressed form with compressedRegister', async () => {
    const other = await startTestBroker({ namesrvAddr: nsServer.address(), brokerName: 'broker-compressed', compressedRegister: true });
    try {
      const topic = uniqueTopic();
      await other.send(createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: '2', writeQueueNums: '2', perm: '6' }));
      const data = await waitFor(() => route(topic), `a route for ${topic}`);
      expect(data.queueDatas[0]).toMatchObject({ brokerName: 'broker-compressed', writeQueueNums: 2, readQueueNums: 2, perm: 6 });
    } finally {
      await other.close();
    }
  });

  it('unregisters on close', async () => {
    const other = await startTestBroker({ namesrvAddr: nsServer.address(), brokerName: 'broker-gone' });
    const topic = uniqueTopic();
    await other.send(createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: '1', writeQueueNums: '1', perm: '6' }));
    await waitFor(() => route(topic), `a route for ${topic}`);
    await other.close();
    expect(await route(topic)).toBeUndefined();
  });
});
