// SEND_BATCH_MESSAGE (320) over TCP.
import { RequestCode, ResponseCode, createRequest, decodeStoredRecord, tagsHashCode } from '@pulsejet/protocol';
import { encodeMessageBatch } from '../src/index';
import { startTestBroker, uniqueTopic, type TestBroker } from './helpers';

describe('SEND_BATCH_MESSAGE', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker();
  });
  afterAll(() => b.close());

  const batchRequest = (topic: string, body: Buffer) =>
    createRequest(
      RequestCode.SEND_BATCH_MESSAGE,
      { a: 'PID_batch', b: topic, c: 'TBW102', d: '4', e: '1', f: '0', g: String(Date.now()), h: '0', i: 'WAIT\u0001true', j: '0', k: 'false', m: 'true' },
      body,
    );

  it('stores every message with consecutive offsets and answers all msgIds', async () => {
    const topic = uniqueTopic('Batch');
    const body = encodeMessageBatch([
      { flag: 0, body: Buffer.from('m0'), properties: { TAGS: 'A', UNIQ_KEY: 'U0', WAIT: 'true' } },
      { flag: 5, body: Buffer.from('m1'), properties: { TAGS: 'B', KEYS: 'k1' } },
      { flag: 0, body: Buffer.from('m2'), properties: {} },
    ]);
    const reply = await b.send(batchRequest(topic, body));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(reply.extFields).toMatchObject({ queueId: '1', queueOffset: '0' });
    const ids = reply.extFields['msgId']!.split(',');
    expect(ids).toHaveLength(3);
    const got = b.broker.store.getMessage(topic, 1, 0);
    const stored = got.messages.map((m) => decodeStoredRecord(m));
    expect(stored.map((m) => m.msgId)).toEqual(ids);
    expect(stored.map((m) => m.body.toString())).toEqual(['m0', 'm1', 'm2']);
    // Each entry's properties are stored as sent (WAIT too), then CLUSTER, as Java's broker stores a batch.
    const { '__CRC32#': crc, ...properties } = stored[0]!.properties;
    expect(properties).toEqual({ TAGS: 'A', UNIQ_KEY: 'U0', WAIT: 'true', CLUSTER: 'DefaultCluster' });
    expect(crc).toMatch(/^\d{10}$/);
    expect(stored[1]).toMatchObject({ flag: 5, queueOffset: 1, properties: { TAGS: 'B', KEYS: 'k1', CLUSTER: 'DefaultCluster' } });
    expect(stored[2]!.properties).toMatchObject({ CLUSTER: 'DefaultCluster' });
    expect(b.broker.store.getMessage(topic, 1, 0, { maxMsgNums: 10, maxTotalBytes: 1 << 20, filter: (code) => code === tagsHashCode('B') }).queueOffsets).toEqual([1]);
    await b.broker.store.waitForIndex();
    expect((await b.broker.store.queryMessageByKey(topic, 'k1', 10)).map((m) => m.queueOffset)).toEqual([1]);
    expect((await b.broker.store.queryMessageByUniqKey(topic, 'U0'))?.msgId).toBe(ids[0]);
  });

  it('refuses a malformed body, an empty batch and a retry topic, and keeps serving', async () => {
    const topic = uniqueTopic('Batch');
    const good = encodeMessageBatch([{ flag: 0, body: Buffer.from('x'), properties: {} }]);
    const truncated = await b.send(batchRequest(topic, good.subarray(0, good.length - 1)));
    expect(truncated.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(truncated.remark).toMatch(/bad batch body/);
    expect((await b.send(batchRequest(topic, Buffer.alloc(0)))).code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect((await b.send(batchRequest('%RETRY%G', good))).code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect((await b.send(batchRequest(topic, good))).code).toBe(ResponseCode.SUCCESS);
  });

  it('refuses a batch holding a delayed message, as Java does, instead of storing it undelayed', async () => {
    const topic = uniqueTopic('Batch');
    const delayed: Record<string, string>[] = [{ DELAY: '2' }, { TIMER_DELAY_MS: '5000' }, { __STARTDELIVERTIME: String(Date.now() + 5000) }];
    for (const properties of delayed) {
      const body = encodeMessageBatch([{ flag: 0, body: Buffer.from('now'), properties: {} }, { flag: 0, body: Buffer.from('later'), properties }]);
      const reply = await b.send(batchRequest(topic, body));
      expect([JSON.stringify(properties), reply.code, reply.remark]).toEqual([JSON.stringify(properties), ResponseCode.MESSAGE_ILLEGAL, expect.stringMatching(/does not support delayed messages/)]);
    }
    expect(b.broker.store.getMaxOffsetInQueue(topic, 1)).toBe(0);
    const level0 = encodeMessageBatch([{ flag: 0, body: Buffer.from('x'), properties: { DELAY: '0' } }]);
    expect((await b.send(batchRequest(topic, level0))).code).toBe(ResponseCode.SUCCESS);
  });
});
