// The consumer's requests to brokers, each a small function over ConsumerClient.invoke:
// 14 QUERY_CONSUMER_OFFSET, 15 UPDATE_CONSUMER_OFFSET, 30 GET_MAX_OFFSET, 31 GET_MIN_OFFSET,
// 29 SEARCH_OFFSET_BY_TIMESTAMP, 36 CONSUMER_SEND_MSG_BACK, 41 LOCK_BATCH_MQ, 42 UNLOCK_BATCH_MQ
// (reference §3.5–3.10). Response codes become results or ClientErrors here, at the boundary.
import { RequestCode, ResponseCode, createRequest, type RemotingCommand } from '@pulsejet/protocol';
import { ClientError, ClientErrorCode } from '../errors';
import type { MessageQueue } from '../message/message-queue';
import type { ConsumerClient } from './consumer-client';

/** The master's address of the queue's broker, refreshing the topic's route once if unknown. */
export async function brokerAddrOf(client: ConsumerClient, mq: MessageQueue, options: { slaveOk?: boolean } = {}): Promise<string> {
  let addr = client.findBrokerAddr(mq.brokerName, options);
  if (addr === undefined) {
    await client.getRoute(mq.topic, { refresh: true });
    addr = client.findBrokerAddr(mq.brokerName, options);
  }
  if (addr === undefined) {
    throw new ClientError(ClientErrorCode.NO_ROUTE, `no address known for broker ${mq.brokerName} of topic ${mq.topic}; is the broker registered with the nameserver?`);
  }
  return addr;
}

export function brokerError(what: string, response: RemotingCommand): ClientError {
  const retriable = response.code === ResponseCode.SYSTEM_BUSY || response.code === ResponseCode.SERVICE_NOT_AVAILABLE;
  return new ClientError(ClientErrorCode.BROKER_ERROR, `${what} failed: code ${response.code}${response.remark ? `, ${response.remark}` : ''}`, {
    responseCode: response.code,
    retriable,
  });
}

function offsetOf(what: string, response: RemotingCommand): number {
  const offset = Number(response.extFields['offset']);
  if (!Number.isSafeInteger(offset)) throw new ClientError(ClientErrorCode.BROKER_ERROR, `${what} answered without a valid offset`, { responseCode: response.code });
  return offset;
}

const queueFields = (mq: MessageQueue): Record<string, string> => ({ topic: mq.topic, queueId: String(mq.queueId) });

/** The group's committed offset of the queue, or undefined when the broker has none (22 QUERY_NOT_FOUND). */
export async function queryConsumerOffset(client: ConsumerClient, group: string, mq: MessageQueue): Promise<number | undefined> {
  const addr = await brokerAddrOf(client, mq, { slaveOk: true });
  const response = await client.invoke(addr, createRequest(RequestCode.QUERY_CONSUMER_OFFSET, { ...queueFields(mq), consumerGroup: group }));
  if (response.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
  if (response.code !== ResponseCode.SUCCESS) throw brokerError(`QUERY_CONSUMER_OFFSET of ${group} ${mq.topic}:${mq.queueId}`, response);
  return offsetOf('QUERY_CONSUMER_OFFSET', response);
}

export async function updateConsumerOffset(client: ConsumerClient, group: string, mq: MessageQueue, offset: number): Promise<void> {
  const addr = await brokerAddrOf(client, mq, { slaveOk: true });
  const response = await client.invoke(
    addr,
    createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { ...queueFields(mq), consumerGroup: group, commitOffset: String(offset) }),
  );
  if (response.code !== ResponseCode.SUCCESS) throw brokerError(`UPDATE_CONSUMER_OFFSET of ${group} ${mq.topic}:${mq.queueId}`, response);
}

/** The next offset to be written to the queue (30 GET_MAX_OFFSET). */
export async function getMaxOffset(client: ConsumerClient, mq: MessageQueue): Promise<number> {
  const addr = await brokerAddrOf(client, mq);
  const response = await client.invoke(addr, createRequest(RequestCode.GET_MAX_OFFSET, queueFields(mq)));
  if (response.code !== ResponseCode.SUCCESS) throw brokerError(`GET_MAX_OFFSET of ${mq.topic}:${mq.queueId}`, response);
  return offsetOf('GET_MAX_OFFSET', response);
}

