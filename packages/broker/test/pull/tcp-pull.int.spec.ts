// Over real TCP: a parked long poll must not hold up other requests on the same connection
// (reference §2.1: one socket carries every request of an ali-ons client).
import { MessageStore } from '@pulsejet/core';
import { RequestCode, ResponseCode, createRequest, decodeStoredRecords, type RemotingCommand } from '@pulsejet/protocol';
import { TcpRemotingClient, TcpRemotingServer } from '@pulsejet/remoting';
import { ConsumerManager } from '../../src/client/consumer-manager';
import { ProducerManager } from '../../src/client/producer-manager';
import { registerClientProcessors } from '../../src/client/register-client-processors';
import { registerPullProcessor, type PullProcessorHandle } from '../../src/pull/register-pull-processor';
import { pullHeader, putTagged, toExt, uniqueTopic, waitFor } from './harness';

describe('pull over TCP', () => {
  let store: MessageStore;
  let server: TcpRemotingServer;
  let client: TcpRemotingClient;
  let pulls: PullProcessorHandle;
  const consumers = new ConsumerManager();
  const producers = new ProducerManager();
  const quiet = (): void => undefined;

  beforeAll(async () => {
    store = await MessageStore.open({ memory: true });
    server = new TcpRemotingServer({ port: 0, log: quiet });
    pulls = registerPullProcessor(server, {
      store,
      brokerId: 0,
      isSlave: () => false,
      topicReadable: () => 'ok',
      longPolling: { checkIntervalMillis: 60_000 },
      log: quiet,
    });
    registerClientProcessors(server, { consumers, producers, ensureRetryTopic: async () => undefined, log: quiet });
    await server.start();
    client = new TcpRemotingClient({ log: quiet });
  });

  afterAll(async () => {
    await pulls.close();
    await client.close();
    await server.close();
    await store.close();
  });

  it('serves a heartbeat, a consumer list and another pull while a long poll is parked, then wakes it', async () => {
    const topic = uniqueTopic('TcpTopic');
    await putTagged(store, topic, 1, 'TagA', 'ready');
    const request = (code: number, ext: Record<string, string | number>, body?: Buffer): Promise<RemotingCommand> =>
      client.request(server.address(), createRequest(code, toExt(ext), body), 5000);

    let heldReply: RemotingCommand | undefined;
    const held = request(RequestCode.PULL_MESSAGE, pullHeader(topic, { sysFlag: 6, queueId: 0 })).then((reply) => (heldReply = reply));
    await waitFor(() => pulls.heldCount() === 1, 'the pull to be held');

    const heartbeat = { clientID: '127.0.0.1@tcp', consumerDataSet: [{ groupName: 'GID_tcp', subscriptionDataSet: [{ topic, subString: '*' }] }] };
    expect((await request(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(heartbeat)))).code).toBe(ResponseCode.SUCCESS);
    const list = await request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'GID_tcp' });
    expect(JSON.parse(list.body!.toString())).toEqual({ consumerIdList: ['127.0.0.1@tcp'] });
    const found = await request(RequestCode.PULL_MESSAGE, pullHeader(topic, { sysFlag: 6, queueId: 1 }));
    expect(decodeStoredRecords(found.body!).map((m) => m.body.toString())).toEqual(['ready']);
    expect(heldReply).toBeUndefined();

    await putTagged(store, topic, 0, 'TagA', 'woken');
    await held;
    expect(heldReply?.code).toBe(ResponseCode.SUCCESS);
    expect(decodeStoredRecords(heldReply!.body!).map((m) => m.body.toString())).toEqual(['woken']);
  });
});
