// HEART_BEAT, UNREGISTER_CLIENT, GET_CONSUMER_LIST_BY_GROUP and NOTIFY_CONSUMER_IDS_CHANGED over the
// in-process transport, with the real managers.
import { RequestCode, ResponseCode, createRequest, type RemotingCommand } from '@pulsejet/protocol';
import { InProcessNetwork, InProcessRemotingClient, InProcessRemotingServer } from '@pulsejet/remoting';
import { ConsumerManager, type ConsumerManagerOptions } from '../../src/client/consumer-manager';
import { ProducerManager } from '../../src/client/producer-manager';
import { registerClientProcessors } from '../../src/client/register-client-processors';
import { waitFor } from '../pull/harness';

const ADDRESS = '127.0.0.1:10911';
const quiet = (): void => undefined;

interface TestClient {
  client: InProcessRemotingClient;
  notified: string[];
  request(code: number, ext?: Record<string, string>, body?: unknown): Promise<RemotingCommand>;
}

interface Harness {
  consumers: ConsumerManager;
  producers: ProducerManager;
  retryTopicsFor: string[];
  connect(): TestClient;
  close(): Promise<void>;
}

async function start(options: ConsumerManagerOptions = {}, failRetryTopic = false): Promise<Harness> {
  const network = new InProcessNetwork();
  const server = new InProcessRemotingServer(network, { address: ADDRESS, log: quiet });
  const consumers = new ConsumerManager(options);
  const producers = new ProducerManager();
  const retryTopicsFor: string[] = [];
  registerClientProcessors(server, {
    consumers,
    producers,
    ensureRetryTopic: async (group) => {
      retryTopicsFor.push(group);
      if (failRetryTopic) throw new Error('nameserver unreachable');
    },
    log: quiet,
  });
  await server.start();
  consumers.start();
  producers.start();
  const clients: InProcessRemotingClient[] = [];
  return {
    consumers,
    producers,
    retryTopicsFor,
    connect: () => {
      const client = new InProcessRemotingClient(network, { log: quiet });
      clients.push(client);
      const notified: string[] = [];
      client.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (request) => {
        notified.push(request.extFields['consumerGroup'] ?? '?');
        return undefined;
      });
      return {
        client,
        notified,
        request: (code, ext = {}, body) =>
          client.request(ADDRESS, createRequest(code, ext, body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))), 3000),
      };
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await consumers.close();
      await producers.close();
      await server.close();
    },
  };
}

function heartbeat(clientID: string, group = 'GID_test', messageModel = 'CLUSTERING'): unknown {
  return {
    clientID,
    consumerDataSet: [
      {
        groupName: group,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel,
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [
          { topic: 'TopicTest', subString: 'TagA || TagB', classFilterMode: false, tagsSet: ['TagA', 'TagB'], codeSet: [], subVersion: 1 },
          { topic: `%RETRY%${group}`, subString: '*', classFilterMode: false, tagsSet: [], codeSet: [], subVersion: 1 },
        ],
        unitMode: false,
      },
    ],
    producerDataSet: [{ groupName: 'PID_test' }],
  };
}

async function consumerList(client: TestClient, group = 'GID_test'): Promise<RemotingCommand> {
  return client.request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: group });
}

