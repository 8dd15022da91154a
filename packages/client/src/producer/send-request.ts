// SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320) requests (reference §3.8; Java
// SendMessageRequestHeaderV2): the header under single letters, the body as raw bytes.
//   a producerGroup  b topic  c defaultTopic  d defaultTopicQueueNums  e queueId  f sysFlag
//   g bornTimestamp  h flag  i properties  j reconsumeTimes  k unitMode  m batch
// END_TRANSACTION (37), oneway (Java EndTransactionRequestHeader): producerGroup,
// tranStateTableOffset, commitLogOffset, commitOrRollback (0 unknown, 8 commit, 12 rollback),
// fromTransactionCheck, msgId, transactionId.
import * as protocol from '@pulsejet/protocol';
import type { RemotingCommand } from '@pulsejet/protocol';
import { AUTO_CREATE_TOPIC_KEY } from './producer-options';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter
// call, which the profile of the send path showed per message.
const { RequestCode, createRequest } = protocol;

export interface SendHeaderInput {
  producerGroup: string;
  topic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  /** The properties as encodeProperties wrote them (OutgoingMessage.encodedProperties). */
  properties: string;
}

export function sendMessageHeader(input: SendHeaderInput, batch: boolean): Record<string, string> {
  const header: Record<string, string> = {
    a: input.producerGroup,
    b: input.topic,
    c: AUTO_CREATE_TOPIC_KEY,
    d: String(input.defaultTopicQueueNums),
    e: String(input.queueId),
    f: String(input.sysFlag),
    g: String(input.bornTimestamp),
    h: String(input.flag),
    i: input.properties,
    j: '0',
    k: 'false',
  };
  if (batch) header['m'] = 'true';
  return header;
}

export function sendMessageRequest(input: SendHeaderInput, body: Buffer): RemotingCommand {
  return createRequest(RequestCode.SEND_MESSAGE_V2, sendMessageHeader(input, false), body);
}

export function sendBatchRequest(input: SendHeaderInput, body: Buffer): RemotingCommand {
  return createRequest(RequestCode.SEND_BATCH_MESSAGE, sendMessageHeader(input, true), body);
}

export interface EndTransactionInput {
  producerGroup: string;
  tranStateTableOffset: number;
  commitLogOffset: number;
  /** MessageSysFlag.TRANSACTION_NOT_TYPE (0), _COMMIT_TYPE (8) or _ROLLBACK_TYPE (12). */
  commitOrRollback: number;
  fromTransactionCheck: boolean;
  msgId: string;
  transactionId: string | undefined;
  /** Shown in the broker's log when the transaction is decided by a check answer. */
  remark?: string;
}

export function endTransactionRequest(input: EndTransactionInput): RemotingCommand {
  const header: Record<string, string> = {
    producerGroup: input.producerGroup,
    tranStateTableOffset: String(input.tranStateTableOffset),
    commitLogOffset: String(input.commitLogOffset),
    commitOrRollback: String(input.commitOrRollback),
    fromTransactionCheck: String(input.fromTransactionCheck),
    msgId: input.msgId,
  };
  if (input.transactionId !== undefined) header['transactionId'] = input.transactionId;
  return createRequest(RequestCode.END_TRANSACTION, header, undefined, { oneway: true, ...(input.remark !== undefined ? { remark: input.remark } : {}) });
}
