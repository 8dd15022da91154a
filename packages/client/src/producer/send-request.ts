// SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320) requests (reference §3.8; Java
// SendMessageRequestHeaderV2): the header under single letters (send-header-fields.ts writes them),
// the body as raw bytes.
//   a producerGroup  b topic  c defaultTopic  d defaultTopicQueueNums  e queueId  f sysFlag
//   g bornTimestamp  h flag  i properties  j reconsumeTimes  k unitMode  m batch
// END_TRANSACTION (37), oneway (Java EndTransactionRequestHeader): producerGroup,
// tranStateTableOffset, commitLogOffset, commitOrRollback (0 unknown, 8 commit, 12 rollback),
// fromTransactionCheck, msgId, transactionId.
import * as protocol from '@pulsejet/protocol';
import type { RemotingCommand } from '@pulsejet/protocol';
import { SendHeaderFields } from './send-header-fields';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter
// call, which the profile of the send path showed per message.
const { RequestCode, createPreparedRequest, createRequest } = protocol;

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

export function sendMessageRequest(input: SendHeaderInput, body: Buffer): RemotingCommand {
  return createPreparedRequest(RequestCode.SEND_MESSAGE_V2, new SendHeaderFields(input, false), body);
}

export function sendBatchRequest(input: SendHeaderInput, body: Buffer): RemotingCommand {
  return createPreparedRequest(RequestCode.SEND_BATCH_MESSAGE, new SendHeaderFields(input, true), body);
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
