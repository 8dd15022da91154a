// Interpreting a send reply (Java MQClientAPIImpl.processSendResponse), kept apart from sending
// (STYLE.md habit 6): SUCCESS and the flush/slave codes are stored messages with a status; the
// codes worth another broker are retriable; the rest fail at once with the broker's remark.
import { ResponseCode, type RemotingCommand } from '@pulsejet/protocol';
import { ClientError, ClientErrorCode } from '../errors';
import type { MessageQueue } from '../message/message-queue';

/** How far the stored message got (Java SendStatus); every one of them means it is in the broker's log. */
export type SendStatus = 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

export interface SendResult {
  status: SendStatus;
  /** The client-generated UNIQ_KEY: what consumers see as msgId. */
  msgId: string;
  /** The broker's id (store host + commit-log offset), for lookups by offset id. */
  offsetMsgId: string;
  queue: MessageQueue;
  queueOffset: number;
  /** For a transactional message: the transaction's id (its UNIQ_KEY). */
  transactionId?: string;
}

export interface BatchSendResult {
  status: SendStatus;
  /** The UNIQ_KEY of each message, in the batch's order. */
  msgIds: string[];
  /** The broker's offset msgId of each message. */
  offsetMsgIds: string[];
  queue: MessageQueue;
  /** The first message's queue offset; the others follow it. */
  queueOffset: number;
}

const STATUS_OF: Partial<Record<number, SendStatus>> = {
  [ResponseCode.SUCCESS]: 'SEND_OK',
  [ResponseCode.FLUSH_DISK_TIMEOUT]: 'FLUSH_DISK_TIMEOUT',
  [ResponseCode.FLUSH_SLAVE_TIMEOUT]: 'FLUSH_SLAVE_TIMEOUT',
  [ResponseCode.SLAVE_NOT_AVAILABLE]: 'SLAVE_NOT_AVAILABLE',
};

/**
 * Codes after which another broker (or the same one later) may take the message: Java's
 * retryResponseCodes (TOPIC_NOT_EXIST, SERVICE_NOT_AVAILABLE, SYSTEM_ERROR, NO_PERMISSION,
 * NO_BUYER_ID, NOT_IN_CURRENT_UNIT) plus SYSTEM_BUSY, which a busy broker answers instead of queueing.
 */
export const RETRIABLE_SEND_CODES: ReadonlySet<number> = new Set<number>([
  ResponseCode.SYSTEM_BUSY,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.NO_PERMISSION,
  ResponseCode.NO_BUYER_ID,
  ResponseCode.NOT_IN_CURRENT_UNIT,
]);

export interface StoredReply {
  status: SendStatus;
  /** The msgId ext field as the broker wrote it: one offset msgId, or a comma-separated list for a batch (split by the batch send). */
  offsetMsgId: string;
  queueId: number;
  queueOffset: number;
}

/** The stored outcome of a reply, or throws ClientError BROKER_ERROR (retriable per RETRIABLE_SEND_CODES). */
export function interpretSendReply(reply: RemotingCommand, brokerAddr: string, topic: string): StoredReply {
  const status = STATUS_OF[reply.code];
  if (status === undefined) {
    throw new ClientError(ClientErrorCode.BROKER_ERROR, `broker ${brokerAddr} refused the message to ${topic} (code ${reply.code}): ${reply.remark ?? 'no remark'}`, {
      responseCode: reply.code,
      retriable: RETRIABLE_SEND_CODES.has(reply.code),
    });
  }
  const ext = reply.extFields;
  const queueId = Number(ext['queueId']);
  const queueOffset = Number(ext['queueOffset']);
  const msgId = ext['msgId'];
  if (msgId === undefined || !Number.isInteger(queueId) || !Number.isSafeInteger(queueOffset)) {
    throw new ClientError(ClientErrorCode.BROKER_ERROR, `broker ${brokerAddr} stored the message to ${topic} but its reply lacks msgId, queueId or queueOffset`, {
      responseCode: reply.code,
    });
  }
  return { status, offsetMsgId: msgId, queueId, queueOffset };
}
