// Request headers and reply handling of the consumer's broker calls, against a recording stub
// (the same calls run against the real broker in tools/client-tests/test/consumer).
import { RequestCode, ResponseCode, createResponse, type RemotingCommand } from '@pulsejet/protocol';
import type { ConsumerClient } from './consumer-client';
import { getMaxOffset, lockBatch, queryConsumerOffset, searchOffset, sendMessageBack, unlockBatch, updateConsumerOffset } from './broker-calls';
import { RemoteBrokerOffsetStore } from './remote-offset-store';

const mq = { topic: 'T', brokerName: 'broker-a', queueId: 2 };

function stub(reply: (request: RemotingCommand) => RemotingCommand) {
  const sent: RemotingCommand[] = [];
  const client = {
    clientId: '127.0.0.1@c1',
    findBrokerAddr: () => 'master:1',
    getRoute: async () => ({ queueDatas: [], brokerDatas: [] }),
    invoke: async (_addr: string, request: RemotingCommand) => {
      sent.push(request);
      return reply(request);
    },
  } as unknown as ConsumerClient;
  return { client, sent };
}

describe('consumer broker calls', () => {
  it('QUERY_CONSUMER_OFFSET: an offset, or undefined for QUERY_NOT_FOUND (22)', async () => {
    const found = stub((r) => createResponse(r, ResponseCode.SUCCESS, undefined, { offset: '42' }));
    expect(await queryConsumerOffset(found.client, 'G', mq)).toBe(42);
    expect(found.sent[0]).toMatchObject({ code: RequestCode.QUERY_CONSUMER_OFFSET, extFields: { topic: 'T', queueId: '2', consumerGroup: 'G' } });
    const missing = stub((r) => createResponse(r, ResponseCode.QUERY_NOT_FOUND, 'Not found'));
    expect(await queryConsumerOffset(missing.client, 'G', mq)).toBeUndefined();
    const store = new RemoteBrokerOffsetStore(missing.client, 'G');
    expect(await store.readStore(mq)).toBe(-1);
    const failing = stub((r) => createResponse(r, ResponseCode.SYSTEM_ERROR, 'boom'));
    await expect(queryConsumerOffset(failing.client, 'G', mq)).rejects.toMatchObject({ code: 'BROKER_ERROR', responseCode: ResponseCode.SYSTEM_ERROR });
  });

  it('UPDATE_CONSUMER_OFFSET, GET_MAX_OFFSET and SEARCH_OFFSET_BY_TIMESTAMP headers', async () => {
    const { client, sent } = stub((r) => createResponse(r, ResponseCode.SUCCESS, undefined, { offset: '7' }));
    await updateConsumerOffset(client, 'G', mq, 9);
    expect(await getMaxOffset(client, mq)).toBe(7);
    expect(await searchOffset(client, mq, 1234)).toBe(7);
    expect(sent.map((r) => [r.code, r.extFields])).toEqual([
      [RequestCode.UPDATE_CONSUMER_OFFSET, { topic: 'T', queueId: '2', consumerGroup: 'G', commitOffset: '9' }],
      [RequestCode.GET_MAX_OFFSET, { topic: 'T', queueId: '2' }],
      [RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { topic: 'T', queueId: '2', timestamp: '1234' }],
    ]);
  });

  it('the remote offset store sends only what changed since the last commit', async () => {
    const { client, sent } = stub((r) => createResponse(r, ResponseCode.SUCCESS));
    const store = new RemoteBrokerOffsetStore(client, 'G');
    store.update(mq, 5, false);
    await store.persistAll([mq]);
    await store.persistAll([mq]);
    store.update(mq, 4, true); // increase only: ignored
    await store.persistAll([mq]);
    store.update(mq, 6, true);
    await store.persistAll([mq, { ...mq, queueId: 9 }]);
    expect(sent.map((r) => r.extFields['commitOffset'])).toEqual(['5', '6']);
  });

  it('CONSUMER_SEND_MSG_BACK carries the Java header', async () => {
    const { client, sent } = stub((r) => createResponse(r, ResponseCode.SUCCESS));
    await sendMessageBack(client, 'broker-a', '%RETRY%G', { commitLogOffset: 128, group: 'G', delayLevel: 0, originMsgId: 'ABC', originTopic: 'T', maxReconsumeTimes: 16 });
    expect(sent[0]).toMatchObject({
      code: RequestCode.CONSUMER_SEND_MSG_BACK,
      extFields: { offset: '128', group: 'G', delayLevel: '0', originMsgId: 'ABC', originTopic: 'T', unitMode: 'false', maxReconsumeTimes: '16' },
    });
  });

  it('LOCK_BATCH_MQ / UNLOCK_BATCH_MQ bodies and the locked set', async () => {
    const { client, sent } = stub((r) =>
      r.code === RequestCode.LOCK_BATCH_MQ ? createResponse(r, ResponseCode.SUCCESS, undefined, {}, Buffer.from(JSON.stringify({ lockOKMQSet: [mq] }))) : createResponse(r, ResponseCode.SUCCESS),
    );
    const other = { ...mq, queueId: 3 };
    expect(await lockBatch(client, 'G', [mq, other])).toEqual([mq]);
    await unlockBatch(client, 'G', [mq]);
    expect(JSON.parse(sent[0]!.body!.toString())).toEqual({ consumerGroup: 'G', clientId: '127.0.0.1@c1', mqSet: [mq, other] });
    expect(sent[1]!.code).toBe(RequestCode.UNLOCK_BATCH_MQ);
    expect(await lockBatch(client, 'G', [])).toEqual([]);
  });
});
