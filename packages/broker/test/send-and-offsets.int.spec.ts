// The broker over real TCP: sends (V1, V2), refusals, offsets.
import { RequestCode, ResponseCode, createRequest, decodeOffsetMessageId, decodeStoredRecord } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { sendV1, sendV2, startTestBroker, uniqueTopic, type TestBroker } from './helpers';

describe('broker send and offset processors over TCP', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ maxMessageSize: 1024 });
  });
  afterAll(() => b.close());

  /** After each refusal the broker must still serve. */
  async function stillServes(): Promise<void> {
    const reply = await b.send(sendV1(uniqueTopic('Alive'), Buffer.from('ok')));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
  }

  it('stores a SEND_MESSAGE (v1) and answers msgId, queueId, queueOffset', async () => {
    const topic = uniqueTopic();
    const reply = await b.send(sendV1(topic, Buffer.from('hello'), { queueId: '2' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(reply.extFields).toMatchObject({ queueId: '2', queueOffset: '0', MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' });
    const msgId = reply.extFields['msgId']!;
    expect(msgId).toMatch(/^[0-9A-F]{32}$/);
    // The msgId names the address clients dial.
    const [host, port] = b.broker.brokerAddr.split(':');
    const decoded = decodeOffsetMessageId(msgId);
    expect(decoded.storeHost).toEqual({ address: host, port: Number(port) });

    const got = b.broker.store.getMessage(topic, 2, 0);
    expect(got.status).toBe('FOUND');
    const stored = decodeStoredRecord(got.messages[0]!);
    expect(stored.msgId).toBe(msgId);
    expect(stored.body.toString()).toBe('hello');
    expect(stored.properties).toMatchObject({ TAGS: 'TagA', CLUSTER: 'DefaultCluster' });
    expect(stored.bornHost.address).toBe('127.0.0.1');
    expect(b.broker.topics.get(topic)?.writeQueueNums).toBe(4);
  });

  it('stores a SEND_MESSAGE_V2 with ali-ons-style fields', async () => {
    const topic = uniqueTopic();
    const first = await b.send(sendV2(topic, Buffer.from('one')));
    const second = await b.send(sendV2(topic, Buffer.from('two'), { f: '0', h: '7' }));
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.extFields).toMatchObject({ queueId: '1', queueOffset: '1' });
    const got = b.broker.store.getMessage(topic, 1, 0);
    expect(got.messages).toHaveLength(2);
    const stored = decodeStoredRecord(got.messages[1]!);
    expect(stored).toMatchObject({ flag: 7, queueOffset: 1, msgId: second.extFields['msgId'] });
    expect(stored.properties).toMatchObject({ TAGS: 'TagB', KEYS: 'k0 kk0' });
  });

  it('drops WAIT from the stored properties and picks a queue for a negative queueId', async () => {
    const topic = uniqueTopic();
    const reply = await b.send(sendV1(topic, Buffer.from('x'), { queueId: '-1' }, { TAGS: 'a', WAIT: 'true', UNIQ_KEY: 'U1' }));
    expect(reply.code).toBe(0);
    const queueId = Number(reply.extFields['queueId']);
    expect(queueId).toBeGreaterThanOrEqual(0);
    expect(queueId).toBeLessThan(4);
    const stored = decodeStoredRecord(b.broker.store.getMessage(topic, queueId, 0).messages[0]!);
    expect(stored.properties['WAIT']).toBeUndefined();
    expect(stored.properties['UNIQ_KEY']).toBe('U1');
  });

  it('refuses an invalid topic name with a remark', async () => {
    const reply = await b.send(sendV1('bad topic!', Buffer.from('x')));
    expect(reply.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(reply.remark).toMatch(/illegal topic/);
    await stillServes();
  });

  it('refuses a body over maxMessageSize with MESSAGE_ILLEGAL', async () => {
    const reply = await b.send(sendV1(uniqueTopic(), Buffer.alloc(2048)));
    expect(reply.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(reply.remark).toMatch(/maxMessageSize/);
    await stillServes();
  });

  it('refuses a header missing required fields, naming the field', async () => {
    const reply = await b.send(createRequest(RequestCode.SEND_MESSAGE_V2, { a: 'PID', c: 'TBW102' }, Buffer.from('x')));
    expect(reply.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(reply.remark).toMatch(/<topic>/);
    await stillServes();
  });

  it('refuses an out-of-range queue id and a forbidden system topic', async () => {
    const big = await b.send(sendV1(uniqueTopic(), Buffer.from('x'), { queueId: '99' }));
    expect(big.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(big.remark).toMatch(/queueId\[99\]/);
    const schedule = await b.send(sendV1('SCHEDULE_TOPIC_XXXX', Buffer.from('x')));
    expect(schedule.code).toBe(ResponseCode.NO_PERMISSION);
    await stillServes();
  });

  it('round-trips consumer offsets (rule of reference §3.5)', async () => {
    const topic = uniqueTopic();
    await b.send(sendV1(topic, Buffer.from('m')));
    const query = (queueId: number) => b.send(createRequest(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'G', topic, queueId: String(queueId) }));
    // No stored offset, queue starts at 0: offset 0.
    expect((await query(0)).extFields['offset']).toBe('0');
    const update = (commitOffset: number) =>
      b.send(createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'G', topic, queueId: '0', commitOffset: String(commitOffset) }));
    expect((await update(1)).code).toBe(0);
    expect((await query(0)).extFields['offset']).toBe('1');
    // ali-ons sends -1 for 0: accepted and ignored.
    expect((await update(-1)).code).toBe(0);
    expect((await query(0)).extFields['offset']).toBe('1');
    const missing = await b.send(createRequest(RequestCode.QUERY_CONSUMER_OFFSET, { topic, queueId: '0' }));
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toMatch(/<consumerGroup>/);
  });

  it('answers GET_MAX/MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP and GET_EARLIEST_MSG_STORETIME', async () => {
    const topic = uniqueTopic();
    const before = Date.now();
    for (let i = 0; i < 3; i++) expect((await b.send(sendV1(topic, Buffer.from(`m${i}`), { queueId: '3' }))).code).toBe(0);
    const ask = async (code: number, ext: Record<string, string>) => {
      const reply = await b.send(createRequest(code, { topic, queueId: '3', ...ext }));
      expect(reply.code).toBe(0);
      return reply.extFields;
    };
    expect((await ask(RequestCode.GET_MAX_OFFSET, {}))['offset']).toBe('3');
    expect((await ask(RequestCode.GET_MIN_OFFSET, {}))['offset']).toBe('0');
    expect((await ask(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { timestamp: String(before - 1000) }))['offset']).toBe('0');
    expect((await ask(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { timestamp: String(Date.now() + 60_000) }))['offset']).toBe('3');
    const earliest = Number((await ask(RequestCode.GET_EARLIEST_MSG_STORETIME, {}))['timestamp']);
    expect(earliest).toBeGreaterThanOrEqual(before - 5);
    // An unknown queue still answers every field.
    const empty = await b.send(createRequest(RequestCode.GET_EARLIEST_MSG_STORETIME, { topic: uniqueTopic(), queueId: '0' }));
    expect(empty.extFields['timestamp']).toBe('-1');
  });
});

describe('broker with autoCreateTopicEnable=false', () => {
  it('answers TOPIC_NOT_EXIST for an unknown topic and keeps serving; admin-created topics work', async () => {
    const b = await startTestBroker({ autoCreateTopicEnable: false });
    try {
      const topic = uniqueTopic();
      const reply = await b.send(sendV2(topic, Buffer.from('x')));
      expect(reply.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
      expect(reply.remark).toMatch(/not exist/);
      const created = await b.send(
        createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: '2', writeQueueNums: '2', perm: '6', topicFilterType: 'SINGLE_TAG' }),
      );
      expect(created.code).toBe(0);
      expect((await b.send(sendV2(topic, Buffer.from('x')))).code).toBe(0);

      const all = await b.send(createRequest(RequestCode.GET_ALL_TOPIC_CONFIG));
      const wrapper = JSON.parse(all.body!.toString()) as { topicConfigTable: Record<string, { writeQueueNums: number }>; dataVersion: { counter: number } };
      expect(wrapper.topicConfigTable[topic]?.writeQueueNums).toBe(2);
      expect(wrapper.dataVersion.counter).toBeGreaterThan(0);

      const readOnly = uniqueTopic();
      await b.send(createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: readOnly, readQueueNums: '1', writeQueueNums: '1', perm: '4' }));
      expect((await b.send(sendV2(readOnly, Buffer.from('x'), { e: '0' }))).code).toBe(ResponseCode.NO_PERMISSION);

      expect((await b.send(createRequest(RequestCode.DELETE_TOPIC_IN_BROKER, { topic }))).code).toBe(0);
      expect(b.broker.topics.get(topic)).toBeUndefined();
      expect((await b.send(sendV2(topic, Buffer.from('x')))).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    } finally {
      await b.close();
    }
  });

  it('start and close are idempotent', async () => {
    const b = await startTestBroker();
    await Promise.all([b.broker.start(), b.broker.start()]);
    await b.close();
    await b.broker.close();
    await expect(b.broker.start()).rejects.toThrow(/closed/);
    void TcpRemotingClient;
  });
});