export async function getMinOffset(client: ConsumerClient, mq: MessageQueue): Promise<number> {
  const addr = await brokerAddrOf(client, mq);
  const response = await client.invoke(addr, createRequest(RequestCode.GET_MIN_OFFSET, queueFields(mq)));
  if (response.code !== ResponseCode.SUCCESS) throw brokerError(`GET_MIN_OFFSET of ${mq.topic}:${mq.queueId}`, response);
  return offsetOf('GET_MIN_OFFSET', response);
}

/** The first offset stored at or after `timestamp` (29 SEARCH_OFFSET_BY_TIMESTAMP). */
export async function searchOffset(client: ConsumerClient, mq: MessageQueue, timestamp: number): Promise<number> {
  const addr = await brokerAddrOf(client, mq);
  const response = await client.invoke(addr, createRequest(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { ...queueFields(mq), timestamp: String(timestamp) }));
  if (response.code !== ResponseCode.SUCCESS) throw brokerError(`SEARCH_OFFSET_BY_TIMESTAMP of ${mq.topic}:${mq.queueId}`, response);
  return offsetOf('SEARCH_OFFSET_BY_TIMESTAMP', response);
}

export interface SendBackRequest {
  /** Commit-log offset of the delivered copy. */
  commitLogOffset: number;
  group: string;
  /** 0: the broker picks (3 + reconsumeTimes); < 0: straight to the DLQ. */
  delayLevel: number;
  /** Offset msgId of the delivered copy. */
  originMsgId: string;
  /** The real topic (RETRY_TOPIC of a retry copy). */
  originTopic: string;
  maxReconsumeTimes: number;
}

/** 36 CONSUMER_SEND_MSG_BACK to the master of the broker that delivered the message. */
export async function sendMessageBack(client: ConsumerClient, brokerName: string, topic: string, request: SendBackRequest): Promise<void> {
  const addr = await brokerAddrOf(client, { topic, brokerName, queueId: 0 });
  const response = await client.invoke(
    addr,
    createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {
      offset: String(request.commitLogOffset),
      group: request.group,
      delayLevel: String(request.delayLevel),
      originMsgId: request.originMsgId,
      originTopic: request.originTopic,
      unitMode: 'false',
      maxReconsumeTimes: String(request.maxReconsumeTimes),
    }),
  );
  if (response.code !== ResponseCode.SUCCESS) throw brokerError(`CONSUMER_SEND_MSG_BACK of ${request.originMsgId}`, response);
}

function lockBody(group: string, clientId: string, mqs: readonly MessageQueue[]): Buffer {
  return Buffer.from(
    JSON.stringify({ consumerGroup: group, clientId, mqSet: mqs.map((mq) => ({ topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId })) }),
  );
}

/** 41 LOCK_BATCH_MQ: locks (or renews) the queues of one broker; returns those now held by this client. */
export async function lockBatch(client: ConsumerClient, group: string, mqs: readonly MessageQueue[]): Promise<MessageQueue[]> {
  const first = mqs[0];
  if (first === undefined) return [];
  const addr = await brokerAddrOf(client, first);
  const response = await client.invoke(addr, createRequest(RequestCode.LOCK_BATCH_MQ, {}, lockBody(group, client.clientId, mqs)));
  if (response.code !== ResponseCode.SUCCESS) throw brokerError(`LOCK_BATCH_MQ of ${group}`, response);
  const json = JSON.parse(response.body?.toString('utf8') ?? '{}') as { lockOKMQSet?: MessageQueue[] };
  return (json.lockOKMQSet ?? []).map((mq) => ({ topic: mq.topic, brokerName: mq.brokerName, queueId: Number(mq.queueId) }));
}

/** 42 UNLOCK_BATCH_MQ for queues of one broker. */
export async function unlockBatch(client: ConsumerClient, group: string, mqs: readonly MessageQueue[]): Promise<void> {
  const first = mqs[0];
  if (first === undefined) return;
  const addr = await brokerAddrOf(client, first);
  const response = await client.invoke(addr, createRequest(RequestCode.UNLOCK_BATCH_MQ, {}, lockBody(group, client.clientId, mqs)));
  if (response.code !== ResponseCode.SUCCESS) throw brokerError(`UNLOCK_BATCH_MQ of ${group}`, response);
}
