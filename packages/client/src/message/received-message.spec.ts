import { deflateSync } from 'node:zlib';
import { MessageSysFlag, RECORD_CRC_PROPERTY, decodeStoredRecord, encodeProperties, encodeStoredRecord, type StoredRecordInput } from '@pulsejet/protocol';
import { ClientErrorCode } from '../errors';
import { toReceivedMessage } from './received-message';
import { compareQueues, queueKey } from './message-queue';

function record(overrides: Partial<StoredRecordInput> = {}, properties: Record<string, string> = {}): Buffer {
  return encodeStoredRecord({
    topic: 'orders',
    queueId: 2,
    flag: 5,
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_000,
    bornHost: { address: '10.0.0.1', port: 5555 },
    storeHost: { address: '127.0.0.1', port: 10911 },
    reconsumeTimes: 1,
    preparedTransactionOffset: 0,
    body: Buffer.from('{"id":7}'),
    properties: encodeProperties(properties),
    queueOffset: 42,
    physicalOffset: 4096,
    storeTimestamp: 1_700_000_000_123,
    ...overrides,
  });
}

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'no error';
};

describe('toReceivedMessage', () => {
  it('exposes the record fields, tags, keys, user properties and the UNIQ_KEY as msgId', () => {
    const decoded = decodeStoredRecord(record({}, { TAGS: 'created', KEYS: 'k1 k2', UNIQ_KEY: 'AABBCC', color: 'red', [RECORD_CRC_PROPERTY]: '0000000001' }));
    const msg = toReceivedMessage(decoded, 'broker-a');
    expect(msg).toMatchObject({
      topic: 'orders',
      tags: 'created',
      keys: ['k1', 'k2'],
      msgId: 'AABBCC',
      offsetMsgId: decoded.msgId,
      queue: { topic: 'orders', brokerName: 'broker-a', queueId: 2 },
      queueOffset: 42,
      commitLogOffset: 4096,
      reconsumeTimes: 1,
      bornTimestamp: 1_700_000_000_000,
      storeTimestamp: 1_700_000_000_123,
      bornHost: '10.0.0.1:5555',
      storeHost: '127.0.0.1:10911',
      flag: 5,
    });
    expect(msg.userProperties).toEqual({ color: 'red' });
    expect(msg.properties['UNIQ_KEY']).toBe('AABBCC');
    expect(msg.json()).toEqual({ id: 7 });
    expect(msg.text()).toBe('{"id":7}');
  });

  it('falls back to the offset msgId without UNIQ_KEY (ali-ons messages)', () => {
    const decoded = decodeStoredRecord(record());
    const msg = toReceivedMessage(decoded, 'broker-a');
    expect(msg.msgId).toBe(decoded.msgId);
    expect(msg.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(msg.tags).toBeUndefined();
    expect(msg.keys).toEqual([]);
  });

  it("takes the given queue object when it names the record's queue, and builds its own otherwise", () => {
    const decoded = decodeStoredRecord(record());
    const pulled = Object.freeze({ topic: 'orders', brokerName: 'broker-a', queueId: 2 });
    expect(toReceivedMessage(decoded, 'broker-a', pulled).queue).toBe(pulled);
    for (const other of [{ ...pulled, queueId: 3 }, { ...pulled, topic: 'other' }, { ...pulled, brokerName: 'broker-b' }]) {
      const built = toReceivedMessage(decoded, 'broker-a', other).queue;
      expect(built).not.toBe(other);
      expect(built).toEqual({ topic: 'orders', brokerName: 'broker-a', queueId: 2 });
      expect(Object.isFrozen(built)).toBe(true);
    }
  });

  it('inflates a zlib body when the compressed bit is set (type 0 or ZLIB)', () => {
    const text = 'x'.repeat(10_000);
    for (const sysFlag of [MessageSysFlag.COMPRESSED, MessageSysFlag.COMPRESSED | MessageSysFlag.COMPRESSION_ZLIB]) {
      const msg = toReceivedMessage(decodeStoredRecord(record({ sysFlag, body: deflateSync(Buffer.from(text)) })), 'b');
      expect(msg.text()).toBe(text);
    }
  });

  it('refuses a compressed body it cannot read with BAD_MESSAGE', () => {
    const notZlib = decodeStoredRecord(record({ sysFlag: MessageSysFlag.COMPRESSED, body: Buffer.from('plain') }));
    expect(codeOf(() => toReceivedMessage(notZlib, 'b'))).toBe(ClientErrorCode.BAD_MESSAGE);
    const lz4 = decodeStoredRecord(record({ sysFlag: MessageSysFlag.COMPRESSED | MessageSysFlag.COMPRESSION_LZ4 }));
    expect(codeOf(() => toReceivedMessage(lz4, 'b'))).toBe(ClientErrorCode.BAD_MESSAGE);
  });

  it('json() of a non-JSON body is BAD_MESSAGE', () => {
    const msg = toReceivedMessage(decodeStoredRecord(record({ body: Buffer.from('not json') })), 'b');
    expect(codeOf(() => msg.json())).toBe(ClientErrorCode.BAD_MESSAGE);
  });
});

describe('queueKey / compareQueues', () => {
  it('identifies a queue by topic, broker and id', () => {
    expect(queueKey({ topic: 't', brokerName: 'b', queueId: 3 })).toBe('t@b@3');
    expect(queueKey({ topic: 't', brokerName: 'b', queueId: 3 })).not.toBe(queueKey({ topic: 't', brokerName: 'b2', queueId: 3 }));
  });

  it('sorts like Java MessageQueue.compareTo', () => {
    const queues = [
      { topic: 't', brokerName: 'b', queueId: 10 },
      { topic: 't', brokerName: 'a', queueId: 1 },
      { topic: 't', brokerName: 'b', queueId: 2 },
      { topic: 's', brokerName: 'z', queueId: 0 },
    ];
    expect([...queues].sort(compareQueues).map(queueKey)).toEqual(['s@z@0', 't@a@1', 't@b@2', 't@b@10']);
  });
});
