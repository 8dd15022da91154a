// The header encoding of a client's requests (ClientInstanceOptions.serializeType) over real TCP:
// binary ROCKETMQ by default, JSON when asked. The broker answers in the request's encoding, so the
// reply's serializeType (decoded from the frame's header word) shows what went over the wire.
import { ClientInstance, Producer } from '@pulsejet/client';
import { RequestCode, ResponseCode, createRequest, type SerializeType } from '@pulsejet/protocol';
import { startCluster, uniqueName, type TestCluster } from '../cluster';
import { storedMessage } from './stored';

jest.setTimeout(60_000);

const quiet = (): undefined => undefined;

describe('request header encoding over TCP', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster('tcp', { autoCreateTopicEnable: false });
  });

  afterAll(async () => {
    await cluster.close();
  });

  it.each([
    [undefined, 'ROCKETMQ'],
    ['JSON', 'JSON'],
    ['ROCKETMQ', 'ROCKETMQ'],
  ] as const)('serializeType %p goes over the wire as %s and the broker answers in it', async (option, wire) => {
    const topic = uniqueName('PEncoding');
    await cluster.createTopic(topic, 1);
    const instance = new ClientInstance({
      namesrvAddr: cluster.namesrvAddr,
      remoting: cluster.newRemotingClient(),
      ownsRemoting: true,
      log: quiet,
      ...(option !== undefined ? { serializeType: option as SerializeType } : {}),
    });
    const producer = new Producer({ groupName: uniqueName('PID_encoding'), clientInstance: instance });
    try {
      await producer.start();
      const result = await producer.send({ topic, body: 'héllo', tags: 'TagA', keys: ['k1'], properties: { color: 'rouge' } });
      expect(result.status).toBe('SEND_OK');
      const stored = storedMessage(cluster.broker, result.offsetMsgId);
      expect(stored.body.toString()).toBe('héllo');
      expect(stored.properties).toMatchObject({ TAGS: 'TagA', KEYS: 'k1', color: 'rouge' });

      const reply = await instance.invoke(cluster.broker.brokerAddr, createRequest(RequestCode.GET_MAX_OFFSET, { topic, queueId: '0' }));
      expect(reply.code).toBe(ResponseCode.SUCCESS);
      expect(reply.extFields.offset).toBe('1');
      expect(reply.serializeType).toBe(wire);
    } finally {
      await producer.close();
      await instance.close();
    }
  });

  it('sends a request with an empty value as JSON (Java reads an empty binary string as null)', async () => {
    const instance = new ClientInstance({ namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true, log: quiet });
    try {
      const reply = await instance.invoke(cluster.broker.brokerAddr, createRequest(RequestCode.GET_MAX_OFFSET, { topic: '', queueId: '0' }));
      expect(reply.serializeType).toBe('JSON');
    } finally {
      await instance.close();
    }
  });
});
