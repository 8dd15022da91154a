import { inflateSync } from 'node:zlib';
import { MessageConst, MessageSysFlag, decodeProperties, encodeProperties } from '@pulsejet/protocol';
import { ClientErrorCode } from '../errors';
import { buildMessage, type BuildOptions } from './build-message';
import { resolveProducerOptions } from './producer-options';
import { interpretSendReply } from './send-result';
import { endTransactionRequest, sendBatchRequest, sendMessageRequest } from './send-request';

const opts: BuildOptions = { maxMessageSize: 1024 * 1024, compressOverBytes: 4096 };

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'no error';
};

describe('buildMessage', () => {
  it('maps tags, keys, user properties, sharding key and a fresh UNIQ_KEY to properties', () => {
    const out = buildMessage({ topic: 'T', body: 'hi', tags: 'TagA', keys: ['k1', 'k2'], properties: { color: 'red' }, shardingKey: 'order-1', flag: 3 }, opts);
    expect(out.body.toString()).toBe('hi');
    expect(out.sysFlag).toBe(0);
    expect(out.flag).toBe(3);
    expect(out.properties).toMatchObject({ TAGS: 'TagA', KEYS: 'k1 k2', color: 'red', __SHARDINGKEY: 'order-1', UNIQ_KEY: out.uniqKey });
    expect(out.uniqKey).toMatch(/^[0-9A-F]{32}$/);
    expect(buildMessage({ topic: 'T', body: 'x', keys: 'single' }, opts).properties['KEYS']).toBe('single');
  });

  it('writes a JSON body with CONTENT_TYPE application/json', () => {
    const out = buildMessage({ topic: 'T', body: { id: 7, items: [1, 2] } }, opts);
    expect(JSON.parse(out.body.toString())).toEqual({ id: 7, items: [1, 2] });
    expect(out.properties[MessageConst.CONTENT_TYPE]).toBe('application/json');
  });

  it('compresses bodies over compressOverBytes with zlib and the COMPRESSED bit', () => {
    const big = 'abc'.repeat(2000);
    const out = buildMessage({ topic: 'T', body: big }, opts);
    expect(out.sysFlag & MessageSysFlag.COMPRESSED).toBe(MessageSysFlag.COMPRESSED);
    expect(inflateSync(out.body).toString()).toBe(big);
    expect(buildMessage({ topic: 'T', body: 'a'.repeat(4096) }, opts).sysFlag).toBe(0);
    expect(buildMessage({ topic: 'T', body: big }, { ...opts, compressOverBytes: undefined }).sysFlag).toBe(0);
  });

  it('marks half messages (TRAN_MSG, PGROUP, prepared sysFlag)', () => {
    const out = buildMessage({ topic: 'T', body: 'x' }, { ...opts, transactionGroup: 'PG' });
    expect(out.properties).toMatchObject({ TRAN_MSG: 'true', PGROUP: 'PG' });
    expect(out.sysFlag & 0xc).toBe(MessageSysFlag.TRANSACTION_PREPARED_TYPE);
  });

  it('sets delay by level and by delivery time', () => {
    expect(buildMessage({ topic: 'T', body: 'x', delayLevel: 3 }, opts).properties['DELAY']).toBe('3');
    expect(buildMessage({ topic: 'T', body: 'x', deliverAt: new Date(5000) }, opts).properties['TIMER_DELIVER_MS']).toBe('5000');
    expect(buildMessage({ topic: 'T', body: 'x', delayMs: 1500 }, opts).properties['TIMER_DELAY_MS']).toBe('1500');
  });

  it.each([
    ['an invalid topic', { topic: 'bad topic', body: 'x' }],
    ['an empty topic', { topic: '', body: 'x' }],
    ['the auto-create template topic', { topic: 'TBW102', body: 'x' }],
    ['an empty body', { topic: 'T', body: '' }],
    ['no body', { topic: 'T' }],
    ['a key with a space', { topic: 'T', body: 'x', keys: ['a b'] }],
    ['a system property name', { topic: 'T', body: 'x', properties: { UNIQ_KEY: 'mine' } }],
    ['a non-string property value', { topic: 'T', body: 'x', properties: { n: 1 } }],
    ['two tags', { topic: 'T', body: 'x', tags: 'A || B' }],
    ['delay level and delivery time', { topic: 'T', body: 'x', delayLevel: 2, delayMs: 100 }],
    ['deliverAt and delayMs', { topic: 'T', body: 'x', deliverAt: 1, delayMs: 100 }],
    ['a negative delay level', { topic: 'T', body: 'x', delayLevel: -1 }],
    ['a flag beyond int32', { topic: 'T', body: 'x', flag: 2 ** 31 }],
    ['a body over maxMessageSize', { topic: 'T', body: Buffer.alloc(1024 * 1024 + 1) }],
    ['properties over 32767 bytes', { topic: 'T', body: 'x', properties: { big: 'y'.repeat(33_000) } }],
    // Fewer than 32767 characters, more than 32767 UTF-8 bytes.
    ['properties over 32767 bytes in fewer characters', { topic: 'T', body: 'x', properties: { big: '\u20ac'.repeat(11_000) } }],
  ])('refuses %s with INVALID_ARGUMENT', (_what, message) => {
    expect(codeOf(() => buildMessage(message as never, opts))).toBe(ClientErrorCode.INVALID_ARGUMENT);
  });

  it('encodes the properties once, as the request header carries them', () => {
    const out = buildMessage({ topic: 'T', body: 'x', tags: 'A', properties: { big: '\u20ac'.repeat(10_000) } }, opts);
    expect(decodeProperties(out.encodedProperties)).toEqual(out.properties);
    expect(out.encodedProperties).toBe(encodeProperties(out.properties));
  });

  it('refuses a delayed half message', () => {
    expect(codeOf(() => buildMessage({ topic: 'T', body: 'x', delayLevel: 1 }, { ...opts, transactionGroup: 'PG' }))).toBe(ClientErrorCode.INVALID_ARGUMENT);
  });
});

