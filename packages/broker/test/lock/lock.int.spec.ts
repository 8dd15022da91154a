// LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42) against a BrokerController over real TCP.
import { RequestCode, ResponseCode, createRequest, type RemotingCommand } from '@pulsejet/protocol';
import { encodeLockBatchRequestBody, parseLockBatchResponseBody, type LockedQueue } from '../../src/index';
import { startTestBroker, type TestBroker } from '../helpers';

const q = (queueId: number): LockedQueue => ({ topic: 'OrderTopic', brokerName: 'broker-a', queueId });

describe('queue lock processors over TCP', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ rebalanceLockMaxLiveTime: 60_000 });
  });
  afterAll(() => b.close());

  const request = (code: number, clientId: string, mqSet: LockedQueue[], consumerGroup = 'GID_order'): Promise<RemotingCommand> =>
    b.send(createRequest(code, {}, encodeLockBatchRequestBody({ consumerGroup, clientId, mqSet })));
  const lock = async (clientId: string, mqSet: LockedQueue[], group?: string): Promise<LockedQueue[]> => {
    const reply = await request(RequestCode.LOCK_BATCH_MQ, clientId, mqSet, group);
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    return parseLockBatchResponseBody(reply.body);
  };

  it('locks, refuses a second client, and frees on the owner unlocking', async () => {
    expect(await lock('c1', [q(0), q(1)])).toEqual([q(0), q(1)]);
    expect(await lock('c1', [q(0)])).toEqual([q(0)]);
    expect(await lock('c2', [q(0), q(1), q(2)])).toEqual([q(2)]);
    expect(await lock('c2', [q(0)], 'GID_other')).toEqual([q(0)]);

    // The reply body is the JSON RocketMQ clients read.
    const raw = await request(RequestCode.LOCK_BATCH_MQ, 'c1', [q(3)]);
    expect(JSON.parse(raw.body!.toString('utf8'))).toEqual({ lockOKMQSet: [{ topic: 'OrderTopic', brokerName: 'broker-a', queueId: 3 }] });

    const notOwner = await request(RequestCode.UNLOCK_BATCH_MQ, 'c2', [q(0)]);
    expect(notOwner.code).toBe(ResponseCode.SUCCESS);
    expect(await lock('c2', [q(0)])).toEqual([]);

    const unlocked = await request(RequestCode.UNLOCK_BATCH_MQ, 'c1', [q(0)]);
    expect(unlocked.code).toBe(ResponseCode.SUCCESS);
    expect(await lock('c2', [q(0)])).toEqual([q(0)]);
  });

  it.each([
    ['LOCK_BATCH_MQ', RequestCode.LOCK_BATCH_MQ],
    ['UNLOCK_BATCH_MQ', RequestCode.UNLOCK_BATCH_MQ],
  ])('answers a malformed %s body with SYSTEM_ERROR and keeps serving', async (name, code) => {
    const noBody = await b.send(createRequest(code, {}));
    expect(noBody.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(noBody.remark).toBe(`bad ${name} body: body is missing`);

    const badJson = await b.send(createRequest(code, {}, Buffer.from('{"consumerGroup":')));
    expect(badJson.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(badJson.remark).toBe(`bad ${name} body: body is not valid JSON`);

    const badQueue = await b.send(createRequest(code, {}, Buffer.from(JSON.stringify({ consumerGroup: 'G', clientId: 'c', mqSet: [{ topic: 'T', brokerName: 'b', queueId: 'x' }] }))));
    expect(badQueue.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(badQueue.remark).toBe(`bad ${name} body: mqSet[0].queueId must be an integer >= 0`);

    expect(await lock('alive', [q(9)], `GID_alive_${name}`)).toEqual([q(9)]);
  });
});
