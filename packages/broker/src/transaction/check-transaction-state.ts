// CHECK_TRANSACTION_STATE (39), broker → producer, oneway (Java Broker2Client.checkProducerTransactionState
// and AbstractTransactionalMessageCheckListener.sendCheckMessage). Header (CheckTransactionStateRequestHeader):
//
//   tranStateTableOffset  @CFNotNull  the half's queue offset (the producer echoes it in END_TRANSACTION)
//   commitLogOffset       @CFNotNull  the half's commit-log offset (echoed too)
//   msgId                 nullable    UNIQ_KEY of the message (absent when the producer set none)
//   transactionId         nullable    the same UNIQ_KEY (Java sets transactionId = msgId)
//   offsetMsgId           nullable    the half's offset msgId
//   topic, brokerName     nullable    5.x additions; we send the real topic and this broker's name
//
// Body: the half encoded as a stored record, with its real topic and queue restored (Java restores them
// before encoding so the producer's listener sees the message it sent) and TRANSACTION_CHECK_TIMES set
// to this check's number. The record keeps the half's queue offset, commit-log offset and store time.
import {
  MessageConst,
  RECORD_CRC_PROPERTY,
  RequestCode,
  createRequest,
  encodeProperties,
  encodeStoredRecord,
  type RemotingCommand,
  type StoredMessage,
} from '@pulsejet/protocol';
import { realDestinationOf } from './half-message';

export function checkTransactionStateRequest(half: StoredMessage, checkTimes: number, brokerName: string): RemotingCommand {
  const destination = realDestinationOf(half) ?? { topic: half.topic, queueId: half.queueId };
  const uniqKey = half.properties[MessageConst.UNIQ_KEY];
  const header: Record<string, string> = {
    tranStateTableOffset: String(half.queueOffset),
    commitLogOffset: String(half.physicalOffset),
    offsetMsgId: half.msgId,
    topic: destination.topic,
    brokerName,
  };
  if (uniqKey) {
    header['msgId'] = uniqKey;
    header['transactionId'] = uniqKey;
  }
  const properties: Record<string, string> = { ...half.properties, [MessageConst.TRANSACTION_CHECK_TIMES]: String(checkTimes) };
  delete properties[RECORD_CRC_PROPERTY];
  const body = encodeStoredRecord({
    topic: destination.topic,
    queueId: destination.queueId,
    flag: half.flag,
    sysFlag: half.sysFlag,
    bornTimestamp: half.bornTimestamp,
    bornHost: half.bornHost,
    storeHost: half.storeHost,
    reconsumeTimes: half.reconsumeTimes,
    preparedTransactionOffset: half.preparedTransactionOffset,
    body: half.body,
    properties: encodeProperties(properties),
    queueOffset: half.queueOffset,
    physicalOffset: half.physicalOffset,
    storeTimestamp: half.storeTimestamp,
  });
  return createRequest(RequestCode.CHECK_TRANSACTION_STATE, header, body, { oneway: true });
}
