import { MessageSysFlag, RECORD_CRC_PROPERTY, RequestCode, decodeStoredRecord, isOneway, type StoredMessage } from '@pulsejet/protocol';
import { RMQ_SYS_TRANS_HALF_TOPIC } from '../topic/system-topics';
import { checkTransactionStateRequest } from './check-transaction-state';

const half: StoredMessage = {
  totalSize: 0,
  queueId: 0,
  flag: 3,
  queueOffset: 9,
  physicalOffset: 4096,
  sysFlag: MessageSysFlag.MULTI_TAGS,
  bornTimestamp: 1_700_000_000_000,
  bornHost: { address: '10.0.0.9', port: 5555 },
  storeTimestamp: 1_700_000_000_050,
  storeHost: { address: '127.0.0.1', port: 10911 },
  reconsumeTimes: 0,
  preparedTransactionOffset: 0,
  bodyCrc: 0,
  body: Buffer.from('payload'),
  topic: RMQ_SYS_TRANS_HALF_TOPIC,
  properties: { TAGS: 'a', UNIQ_KEY: 'U9', PGROUP: 'PID_tx', TRAN_MSG: 'true', REAL_TOPIC: 'Orders', REAL_QID: '2', [RECORD_CRC_PROPERTY]: '0000000001' },
  msgId: '7F00000100002A9F0000000000001000',
};

describe('checkTransactionStateRequest', () => {
  it('is a oneway CHECK_TRANSACTION_STATE with Java CheckTransactionStateRequestHeader fields', () => {
    const request = checkTransactionStateRequest(half, 2, 'broker-a');
    expect(request.code).toBe(RequestCode.CHECK_TRANSACTION_STATE);
    expect(isOneway(request)).toBe(true);
    expect(request.extFields).toEqual({
      tranStateTableOffset: '9',
      commitLogOffset: '4096',
      msgId: 'U9',
      transactionId: 'U9',
      offsetMsgId: half.msgId,
      topic: 'Orders',
      brokerName: 'broker-a',
    });
  });

  it('carries the half as a stored record with its real topic and queue and the check count', () => {
    const message = decodeStoredRecord(checkTransactionStateRequest(half, 2, 'broker-a').body!);
    expect(message).toMatchObject({
      topic: 'Orders',
      queueId: 2,
      flag: 3,
      queueOffset: 9,
      physicalOffset: 4096,
      sysFlag: MessageSysFlag.MULTI_TAGS,
      bornTimestamp: half.bornTimestamp,
      storeTimestamp: half.storeTimestamp,
      msgId: half.msgId,
    });
    expect(message.body.toString()).toBe('payload');
    expect(message.properties).toEqual({ TAGS: 'a', UNIQ_KEY: 'U9', PGROUP: 'PID_tx', TRAN_MSG: 'true', REAL_TOPIC: 'Orders', REAL_QID: '2', TRANSACTION_CHECK_TIMES: '2' });
  });

  it('leaves msgId and transactionId out when the producer set no UNIQ_KEY', () => {
    const { UNIQ_KEY: _dropped, ...properties } = half.properties;
    const request = checkTransactionStateRequest({ ...half, properties }, 1, 'broker-a');
    expect(request.extFields['msgId']).toBeUndefined();
    expect(request.extFields['transactionId']).toBeUndefined();
    expect(request.extFields['offsetMsgId']).toBe(half.msgId);
  });
});
