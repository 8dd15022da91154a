// The controller wires the pull and client processors: heartbeat → %RETRY% topic and consumer list;
// a sent message comes back from PULL_MESSAGE with its msgId.
import { RequestCode, ResponseCode, createRequest, decodeStoredRecords } from '@pulsejet/protocol';
import { sendV2, startTestBroker, uniqueTopic, type TestBroker } from './helpers';

describe('consume path through the BrokerController', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker();
  });
  afterAll(() => b.close());

  it('registers a consumer by heartbeat, creates its retry topic and lists it', async () => {
    const group = `GID_${Date.now()}`;
    const heartbeat = {
      clientID: '127.0.0.1@4242',
      consumerDataSet: [
        {
          groupName: group,
          consumeType: 'CONSUME_PASSIVELY',
          messageModel: 'CLUSTERING',
          consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
          subscriptionDataSet: [{ topic: 'TopicTest', subString: '*', classFilterMode: false, tagsSet: [], codeSet: [], subVersion: 1 }],
          unitMode: false,
        },
      ],
      producerDataSet: [{ groupName: 'PID_test' }],
    };
    const reply = await b.send(createRequest(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(heartbeat))));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(b.broker.topics.get(`%RETRY%${group}`)).toBeDefined();
    const list = await b.send(createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: group }));
    expect(list.code).toBe(ResponseCode.SUCCESS);
    expect((JSON.parse(list.body!.toString()) as { consumerIdList: string[] }).consumerIdList).toEqual(['127.0.0.1@4242']);
  });

  it('pulls what was sent', async () => {
    const topic = uniqueTopic();
    const sent = await b.send(sendV2(topic, Buffer.from('pull me'), { e: '0' }));
    expect(sent.code).toBe(0);
    const pull = await b.send(
      createRequest(RequestCode.PULL_MESSAGE, {
        consumerGroup: 'GID_pull',
        topic,
        queueId: '0',
        queueOffset: '0',
        maxMsgNums: '32',
        sysFlag: '4',
        commitOffset: '0',
        suspendTimeoutMillis: '1000',
        subscription: '*',
        subVersion: '1',
      }),
    );
    expect(pull.code).toBe(ResponseCode.SUCCESS);
    expect(pull.extFields).toMatchObject({ nextBeginOffset: '1', minOffset: '0', maxOffset: '1', suggestWhichBrokerId: '0' });
    const [message] = decodeStoredRecords(pull.body!);
    expect(message?.msgId).toBe(sent.extFields['msgId']);
    expect(message?.body.toString()).toBe('pull me');
  });
});
