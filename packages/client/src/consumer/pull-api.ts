// 11 PULL_MESSAGE (reference §3.9 and §7): one long-polling pull of a queue. The request header is
// Java's PullMessageRequestHeader; the reply code maps to a status, and a FOUND body (stored
// records back to back) is decoded, then filtered by exact tag (the broker filters on tag hashes,
// which can collide, so its answer is a superset).
//
//   consumerGroup, topic, queueId, queueOffset, maxMsgNums,
//   sysFlag               PullSysFlag: 1 COMMIT_OFFSET, 2 SUSPEND, 4 SUBSCRIPTION
//   commitOffset          the consumer's in-memory offset (piggyback commit; needs COMMIT_OFFSET)
//   suspendTimeoutMillis  how long the broker may hold the request when there is nothing new
//   subscription, subVersion
import * as protocol from '@pulsejet/protocol';
import { ClientError, ClientErrorCode } from '../errors';
import type { MessageQueue } from '../message/message-queue';
import * as receivedMessage from '../message/received-message';
import type { ReceivedMessage } from '../message/received-message';
import { brokerError } from './broker-calls';
import type { ConsumerClient } from './consumer-client';
import * as subscriptions from './subscription';
import type { ConsumerSubscription } from './subscription';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and the decode loop below runs for every message a push consumer receives.
const { MessageConst, RequestCode, ResponseCode, createRequest, readStoredRecord } = protocol;
const { toReceivedMessage } = receivedMessage;
const { matchesTags } = subscriptions;
const TAGS = MessageConst.TAGS;

/** Bits of the pull request's sysFlag (Java PullSysFlag). */
export const PullSysFlag = {
  COMMIT_OFFSET: 1,
  SUSPEND: 2,
  SUBSCRIPTION: 4,
} as const;

/** Java's defaults: the broker holds a pull up to 15 s; the client waits 30 s for the reply. */
export const DEFAULT_BROKER_SUSPEND_MS = 15_000;
export const DEFAULT_PULL_TIMEOUT_MS = 30_000;

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

export interface PullResult {
  status: PullStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  suggestWhichBrokerId: number;
  /** FOUND only: the messages that pass the exact tag filter (may be empty after filtering). */
  messages: ReceivedMessage[];
}

export interface PullRequest {
  group: string;
  mq: MessageQueue;
  subscription: ConsumerSubscription;
  offset: number;
  maxMsgNums: number;
  /** > 0 sets COMMIT_OFFSET (clustering piggyback); 0 or less: no commit. */
  commitOffset: number;
  /** 0: don't hold (no SUSPEND bit). */
  suspendTimeoutMs: number;
  /** Must exceed suspendTimeoutMs, else every idle pull times out. */
  timeoutMs: number;
  brokerId?: number;
}

const STATUS_BY_CODE = new Map<number, PullStatus>([
  [ResponseCode.SUCCESS, 'FOUND'],
  [ResponseCode.PULL_NOT_FOUND, 'NO_NEW_MSG'],
  [ResponseCode.PULL_RETRY_IMMEDIATELY, 'NO_MATCHED_MSG'],
  [ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_ILLEGAL'],
]);

function intField(ext: Record<string, string>, name: string): number {
  const value = Number(ext[name]);
  if (ext[name] === undefined || !Number.isSafeInteger(value)) {
    throw new ClientError(ClientErrorCode.BROKER_ERROR, `PULL_MESSAGE reply has no valid ${name}; the broker broke the protocol`);
  }
  return value;
}

export async function pullMessage(client: ConsumerClient, request: PullRequest): Promise<PullResult> {
  const { mq } = request;
  const brokerId = request.brokerId ?? 0;
  let addr = client.findBrokerAddr(mq.brokerName, { brokerId, slaveOk: true });
  if (addr === undefined) {
    await client.getRoute(mq.topic, { refresh: true });
    addr = client.findBrokerAddr(mq.brokerName, { brokerId, slaveOk: true });
  }
  if (addr === undefined) throw new ClientError(ClientErrorCode.NO_ROUTE, `no address known for broker ${mq.brokerName} of topic ${mq.topic}`);
  // Offsets are committed on the master only (Java clears the flag when pulling from a slave).
  const fromMaster = addr === client.findBrokerAddr(mq.brokerName);

  let sysFlag = PullSysFlag.SUBSCRIPTION;
  if (request.commitOffset > 0 && fromMaster) sysFlag |= PullSysFlag.COMMIT_OFFSET;
  if (request.suspendTimeoutMs > 0) sysFlag |= PullSysFlag.SUSPEND;
  const response = await client.invoke(
    addr,
    createRequest(RequestCode.PULL_MESSAGE, {
      consumerGroup: request.group,
      topic: mq.topic,
      queueId: String(mq.queueId),
      queueOffset: String(request.offset),
      maxMsgNums: String(request.maxMsgNums),
      sysFlag: String(sysFlag),
      commitOffset: String(Math.max(0, request.commitOffset)),
      suspendTimeoutMillis: String(request.suspendTimeoutMs),
      subscription: request.subscription.subString,
      subVersion: String(request.subscription.subVersion),
      expressionType: 'TAG',
    }),
    request.timeoutMs,
  );
  const status = STATUS_BY_CODE.get(response.code);
  if (status === undefined) throw brokerError(`PULL_MESSAGE of ${mq.topic}:${mq.queueId}@${mq.brokerName}`, response);
  const ext = response.extFields;
  const result: PullResult = {
    status,
    nextBeginOffset: intField(ext, 'nextBeginOffset'),
    minOffset: intField(ext, 'minOffset'),
    maxOffset: intField(ext, 'maxOffset'),
    suggestWhichBrokerId: Number(ext['suggestWhichBrokerId'] ?? 0) || 0,
    messages: [],
  };
  const body = response.body;
  if (status === 'FOUND' && body !== undefined && body.length > 0) {
    // The messages of one reply share one frozen queue object (handlers see it as message.queue).
    const queue: MessageQueue = Object.freeze({ topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId });
    const { subscription } = request;
    const { messages } = result;
    // Record by record, each read into protocol's shared record and copied into the received
    // message at once: no array of decoded records, and no decoded object per message.
    for (let offset = 0; offset < body.length; ) {
      const decoded = readStoredRecord(body, offset);
      offset += decoded.totalSize;
      if (matchesTags(subscription, decoded.properties[TAGS])) messages.push(toReceivedMessage(decoded, mq.brokerName, queue));
    }
  }
  return result;
}
