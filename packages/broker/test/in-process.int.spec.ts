// The broker on an injected in-process server (the embedded mode's transport), registering with a
// NameServer on the same InProcessNetwork: no sockets at all.
import { RequestCode, ResponseCode, createRequest, decodeOffsetMessageId, decodeTopicRouteData } from '@pulsejet/protocol';
import { InProcessNetwork, InProcessRemotingClient, InProcessRemotingServer } from '@pulsejet/remoting';
import { NameServer } from '@pulsejet/routing';
import { BrokerController } from '../src/index';
import { sendV2, uniqueTopic } from './helpers';

describe('BrokerController on an in-process server', () => {
  it('serves sends with msgIds naming the injected address and registers routes', async () => {
    const network = new InProcessNetwork();
    const nsServer = new InProcessRemotingServer(network, { address: '127.0.0.1:9876' });
    const nameServer = new NameServer();
    nameServer.attach(nsServer);
    await nameServer.start();
    await nsServer.start();
    const brokerServer = new InProcessRemotingServer(network, { address: '127.0.0.1:10911' });
    const brokerClient = new InProcessRemotingClient(network);
    const broker = new BrokerController({ namesrvAddr: '127.0.0.1:9876' }, { server: brokerServer, client: brokerClient });
    const client = new InProcessRemotingClient(network);
    try {
      await broker.start();
      expect(broker.brokerAddr).toBe('127.0.0.1:10911');
      // No fixed TCP port (listenPort + 1) for HA behind an in-process server: a free loopback one.
      expect(broker.haMaster?.address()).toMatchObject({ host: '127.0.0.1' });
      expect(broker.haMaster?.address()?.port).not.toBe(10912);
      const topic = uniqueTopic();
      const reply = await client.request(broker.brokerAddr, sendV2(topic, Buffer.from('x')), 5000);
      expect(reply.code).toBe(ResponseCode.SUCCESS);
      expect(decodeOffsetMessageId(reply.extFields['msgId']!).storeHost).toEqual({ address: '127.0.0.1', port: 10911 });
      await broker.registerBrokerAll();
      const route = await client.request('127.0.0.1:9876', createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 5000);
      expect(decodeTopicRouteData(route.body).brokerDatas[0]?.brokerAddrs['0']).toBe('127.0.0.1:10911');
    } finally {
      await broker.close();
      await client.close();
      await brokerClient.close();
      await brokerServer.close();
      await nsServer.close();
      await nameServer.close();
    }
  });
});
