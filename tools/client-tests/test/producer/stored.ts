// Reading what a producer stored, straight from the broker: by the send result's offset msgId from
// the store, or by PULL_MESSAGE over the wire as a consumer would get it.
import { toReceivedMessage, type ReceivedMessage } from '@pulsejet/client';
import type { BrokerController } from '@pulsejet/broker';
import { RequestCode, ResponseCode, createRequest, decodeOffsetMessageId, decodeStoredRecords, type StoredMessage } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';

/** The stored record of a send (raw: body as stored, compressed or not). */
export function storedRecord(broker: BrokerController, offsetMsgId: string): StoredMessage {
  const record = broker.store.lookMessageByOffset(decodeOffsetMessageId(offsetMsgId).physicalOffset);
  if (!record) throw new Error(`no record at ${offsetMsgId}`);
  return record;
}

/** The stored message of a send as a consumer sees it (body inflated). */
export function storedMessage(broker: BrokerController, offsetMsgId: string): ReceivedMessage {
  return toReceivedMessage(storedRecord(broker, offsetMsgId), broker.options.brokerName);
}

/** Every message of a queue from `offset`, read from the store. */
export function queueMessages(broker: BrokerController, topic: string, queueId: number, offset = 0): ReceivedMessage[] {
  const result = broker.store.getMessage(topic, queueId, offset, { maxMsgNums: 1000 });
  return decodeStoredRecords(Buffer.concat(result.messages)).map((m) => toReceivedMessage(m, broker.options.brokerName));
}

/** PULL_MESSAGE (no suspension) of one queue, decoded as a consumer does. */
export async function pullRaw(client: RemotingClient, broker: BrokerController, topic: string, queueId: number, queueOffset = 0): Promise<ReceivedMessage[]> {
  const reply = await client.request(
    broker.brokerAddr,
    createRequest(RequestCode.PULL_MESSAGE, {
      consumerGroup: 'PRODUCER_TEST_READER',
      topic,
      queueId: String(queueId),
      queueOffset: String(queueOffset),
      maxMsgNums: '32',
      sysFlag: '4',
      commitOffset: '0',
      suspendTimeoutMillis: '0',
      subscription: '*',
      subVersion: '0',
    }),
    10_000,
  );
  if (reply.code !== ResponseCode.SUCCESS) return [];
  return decodeStoredRecords(reply.body ?? Buffer.alloc(0)).map((m) => toReceivedMessage(m, broker.options.brokerName));
}