describe('client management', () => {
  let harness: Harness;
  afterEach(() => harness.close());

  it('a heartbeat registers consumers and producers and creates retry topics (broadcasting too)', async () => {
    harness = await start();
    const c1 = harness.connect();
    const reply = await c1.request(RequestCode.HEART_BEAT, {}, {
      clientID: '192.0.2.2@1',
      consumerDataSet: [
        (heartbeat('x') as { consumerDataSet: unknown[] }).consumerDataSet[0],
        { groupName: 'GID_broadcast', messageModel: 'BROADCASTING', subscriptionDataSet: [{ topic: 'TopicTest', subString: '*' }] },
      ],
      producerDataSet: [{ groupName: 'PID_test' }],
    });
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(harness.retryTopicsFor.sort()).toEqual(['GID_broadcast', 'GID_test']);
    expect(harness.consumers.groupInfo('GID_broadcast')?.messageModel).toBe('BROADCASTING');
    expect(harness.consumers.findSubscription('GID_test', 'TopicTest')?.subString).toBe('TagA || TagB');
    expect(harness.producers.anyChannelOf('PID_test')).toBeDefined();
    const list = await consumerList(c1);
    expect(list.code).toBe(ResponseCode.SUCCESS);
    expect(JSON.parse(list.body!.toString())).toEqual({ consumerIdList: ['192.0.2.2@1'] });
  });

  it('still answers SUCCESS when the retry topic cannot be created (the next heartbeat retries)', async () => {
    harness = await start({}, true);
    const c1 = harness.connect();
    expect((await c1.request(RequestCode.HEART_BEAT, {}, heartbeat('c1'))).code).toBe(ResponseCode.SUCCESS);
    expect(harness.consumers.consumerIds('GID_test')).toEqual(['c1']);
  });

  it('answers SYSTEM_ERROR "no consumer for this group" for an empty group', async () => {
    harness = await start();
    const reply = await consumerList(harness.connect(), 'GID_nobody');
    expect(reply.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(reply.remark).toMatch(/no consumer for this group/);
  });

  it('notifies the other consumers when one joins and when one leaves', async () => {
    harness = await start();
    const c1 = harness.connect();
    const c2 = harness.connect();
    await c1.request(RequestCode.HEART_BEAT, {}, heartbeat('c1'));
    await c1.request(RequestCode.HEART_BEAT, {}, heartbeat('c1')); // a refresh changes nothing
    expect(c1.notified).toEqual([]);

    await c2.request(RequestCode.HEART_BEAT, {}, heartbeat('c2'));
    await waitFor(() => c1.notified.length === 1, 'c1 to hear that c2 joined');
    expect(c1.notified).toEqual(['GID_test']);
    expect(c2.notified).toEqual([]);
    expect(JSON.parse((await consumerList(c1)).body!.toString()).consumerIdList).toEqual(['c1', 'c2']);

    const bye = await c2.request(RequestCode.UNREGISTER_CLIENT, { clientID: 'c2', consumerGroup: 'GID_test' });
    expect(bye.code).toBe(ResponseCode.SUCCESS);
    await waitFor(() => c1.notified.length === 2, 'c1 to hear that c2 left');
    expect(harness.consumers.consumerIds('GID_test')).toEqual(['c1']);
  });

  it('removes the consumers and producers of a closed channel and notifies the rest', async () => {
    harness = await start();
    const c1 = harness.connect();
    const c2 = harness.connect();
    await c1.request(RequestCode.HEART_BEAT, {}, heartbeat('c1'));
    await c2.request(RequestCode.HEART_BEAT, {}, heartbeat('c2'));
    await waitFor(() => c1.notified.length === 1, 'the join notice');
    await c2.client.close();
    await waitFor(() => harness.consumers.consumerIds('GID_test').length === 1, 'c2 to be removed');
    await waitFor(() => c1.notified.length === 2, 'the leave notice');
    expect(harness.producers.clientIds('PID_test')).toEqual(['c1']);
    await c1.client.close();
    await waitFor(() => harness.consumers.groupInfo('GID_test') === undefined, 'the empty group to go');
    expect(harness.producers.anyChannelOf('PID_test')).toBeUndefined();
  });

  it('expires channels that stop heartbeating (scan loop) and closes them', async () => {
    harness = await start({ channelExpiredMillis: 100, scanIntervalMillis: 20 });
    const c1 = harness.connect();
    let closedOnClient = false;
    c1.client.onChannelEvent((event) => {
      if (event === 'close') closedOnClient = true;
    });
    await c1.request(RequestCode.HEART_BEAT, {}, heartbeat('c1'));
    expect(harness.consumers.consumerIds('GID_test')).toEqual(['c1']);
    await waitFor(() => harness.consumers.consumerIds('GID_test').length === 0, 'the silent consumer to expire');
    // The channel was closed too: the client sees it, and its next request reconnects and works.
    await waitFor(() => closedOnClient, 'the client to see its channel closed');
    expect((await c1.request(RequestCode.HEART_BEAT, {}, heartbeat('c1'))).code).toBe(ResponseCode.SUCCESS);
  });

  it.each<[string, number, Record<string, string>, unknown, RegExp]>([
    ['heartbeat without body', RequestCode.HEART_BEAT, {}, undefined, /needs a HeartbeatData JSON body/],
    ['heartbeat with bad JSON', RequestCode.HEART_BEAT, {}, '{oops', /not JSON/],
    ['heartbeat without clientID', RequestCode.HEART_BEAT, {}, { consumerDataSet: [] }, /no clientID/],
    ['heartbeat with a nameless group', RequestCode.HEART_BEAT, {}, { clientID: 'c', consumerDataSet: [{ messageModel: 'CLUSTERING' }] }, /no groupName/],
    ['unregister without clientID', RequestCode.UNREGISTER_CLIENT, { consumerGroup: 'G' }, undefined, /needs a clientID/],
    ['unregister without a group', RequestCode.UNREGISTER_CLIENT, { clientID: 'c' }, undefined, /consumerGroup or a producerGroup/],
    ['consumer list without group', RequestCode.GET_CONSUMER_LIST_BY_GROUP, {}, undefined, /needs a consumerGroup/],
  ])('%s gets a code and a remark, and the broker keeps serving', async (_name, code, ext, body, remark) => {
    harness = await start();
    const c1 = harness.connect();
    const reply = await c1.request(code, ext, body);
    expect(reply.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(reply.remark).toMatch(remark);
    expect((await c1.request(RequestCode.HEART_BEAT, {}, heartbeat('c1'))).code).toBe(ResponseCode.SUCCESS);
  });
});