describe('producer options', () => {
  it.each([
    ['an empty group', { groupName: '', namesrvAddr: 'h:1' }],
    ['a group with a space', { groupName: 'a b', namesrvAddr: 'h:1' }],
    ['no nameserver', { groupName: 'G' }],
    ['a zero send timeout', { groupName: 'G', namesrvAddr: 'h:1', sendTimeoutMs: 0 }],
    ['negative retries', { groupName: 'G', namesrvAddr: 'h:1', retryTimesWhenSendFailed: -1 }],
  ])('refuses %s with INVALID_ARGUMENT', (_what, options) => {
    expect(codeOf(() => resolveProducerOptions(options as never))).toBe(ClientErrorCode.INVALID_ARGUMENT);
  });

  it('defaults like RocketMQ', () => {
    expect(resolveProducerOptions({ groupName: 'G', namesrvAddr: 'h:1' })).toMatchObject({ sendTimeoutMs: 3000, retryTimesWhenSendFailed: 2, compressOverBytes: 4096, maxMessageSize: 4 * 1024 * 1024, sendLatencyFaultEnable: true });
  });
});

describe('send requests and replies', () => {
  it('writes the SEND_MESSAGE_V2 letters (reference §3.8)', () => {
    const header = sendMessageRequest({ producerGroup: 'PG', topic: 'T', defaultTopicQueueNums: 4, queueId: 2, sysFlag: 1, bornTimestamp: 99, flag: 0, properties: encodeProperties({ TAGS: 'A' }) }, Buffer.alloc(0)).extFields;
    expect(header).toEqual({ a: 'PG', b: 'T', c: 'TBW102', d: '4', e: '2', f: '1', g: '99', h: '0', i: encodeProperties({ TAGS: 'A' }), j: '0', k: 'false' });
    expect(decodeProperties(header['i']!)).toEqual({ TAGS: 'A' });
    expect(sendBatchRequest({ producerGroup: 'PG', topic: 'T', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: 1, flag: 0, properties: '' }, Buffer.alloc(0)).extFields['m']).toBe('true');
  });

  it('writes END_TRANSACTION oneway with the Java header names', () => {
    const request = endTransactionRequest({ producerGroup: 'PG', tranStateTableOffset: 5, commitLogOffset: 1024, commitOrRollback: 8, fromTransactionCheck: true, msgId: 'M', transactionId: 'M' });
    expect(request.code).toBe(37);
    expect(request.flag & 2).toBe(2);
    expect(request.extFields).toEqual({ producerGroup: 'PG', tranStateTableOffset: '5', commitLogOffset: '1024', commitOrRollback: '8', fromTransactionCheck: 'true', msgId: 'M', transactionId: 'M' });
  });

  const reply = (code: number, extFields: Record<string, string> = {}, remark?: string) => ({
    code, language: 'JAVA', version: 0, opaque: 1, flag: 1, extFields, serializeType: 'JSON' as const, ...(remark ? { remark } : {}),
  });

  it('reads flush and slave codes as stored with a status, and refuses others with the broker remark', () => {
    const ext = { msgId: 'AB', queueId: '1', queueOffset: '7' };
    expect(interpretSendReply(reply(0, ext), 'b', 'T')).toEqual({ status: 'SEND_OK', offsetMsgId: 'AB', queueId: 1, queueOffset: 7 });
    expect(interpretSendReply(reply(10, ext), 'b', 'T').status).toBe('FLUSH_DISK_TIMEOUT');
    expect(interpretSendReply(reply(11, ext), 'b', 'T').status).toBe('SLAVE_NOT_AVAILABLE');
    expect(interpretSendReply(reply(12, ext), 'b', 'T').status).toBe('FLUSH_SLAVE_TIMEOUT');
    let error: { code?: string; responseCode?: number; retriable?: boolean; message?: string } = {};
    try {
      interpretSendReply(reply(13, {}, 'body too big'), 'b', 'T');
    } catch (caught) {
      error = caught as typeof error;
    }
    expect(error).toMatchObject({ code: 'BROKER_ERROR', responseCode: 13, retriable: false });
    expect(error.message).toContain('body too big');
    try {
      interpretSendReply(reply(2, {}, 'busy'), 'b', 'T');
    } catch (caught) {
      error = caught as typeof error;
    }
    expect(error).toMatchObject({ code: 'BROKER_ERROR', responseCode: 2, retriable: true });
  });
});
