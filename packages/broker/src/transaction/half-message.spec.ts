import type { PutMessageInput } from '@pulsejet/core';
import { MessageSysFlag, RECORD_CRC_PROPERTY, type StoredMessage } from '@pulsejet/protocol';
import { RMQ_SYS_TRANS_HALF_TOPIC, TRANS_CHECK_MAX_TIME_TOPIC } from '../topic/system-topics';
import { checkMaxTimeMessageOf, committedMessageOf, isHalfMessageSend, realDestinationOf, toHalfMessage } from './half-message';

const send: PutMessageInput = {
  topic: 'Orders',
  queueId: 3,
  body: Buffer.from('order-1'),
  properties: { TAGS: 'paid', KEYS: 'o1', UNIQ_KEY: 'U1', TRAN_MSG: 'true', PGROUP: 'PID_tx' },
  flag: 7,
  sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE | MessageSysFlag.COMPRESSED,
  bornTimestamp: 1_700_000_000_000,
  bornHost: { address: '10.0.0.9', port: 5555 },
  reconsumeTimes: 0,
};

function stored(input: PutMessageInput, at: Partial<StoredMessage> = {}): StoredMessage {
  return {
    totalSize: 200,
    queueId: input.queueId,
    flag: input.flag ?? 0,
    queueOffset: 4,
    physicalOffset: 1234,
    sysFlag: input.sysFlag ?? 0,
    bornTimestamp: input.bornTimestamp ?? 0,
    bornHost: input.bornHost ?? { address: '127.0.0.1', port: 0 },
    storeTimestamp: 1_700_000_000_100,
    storeHost: { address: '127.0.0.1', port: 10911 },
    reconsumeTimes: input.reconsumeTimes ?? 0,
    preparedTransactionOffset: 0,
    bodyCrc: 0,
    body: input.body,
    topic: input.topic,
    properties: { ...input.properties, [RECORD_CRC_PROPERTY]: '0123456789' },
    msgId: 'MSGID',
    ...at,
  };
}

describe('isHalfMessageSend', () => {
  it('is true for TRAN_MSG=true in any case, or the PREPARED sysFlag type', () => {
    expect(isHalfMessageSend(send)).toBe(true);
    expect(isHalfMessageSend({ ...send, sysFlag: 0, properties: { TRAN_MSG: 'TRUE' } })).toBe(true);
    expect(isHalfMessageSend({ ...send, properties: {} })).toBe(true);
  });

  it('is false for plain messages, TRAN_MSG=false, and (like Java) a retry carrying a delay level', () => {
    expect(isHalfMessageSend({ ...send, sysFlag: 0, properties: { TAGS: 'a' } })).toBe(false);
    expect(isHalfMessageSend({ ...send, sysFlag: 0, properties: { TRAN_MSG: 'false' } })).toBe(false);
    expect(isHalfMessageSend({ ...send, reconsumeTimes: 1, properties: { TRAN_MSG: 'true', DELAY: '3' } })).toBe(false);
    expect(isHalfMessageSend({ ...send, reconsumeTimes: 1, properties: { TRAN_MSG: 'true' } })).toBe(true);
  });
});

describe('toHalfMessage', () => {
  it('stores to the half topic queue 0 with REAL_TOPIC/REAL_QID and the transaction bits cleared', () => {
    const half = toHalfMessage(send, 'PID_header');
    expect(half).toMatchObject({ topic: RMQ_SYS_TRANS_HALF_TOPIC, queueId: 0, sysFlag: MessageSysFlag.COMPRESSED, flag: 7, body: send.body });
    expect(half.properties).toEqual({ TAGS: 'paid', KEYS: 'o1', UNIQ_KEY: 'U1', TRAN_MSG: 'true', PGROUP: 'PID_tx', REAL_TOPIC: 'Orders', REAL_QID: '3' });
  });

  it('takes PGROUP from the header when the producer set none, and drops DELAY as Java producers do', () => {
    const half = toHalfMessage({ ...send, sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE, properties: { DELAY: '3' } }, 'PID_header');
    expect(half.properties).toEqual({ TRAN_MSG: 'true', PGROUP: 'PID_header', REAL_TOPIC: 'Orders', REAL_QID: '3' });
    expect(half.sysFlag).toBe(0);
  });
});

describe('committedMessageOf', () => {
  it('restores the destination, drops REAL_*, TRAN_MSG and the old record CRC, and marks COMMIT', () => {
    const half = stored(toHalfMessage(send, 'PID_tx'));
    const committed = committedMessageOf(half);
    expect(committed).toMatchObject({
      topic: 'Orders',
      queueId: 3,
      flag: 7,
      sysFlag: MessageSysFlag.COMPRESSED | MessageSysFlag.TRANSACTION_COMMIT_TYPE,
      bornTimestamp: send.bornTimestamp,
      bornHost: send.bornHost,
      preparedTransactionOffset: 1234,
      waitStoreMsgOK: false,
    });
    expect(committed?.properties).toEqual({ TAGS: 'paid', KEYS: 'o1', UNIQ_KEY: 'U1', PGROUP: 'PID_tx' });
    expect(committed?.body.toString()).toBe('order-1');
  });

  it('is undefined without a usable REAL_TOPIC/REAL_QID', () => {
    expect(committedMessageOf(stored({ ...send, properties: { REAL_QID: '1' } }))).toBeUndefined();
    expect(committedMessageOf(stored({ ...send, properties: { REAL_TOPIC: 'T', REAL_QID: '-1' } }))).toBeUndefined();
    expect(realDestinationOf({ properties: { REAL_TOPIC: 'T', REAL_QID: '2' } })).toEqual({ topic: 'T', queueId: 2 });
  });
});

describe('checkMaxTimeMessageOf', () => {
  it('keeps the half as stored in TRANS_CHECK_MAX_TIME_TOPIC with its check count', () => {
    const half = stored(toHalfMessage(send, 'PID_tx'));
    const kept = checkMaxTimeMessageOf(half, 15);
    expect(kept).toMatchObject({ topic: TRANS_CHECK_MAX_TIME_TOPIC, queueId: 0, sysFlag: MessageSysFlag.COMPRESSED });
    expect(kept.properties).toMatchObject({ REAL_TOPIC: 'Orders', REAL_QID: '3', PGROUP: 'PID_tx', TRANSACTION_CHECK_TIMES: '15' });
    expect(kept.properties[RECORD_CRC_PROPERTY]).toBeUndefined();
  });
});
