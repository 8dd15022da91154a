// PULL_MESSAGE request building and reply interpretation, against a client stub that records the
// request and answers with real stored-record bytes (the broker path is covered end to end in
// tools/client-tests; this pins the header, the flag bits and the exact tag filter).
import { ResponseCode, createResponse, encodeProperties, encodeStoredRecord, type RemotingCommand } from '@pulsejet/protocol';
import { ClientError } from '../errors';
import type { ConsumerClient } from './consumer-client';
import { PullSysFlag, pullMessage, type PullRequest } from './pull-api';
import { buildSubscription } from './subscription';

const mq = { topic: 'T', brokerName: 'broker-a', queueId: 3 };
const host = { address: '127.0.0.1', port: 10911 };

function record(queueOffset: number, tags: string): Buffer {
  return encodeStoredRecord({
    topic: 'T',
    queueId: 3,
    flag: 0,
    sysFlag: 0,
    bornTimestamp: 1,
    bornHost: host,
    storeHost: host,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    body: Buffer.from(`body-${queueOffset}`),
    properties: encodeProperties({ TAGS: tags }),
    queueOffset,
    physicalOffset: 1000 + queueOffset,
  });
}

function stub(reply: (request: RemotingCommand) => RemotingCommand, addrs: Record<number, string> = { 0: 'master:1', 1: 'slave:1' }) {
  const sent: { addr: string; request: RemotingCommand; timeoutMs: number | undefined }[] = [];
  const client = {
    clientId: 'c',
    findBrokerAddr: (_name: string, options: { brokerId?: number } = {}) => addrs[options.brokerId ?? 0],
    getRoute: async () => ({ queueDatas: [], brokerDatas: [] }),
    invoke: async (addr: string, request: RemotingCommand, timeoutMs?: number) => {
      sent.push({ addr, request, timeoutMs });
      return reply(request);
    },
  } as unknown as ConsumerClient;
  return { client, sent };
}

const offsets = { nextBeginOffset: '12', minOffset: '0', maxOffset: '12', suggestWhichBrokerId: '0' };

function request(overrides: Partial<PullRequest> = {}): PullRequest {
  return { group: 'G', mq, subscription: buildSubscription('T', 'Aa || C', 77), offset: 10, maxMsgNums: 32, commitOffset: 8, suspendTimeoutMs: 15_000, timeoutMs: 30_000, ...overrides };
}

describe('pullMessage', () => {
  it('sends the Java header with COMMIT_OFFSET | SUSPEND | SUBSCRIPTION, and a timeout above the suspension', async () => {
    const { client, sent } = stub((r) => createResponse(r, ResponseCode.PULL_NOT_FOUND, undefined, offsets));
    const result = await pullMessage(client, request());
    expect(result).toMatchObject({ status: 'NO_NEW_MSG', nextBeginOffset: 12, minOffset: 0, maxOffset: 12, messages: [] });
    expect(sent[0]!.addr).toBe('master:1');
    expect(sent[0]!.timeoutMs).toBe(30_000);
    expect(sent[0]!.request.extFields).toEqual({
      consumerGroup: 'G',
      topic: 'T',
      queueId: '3',
      queueOffset: '10',
      maxMsgNums: '32',
      sysFlag: String(PullSysFlag.COMMIT_OFFSET | PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION),
      commitOffset: '8',
      suspendTimeoutMillis: '15000',
      subscription: 'Aa || C',
      subVersion: '77',
      expressionType: 'TAG',
    });
  });

  it('commits nothing with offset 0 or on a slave, and does not ask to be held without a suspend time', async () => {
    const { client, sent } = stub((r) => createResponse(r, ResponseCode.PULL_RETRY_IMMEDIATELY, undefined, offsets));
    expect((await pullMessage(client, request({ commitOffset: 0, suspendTimeoutMs: 0 }))).status).toBe('NO_MATCHED_MSG');
    expect(sent[0]!.request.extFields['sysFlag']).toBe(String(PullSysFlag.SUBSCRIPTION));
    await pullMessage(client, request({ brokerId: 1 }));
    expect(sent[1]!.addr).toBe('slave:1');
    expect(sent[1]!.request.extFields['sysFlag']).toBe(String(PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION));
  });

  it('decodes FOUND bodies and keeps only exact tag matches ("BB" shares the hash of "Aa")', async () => {
    const body = Buffer.concat([record(10, 'Aa'), record(11, 'BB'), record(12, 'C')]);
    const { client } = stub((r) => createResponse(r, ResponseCode.SUCCESS, undefined, { ...offsets, nextBeginOffset: '13' }, body));
    const result = await pullMessage(client, request());
    expect(result.status).toBe('FOUND');
    expect(result.nextBeginOffset).toBe(13);
    expect(result.messages.map((m) => [m.queueOffset, m.tags, m.text(), m.queue.brokerName])).toEqual([
      [10, 'Aa', 'body-10', 'broker-a'],
      [12, 'C', 'body-12', 'broker-a'],
    ]);
  });

  it('maps OFFSET_MOVED, and turns other codes and missing offsets into ClientErrors', async () => {
    const moved = stub((r) => createResponse(r, ResponseCode.PULL_OFFSET_MOVED, undefined, { ...offsets, nextBeginOffset: '0' }));
    expect(await pullMessage(moved.client, request())).toMatchObject({ status: 'OFFSET_ILLEGAL', nextBeginOffset: 0 });

    const busy = stub((r) => createResponse(r, ResponseCode.SYSTEM_BUSY, 'too busy'));
    const error = await pullMessage(busy.client, request()).catch((e: unknown) => e);
    expect(ClientError.is(error) && [error.code, error.responseCode, error.retriable]).toEqual(['BROKER_ERROR', ResponseCode.SYSTEM_BUSY, true]);

    const broken = stub((r) => createResponse(r, ResponseCode.PULL_NOT_FOUND, undefined, { minOffset: '0' }));
    await expect(pullMessage(broken.client, request())).rejects.toMatchObject({ code: 'BROKER_ERROR' });

    const nowhere = stub((r) => createResponse(r, ResponseCode.SUCCESS), {});
    await expect(pullMessage(nowhere.client, request())).rejects.toMatchObject({ code: 'NO_ROUTE' });
  });
});
