// The message rewrites of transactional messages, pure (Java TransactionalMessageBridge.parseHalfMessageInner,
// EndTransactionProcessor.endMessageTransaction, AbstractTransactionalMessageCheckListener.sendCheckMessage,
// DefaultTransactionalMessageCheckListener.toMessageExtBrokerInner).
//
//   send (TRAN_MSG=true)  → RMQ_SYS_TRANS_HALF_TOPIC queue 0, REAL_TOPIC/REAL_QID kept, transaction bits
//                           cleared, so no consumer of the real topic sees it
//   END_TRANSACTION commit → the real topic and queue again, REAL_*/TRAN_MSG dropped, type COMMIT,
//                           preparedTransactionOffset = the half's commit-log offset
//   too many checks        → TRANS_CHECK_MAX_TIME_TOPIC queue 0, as stored
import type { PutMessageInput } from '@pulsejet/core';
import * as protocol from '@pulsejet/protocol';
import type { StoredMessage } from '@pulsejet/protocol';
import { RMQ_SYS_TRANS_HALF_TOPIC, TRANS_CHECK_MAX_TIME_TOPIC } from '../topic/system-topics';

// Bound once at load: isHalfMessageSend runs for every send and every message of a batch, and under
// CommonJS each use of an imported name is a getter call on the protocol barrel (0.1 us per message
// in the broker's profile of batched sends).
const { MessageConst, MessageSysFlag, RECORD_CRC_PROPERTY, resetTransactionType, transactionType } = protocol;
const { DELAY_TIME_LEVEL, TRANSACTION_PREPARED } = MessageConst;
const { TRANSACTION_PREPARED_TYPE } = MessageSysFlag;

/**
 * Whether a send is a half (prepared) message. Java looks at TRAN_MSG only (Boolean.parseBoolean, so
 * any case of "true"); we also take the PREPARED sysFlag type, which ali-ons sets beside TRAN_MSG,
 * because our consume queues do not skip prepared records as Java's dispatcher does. Like Java, a
 * retry with a delay level (clients before 4.6.1 kept TRAN_MSG on retries) is not a half message.
 */
export function isHalfMessageSend(input: PutMessageInput): boolean {
  const prepared =
    input.properties[TRANSACTION_PREPARED]?.trim().toLowerCase() === 'true' || transactionType(input.sysFlag ?? 0) === TRANSACTION_PREPARED_TYPE;
  if (!prepared) return false;
  const delayLevel = Number(input.properties[DELAY_TIME_LEVEL] ?? 0);
  return !((input.reconsumeTimes ?? 0) > 0 && delayLevel > 0);
}

/**
 * The half message stored for a transactional send. DELAY is dropped: Java's producer clears it
 * before sending a transactional message ("ignore DelayTimeLevel parameter"), and a half must never
 * take the schedule path. PGROUP comes from the request header when the producer did not set it, so
 * check-back and END_TRANSACTION's group check always have one.
 */
export function toHalfMessage(input: PutMessageInput, producerGroup: string): PutMessageInput {
  const properties: Record<string, string> = { ...input.properties };
  delete properties[MessageConst.DELAY_TIME_LEVEL];
  properties[MessageConst.TRANSACTION_PREPARED] = 'true';
  if (!properties[MessageConst.PRODUCER_GROUP]) properties[MessageConst.PRODUCER_GROUP] = producerGroup;
  properties[MessageConst.REAL_TOPIC] = input.topic;
  properties[MessageConst.REAL_QUEUE_ID] = String(input.queueId);
  return {
    ...input,
    topic: RMQ_SYS_TRANS_HALF_TOPIC,
    queueId: 0,
    // The properties change: the store must encode them, not store the ones the message came with.
    encodedProperties: undefined,
    sysFlag: resetTransactionType(input.sysFlag ?? 0, MessageSysFlag.TRANSACTION_NOT_TYPE),
    properties,
  };
}

/** Where a half message is to be delivered, or undefined when REAL_TOPIC/REAL_QID are missing or bad. */
export function realDestinationOf(half: Pick<StoredMessage, 'properties'>): { topic: string; queueId: number } | undefined {
  const topic = half.properties[MessageConst.REAL_TOPIC];
  const rawQueueId = half.properties[MessageConst.REAL_QUEUE_ID];
  const queueId = Number(rawQueueId);
  if (topic === undefined || topic === '' || rawQueueId === undefined || !/^\d+$/.test(rawQueueId) || !Number.isSafeInteger(queueId)) return undefined;
  return { topic, queueId };
}

/** The stored properties without the store's record CRC, which belongs to the old record only. */
function copiedProperties(message: StoredMessage): Record<string, string> {
  const properties: Record<string, string> = { ...message.properties };
  delete properties[RECORD_CRC_PROPERTY];
  return properties;
}

/**
 * The message a commit delivers (Java endMessageTransaction): the half's body, flags, born time and
 * host and its properties without REAL_TOPIC, REAL_QID and TRAN_MSG (PGROUP and UNIQ_KEY stay), the
 * COMMIT transaction type, and the half's commit-log offset as preparedTransactionOffset. Like
 * Java it does not wait for the flush. Undefined when the half has no valid destination.
 */
export function committedMessageOf(half: StoredMessage): PutMessageInput | undefined {
  const destination = realDestinationOf(half);
  if (destination === undefined) return undefined;
  const properties = copiedProperties(half);
  delete properties[MessageConst.REAL_TOPIC];
  delete properties[MessageConst.REAL_QUEUE_ID];
  delete properties[MessageConst.TRANSACTION_PREPARED];
  return {
    topic: destination.topic,
    queueId: destination.queueId,
    body: Buffer.from(half.body),
    properties,
    flag: half.flag,
    sysFlag: resetTransactionType(half.sysFlag, MessageSysFlag.TRANSACTION_COMMIT_TYPE),
    bornTimestamp: half.bornTimestamp,
    bornHost: half.bornHost,
    reconsumeTimes: half.reconsumeTimes,
    preparedTransactionOffset: half.physicalOffset,
    waitStoreMsgOK: false,
  };
}

/**
 * The copy kept in TRANS_CHECK_MAX_TIME_TOPIC when a half is given up after too many checks (Java
 * 4.9+ resolveDiscardMsg): everything as stored, REAL_TOPIC included, with the final check count.
 */
export function checkMaxTimeMessageOf(half: StoredMessage, checkTimes: number): PutMessageInput {
  return {
    topic: TRANS_CHECK_MAX_TIME_TOPIC,
    queueId: 0,
    body: Buffer.from(half.body),
    properties: { ...copiedProperties(half), [MessageConst.TRANSACTION_CHECK_TIMES]: String(checkTimes) },
    flag: half.flag,
    sysFlag: half.sysFlag,
    bornTimestamp: half.bornTimestamp,
    bornHost: half.bornHost,
    reconsumeTimes: half.reconsumeTimes,
    waitStoreMsgOK: false,
  };
}

/** The producer group a half message belongs to (PGROUP), if any. */
export function producerGroupOf(half: Pick<StoredMessage, 'properties'>): string | undefined {
  const group = half.properties[MessageConst.PRODUCER_GROUP];
  return group === undefined || group === '' ? undefined : group;
}
