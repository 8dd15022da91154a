// A single send's properties stored as they came (send-message-processor's storedAsSent): with a
// binary V2 header, as Pulsejet's clients send it, the broker copies the properties bytes less WAIT
// and appends CLUSTER instead of decoding and re-encoding them. Readers must see exactly what the
// decoded path stores, which a JSON header (ali-ons, Java's default) still takes.
import fc from 'fast-check';
import { RecordField, RECORD_CRC_PROPERTY, RequestCode, ResponseCode, createRequest, decodeProperties, decodeStoredRecord, type RemotingCommand } from '@pulsejet/protocol';
import { sendV2, startTestBroker, uniqueTopic, type TestBroker } from './helpers';

/** The stored properties of the message a send reply names, without the record CRC the store adds. */
function storedProperties(b: TestBroker, topic: string, reply: RemotingCommand): Record<string, string> {
  expect(reply.code).toBe(ResponseCode.SUCCESS);
  const got = b.broker.store.getMessage(topic, Number(reply.extFields['queueId']), Number(reply.extFields['queueOffset']), { maxMsgNums: 1 });
  const { [RECORD_CRC_PROPERTY]: crc, ...properties } = decodeStoredRecord(got.messages[0]!).properties;
  expect(crc).toMatch(/^\d{10}$/);
  return properties;
}

/** The raw properties text of the stored message a send reply names. */
function storedText(b: TestBroker, topic: string, reply: RemotingCommand): string {
  const record = b.broker.store.getMessage(topic, Number(reply.extFields['queueId']), Number(reply.extFields['queueOffset']), { maxMsgNums: 1 }).messages[0]!;
  let at = RecordField.BODY + record.readInt32BE(RecordField.BODY_LENGTH);
  at += 1 + record[at]!;
  const length = record.readInt16BE(at);
  return record.toString('utf8', at + 2, at + 2 + length);
}

function send(topic: string, properties: string, serializeType: 'JSON' | 'ROCKETMQ'): RemotingCommand {
  const request = sendV2(topic, Buffer.from('x'), { e: '0', i: properties });
  return createRequest(RequestCode.SEND_MESSAGE_V2, request.extFields, request.body, { serializeType });
}

describe('single sends with binary headers: properties stored as sent', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker();
  });
  afterAll(() => b.close());

  it('copies the bytes less the WAIT pair and appends CLUSTER (duplicates and all, as Java stores a batch entry)', async () => {
    const topic = uniqueTopic();
    const reply = await b.send(send(topic, 'TAGS\u0001a\u0002WAIT\u0001true\u0002TAGS\u0001b\u0002UNIQ_KEY\u0001U1', 'ROCKETMQ'));
    const text = storedText(b, topic, reply);
    expect(text.slice(0, -11)).toBe('TAGS\u0001a\u0002TAGS\u0001b\u0002UNIQ_KEY\u0001U1\u0002CLUSTER\u0001DefaultCluster\u0002__CRC32#\u0001');
    expect(text.slice(-11)).toMatch(/^\d{10}.$/);
    expect(storedProperties(b, topic, reply)).toEqual({ TAGS: 'b', UNIQ_KEY: 'U1', CLUSTER: 'DefaultCluster' });
    // The key index and the tag code read what the store was given.
    await b.broker.store.waitForIndex();
    expect((await b.broker.store.queryMessageByUniqKey(topic, 'U1'))?.properties['TAGS']).toBe('b');
  });

  it('cuts WAIT wherever it stands: first, last, alone, with or without a trailing separator', async () => {
    for (const [text, expected] of [
      ['WAIT\u0001true\u0002TAGS\u0001a', 'TAGS\u0001a\u0002CLUSTER'],
      ['TAGS\u0001a\u0002WAIT\u0001true', 'TAGS\u0001a\u0002CLUSTER'],
      ['TAGS\u0001a\u0002WAIT\u0001false\u0002', 'TAGS\u0001a\u0002CLUSTER'],
      ['WAIT\u0001true', 'CLUSTER'],
      ['', 'CLUSTER'],
    ] as const) {
      const topic = uniqueTopic();
      const reply = await b.send(send(topic, text, 'ROCKETMQ'));
      expect(storedText(b, topic, reply).startsWith(`${expected}\u0001DefaultCluster\u0002`)).toBe(true);
    }
  });

  it('appends each broker\'s own CLUSTER when a process holds several (one without it, one of another cluster)', async () => {
    const without = await startTestBroker({ clusterPropertyEnable: false });
    const other = await startTestBroker({ brokerClusterName: 'OtherCluster' });
    try {
      for (const [broker, cluster] of [[without, undefined], [b, 'DefaultCluster'], [other, 'OtherCluster'], [without, undefined], [b, 'DefaultCluster']] as const) {
        const topic = uniqueTopic();
        const properties = storedProperties(broker, topic, await broker.send(send(topic, 'TAGS\u0001a\u0002WAIT\u0001true', 'ROCKETMQ')));
        expect(properties).toEqual(cluster === undefined ? { TAGS: 'a' } : { TAGS: 'a', CLUSTER: cluster });
      }
    } finally {
      await without.close();
      await other.close();
    }
  });

  it('stores for readers what the decoded path stores, for any properties (random texts)', async () => {
    const name = fc.oneof(fc.constantFrom('TAGS', 'KEYS', 'UNIQ_KEY', 'WAIT', 'CLUSTER', 'DELAY', 'TRAN_MSG', 'TIMER_DELAY_MS', 'color'), fc.string({ maxLength: 4 }));
    const value = fc.oneof(fc.constantFrom('true', 'false', '1', 'a b', 'é', ''), fc.string({ maxLength: 6 }));
    const pair = fc.oneof({ weight: 6, arbitrary: fc.tuple(name, value).map(([n, v]) => `${n}\u0001${v}`) }, { weight: 1, arbitrary: fc.constantFrom('', 'x', '\u0001v', 'n\u0001') });
    const text = fc.tuple(fc.array(pair, { maxLength: 6 }), fc.boolean()).map(([pairs, trailing]) => pairs.join('\u0002') + (trailing && pairs.length > 0 ? '\u0002' : ''));
    await fc.assert(
      fc.asyncProperty(text, async (properties) => {
        const topic = uniqueTopic();
        const binary = await b.send(send(topic, properties, 'ROCKETMQ'));
        const json = await b.send(send(topic, properties, 'JSON'));
        const decoded = decodeProperties(properties);
        if (json.code !== ResponseCode.SUCCESS || decoded['DELAY'] !== undefined || decoded['TRAN_MSG'] !== undefined || decoded['TIMER_DELAY_MS'] !== undefined) {
          // Refused (a malformed DELAY, say), or stored elsewhere (the schedule or half topic) by the
          // decoded path, which both take: the same answer either way.
          expect([binary.code, binary.remark]).toEqual([json.code, json.remark]);
          return;
        }
        expect(storedProperties(b, topic, binary)).toEqual(storedProperties(b, topic, json));
      }),
      { numRuns: 150 },
    );
  });
});
