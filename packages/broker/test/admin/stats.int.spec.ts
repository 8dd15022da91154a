// Broker runtime info, topic stats and consume stats over real TCP, malformed requests included.
import { RequestCode, ResponseCode, createRequest, type RemotingCommand } from '@pulsejet/protocol';
import { sendV1, startTestBroker, uniqueTopic, type TestBroker } from '../helpers';

/**
 * Parses a fastjson body whose map keys are MessageQueue objects, turning each key into
 * "topic|brokerName|queueId" so JSON.parse accepts it.
 */
function parseMqTable(reply: RemotingCommand): Record<string, unknown> {
  const text = reply.body!.toString('utf8').replace(/\{"brokerName":("(?:[^"\\]|\\.)*"),"queueId":(\d+),"topic":("(?:[^"\\]|\\.)*")\}:/g, (_m, broker: string, queueId: string, topic: string) =>
    `${JSON.stringify(`${JSON.parse(topic) as string}|${JSON.parse(broker) as string}|${queueId}`)}:`,
  );
  return JSON.parse(text) as Record<string, unknown>;
}

describe('broker admin: runtime info and statistics over TCP', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ brokerName: 'broker-a' });
  });
  afterAll(() => b.close());

  async function stillServes(): Promise<void> {
    const reply = await b.send(createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, {}));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
  }

  it('GET_BROKER_RUNTIME_INFO answers a KVTable of strings', async () => {
    const before = await b.send(createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, {}));
    const beforeTable = (JSON.parse(before.body!.toString('utf8')) as { table: Record<string, string> }).table;
    expect((await b.send(sendV1(uniqueTopic('Runtime'), Buffer.from('x')))).code).toBe(ResponseCode.SUCCESS);

    const reply = await b.send(createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, {}));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const body = JSON.parse(reply.body!.toString('utf8')) as { table: Record<string, string> };
    expect(Object.keys(body)).toEqual(['table']);
    const { table } = body;
    for (const value of Object.values(table)) expect(typeof value).toBe('string');
    expect(table).toMatchObject({ brokerVersionDesc: 'V4_9_8', brokerVersion: '409' });
    expect(table['runtime']).toMatch(/^\[ \d+ days, \d+ hours, \d+ minutes, \d+ seconds \]$/);
    expect(Number(table['commitLogMaxOffset'])).toBe(b.broker.store.stats().commitLogMaxOffset);
    expect(Number(table['commitLogMaxOffset'])).toBeGreaterThan(Number(beforeTable['commitLogMaxOffset']));
    expect(Number(table['commitLogMinOffset'])).toBe(0);
    expect(Number(table['msgPutTotalTodayNow'])).toBe(Number(beforeTable['msgPutTotalTodayNow']) + 1);
    expect(Number(table['bootTimestamp'])).toBeLessThanOrEqual(Date.now());
  });

  it('GET_TOPIC_STATS_INFO answers min/max offsets and the last store time of every queue', async () => {
    const topic = uniqueTopic('Stats');
    for (const queueId of ['0', '0', '2']) expect((await b.send(sendV1(topic, Buffer.from('m'), { queueId }))).code).toBe(ResponseCode.SUCCESS);

    const reply = await b.send(createRequest(RequestCode.GET_TOPIC_STATS_INFO, { topic }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    // The raw body keeps fastjson's MessageQueue object keys.
    expect(reply.body!.toString('utf8')).toMatch(/^\{"offsetTable":\{\{"brokerName":"broker-a","queueId":0,"topic":"[^"]+"\}:\{"lastUpdateTimestamp":\d+,"maxOffset":2,"minOffset":0\},/);
    const table = parseMqTable(reply)['offsetTable'] as Record<string, { minOffset: number; maxOffset: number; lastUpdateTimestamp: number }>;
    expect(Object.keys(table)).toEqual([0, 1, 2, 3].map((q) => `${topic}|broker-a|${q}`));
    expect(table[`${topic}|broker-a|0`]).toEqual({ minOffset: 0, maxOffset: 2, lastUpdateTimestamp: b.broker.store.getMessageStoreTimestamp(topic, 0, 1) });
    expect(table[`${topic}|broker-a|1`]).toEqual({ minOffset: 0, maxOffset: 0, lastUpdateTimestamp: 0 });
    expect(table[`${topic}|broker-a|2`]?.maxOffset).toBe(1);
    expect(table[`${topic}|broker-a|2`]?.lastUpdateTimestamp).toBeGreaterThan(0);
  });

  it('refuses GET_TOPIC_STATS_INFO for an unknown topic and without a topic', async () => {
    const unknown = await b.send(createRequest(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'NoSuchTopic' }));
    expect(unknown.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(unknown.remark).toBe('topic[NoSuchTopic] not exist');
    const missing = await b.send(createRequest(RequestCode.GET_TOPIC_STATS_INFO, {}));
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toMatch(/^bad GET_TOPIC_STATS_INFO header: .*<topic>/);
    await stillServes();
  });

  it('GET_CONSUME_STATS answers broker offset, consumer offset and lag inputs per queue', async () => {
    const topic = uniqueTopic('Consume');
    const other = uniqueTopic('ConsumeOther');
    for (let i = 0; i < 3; i++) expect((await b.send(sendV1(topic, Buffer.from('m'), { queueId: '1' }))).code).toBe(ResponseCode.SUCCESS);
    expect((await b.send(sendV1(other, Buffer.from('m'), { queueId: '0' }))).code).toBe(ResponseCode.SUCCESS);
    const group = 'CID_stats';
    b.broker.store.metadata.commitOffset(group, topic, 1, 2);
    b.broker.store.metadata.commitOffset(group, other, 0, 1);

    const one = await b.send(createRequest(RequestCode.GET_CONSUME_STATS, { consumerGroup: group, topic }));
    expect(one.code).toBe(ResponseCode.SUCCESS);
    expect(one.body!.toString('utf8')).toMatch(/^\{"consumeTps":0\.0,"offsetTable":\{\{"brokerName":"broker-a","queueId":0,/);
    const stats = parseMqTable(one) as { consumeTps: number; offsetTable: Record<string, { brokerOffset: number; consumerOffset: number; pullOffset: number; lastTimestamp: number }> };
    expect(stats.consumeTps).toBe(0);
    expect(Object.keys(stats.offsetTable)).toHaveLength(4);
    expect(stats.offsetTable[`${topic}|broker-a|1`]).toEqual({
      brokerOffset: 3,
      consumerOffset: 2,
      pullOffset: 2,
      lastTimestamp: b.broker.store.getMessageStoreTimestamp(topic, 1, 1),
    });
    expect(stats.offsetTable[`${topic}|broker-a|0`]).toEqual({ brokerOffset: 0, consumerOffset: 0, pullOffset: 0, lastTimestamp: 0 });

    // Without a topic: every topic the group has offsets for.
    const all = parseMqTable(await b.send(createRequest(RequestCode.GET_CONSUME_STATS, { consumerGroup: group })))['offsetTable'] as Record<string, unknown>;
    expect(Object.keys(all).sort()).toEqual([...[0, 1, 2, 3].map((q) => `${topic}|broker-a|${q}`), ...[0, 1, 2, 3].map((q) => `${other}|broker-a|${q}`)].sort());

    // An unknown group or topic is an empty table, as in Java.
    const empty = await b.send(createRequest(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'CID_nobody' }));
    expect(empty.code).toBe(ResponseCode.SUCCESS);
    expect(empty.body!.toString('utf8')).toBe('{"consumeTps":0.0,"offsetTable":{}}');
    expect((await b.send(createRequest(RequestCode.GET_CONSUME_STATS, { consumerGroup: group, topic: 'NoSuchTopic' }))).body!.toString('utf8')).toBe(
      '{"consumeTps":0.0,"offsetTable":{}}',
    );
  });

  it('refuses GET_CONSUME_STATS without a consumer group', async () => {
    const cases: Array<Record<string, string>> = [{}, { topic: 'T' }, { consumerGroup: ' ' }];
    for (const fields of cases) {
      const reply = await b.send(createRequest(RequestCode.GET_CONSUME_STATS, fields));
      expect(reply.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(reply.remark).toMatch(/^bad GET_CONSUME_STATS header: .*<consumerGroup>/);
    }
    await stillServes();
  });
});
