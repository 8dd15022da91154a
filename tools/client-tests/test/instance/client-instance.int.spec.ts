// ClientInstance against a real nameserver and broker, embedded and over TCP: routes and queues,
// heartbeats that register groups on the broker, UNREGISTER_CLIENT, the consumer list, and the
// broker's server-to-client requests reaching the registered group.
import { ClientErrorCode, ClientInstance, type ConsumerRegistration } from '@pulsejet/client';
import { RequestCode, ResponseCode, buildSubscriptionData, createRequest } from '@pulsejet/protocol';
import { TRANSPORTS, startCluster, uniqueName, type TestCluster } from '../cluster';
import { waitFor } from './wait-for';

jest.setTimeout(60_000);

const quiet = (): undefined => undefined;

function consumerRegistration(topic: string, onIdsChanged?: () => void): ConsumerRegistration {
  return {
    consumeType: 'CONSUME_PASSIVELY',
    messageModel: 'CLUSTERING',
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    subscriptions: () => [buildSubscriptionData(topic, 'TagA || TagB', 1)],
    ...(onIdsChanged ? { onConsumerIdsChanged: onIdsChanged } : {}),
  };
}

describe.each(TRANSPORTS)('ClientInstance (%s)', (transport) => {
  let cluster: TestCluster;
  const instances: ClientInstance[] = [];

  function newInstance(instanceName?: string): ClientInstance {
    const instance = new ClientInstance({
      namesrvAddr: cluster.namesrvAddr,
      remoting: cluster.newRemotingClient(),
      ownsRemoting: true,
      log: quiet,
      ...(instanceName ? { instanceName } : {}),
    });
    instances.push(instance);
    return instance;
  }

  beforeAll(async () => {
    cluster = await startCluster(transport);
  });

  afterEach(async () => {
    for (const instance of instances.splice(0)) await instance.close();
  });

  afterAll(async () => {
    await cluster.close();
  });

  it('fetches a route and derives the broker address and the publish/subscribe queues', async () => {
    const topic = uniqueName('InstRoute');
    await cluster.createTopic(topic, 3);
    const instance = newInstance();
    await instance.start();
    const changes: string[] = [];
    const unsubscribe = instance.onRouteChange((changed) => changes.push(changed));

    const route = await instance.getRoute(topic);
    const brokerName = route.brokerDatas[0]!.brokerName;
    expect(instance.findBrokerAddr(brokerName)).toBe(cluster.broker.brokerAddr);
    expect(instance.findBrokerAddr(brokerName, { brokerId: 1 })).toBeUndefined();
    expect(instance.findBrokerAddr(brokerName, { brokerId: 1, slaveOk: true })).toBe(cluster.broker.brokerAddr);
    expect(instance.brokerNameOf(cluster.broker.brokerAddr)).toBe(brokerName);
    expect(await instance.publishQueues(topic)).toEqual([0, 1, 2].map((queueId) => ({ topic, brokerName, queueId })));
    expect(await instance.subscribeQueues(topic)).toEqual([0, 1, 2].map((queueId) => ({ topic, brokerName, queueId })));
    expect(changes).toEqual([topic]);

    // The same route fetched again is no change; a new queue count is.
    await instance.getRoute(topic, { refresh: true });
    expect(changes).toEqual([topic]);
    await cluster.createTopic(topic, 5);
    await instance.getRoute(topic, { refresh: true });
    expect(changes).toEqual([topic, topic]);
    expect(await instance.publishQueues(topic)).toHaveLength(5);

    unsubscribe();
    await cluster.createTopic(topic, 2);
    await instance.getRoute(topic, { refresh: true });
    expect(changes).toHaveLength(2);
  });

  it('fails with NO_ROUTE for a topic no broker serves', async () => {
    const instance = newInstance();
    await instance.start();
    await expect(instance.getRoute(uniqueName('Missing'))).rejects.toMatchObject({ code: ClientErrorCode.NO_ROUTE });
  });

  it('heartbeats a registered producer group to the broker and unregisters it', async () => {
    const topic = uniqueName('InstProd');
    await cluster.createTopic(topic, 1);
    const instance = newInstance();
    await instance.start();
    const group = uniqueName('PID');
    const unregister = instance.registerProducer(group, {});
    await instance.getRoute(topic); // a route brings the broker; it gets a heartbeat at once
    await waitFor('the producer group on the broker', () => cluster.broker.producers.groupNames().includes(group));

    expect(() => instance.registerProducer(group, {})).toThrow(expect.objectContaining({ code: ClientErrorCode.INVALID_ARGUMENT }));
    await unregister();
    expect(cluster.broker.producers.groupNames()).not.toContain(group);
  });

  it('registers consumers, lists the group sorted, and tells members when another one joins', async () => {
    const topic = uniqueName('InstCons');
    await cluster.createTopic(topic, 2);
    const group = uniqueName('GID');
    const first = newInstance('inst-b');
    const second = newInstance('inst-a');
    await first.start();
    await second.start();
    let notified = 0;
    const unregisterFirst = first.registerConsumer(group, consumerRegistration(topic, () => notified++));
    await first.getRoute(topic);
    await first.sendHeartbeatToAllBrokers();
    expect(await first.findConsumerIdList(topic, group)).toEqual([first.clientId]);
    expect(first.clientId).toBe('127.0.0.1@inst-b');

    // The broker keeps the subscription with Java's field values.
    expect(cluster.broker.consumers.findSubscription(group, topic)).toMatchObject({ subString: 'TagA || TagB', expressionType: 'TAG' });

    second.registerConsumer(group, consumerRegistration(topic));
    await second.getRoute(topic);
    await second.sendHeartbeatToAllBrokers();
    expect(await first.findConsumerIdList(topic, group)).toEqual(['127.0.0.1@inst-a', '127.0.0.1@inst-b']);
    await waitFor('NOTIFY_CONSUMER_IDS_CHANGED at the first consumer', () => notified > 0);

    await unregisterFirst();
    expect(await second.findConsumerIdList(topic, group)).toEqual(['127.0.0.1@inst-a']);
  });

  it('heartbeats every heartbeatBrokerIntervalMs on its own', async () => {
    const topic = uniqueName('InstBeat');
    await cluster.createTopic(topic, 1);
    const instance = new ClientInstance({ namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true, log: quiet, heartbeatBrokerIntervalMs: 100 });
    instances.push(instance);
    const group = uniqueName('GID');
    instance.registerConsumer(group, consumerRegistration(topic));
    await instance.start();
    await instance.getRoute(topic);
    const seen = (): number | undefined => cluster.broker.consumers.groupInfo(group)?.channels.values().next().value?.lastUpdateTimestamp;
    const first = await waitFor('the first heartbeat', seen);
    await waitFor('a later heartbeat from the timer', () => (seen() ?? 0) > first);
  });

  it('refuses the consumer list of a group with no live consumer with BROKER_ERROR', async () => {
    const topic = uniqueName('InstEmpty');
    await cluster.createTopic(topic, 1);
    const instance = newInstance();
    await instance.start();
    await expect(instance.findConsumerIdList(topic, uniqueName('GID'))).rejects.toMatchObject({ code: ClientErrorCode.BROKER_ERROR, responseCode: ResponseCode.SYSTEM_ERROR });
  });

  it('gives distinct clientIds to instances of one process by default', () => {
    const a = newInstance();
    const b = newInstance();
    expect(a.clientId).not.toBe(b.clientId);
    expect(a.clientId.startsWith('127.0.0.1@')).toBe(true);
  });

  it('invoke maps transport failures to ClientError and refuses use after close', async () => {
    const instance = newInstance();
    await instance.start();
    // Nothing listens there: a connect failure (TCP) or no bound server (embedded).
    await expect(instance.invoke('127.0.0.1:1', createRequest(RequestCode.HEART_BEAT, {}), 2000)).rejects.toMatchObject({
      code: ClientErrorCode.BROKER_UNREACHABLE,
      retriable: true,
    });
    await instance.close();
    await instance.close();
    await expect(instance.getRoute('Anything')).rejects.toMatchObject({ code: ClientErrorCode.NOT_RUNNING });
    // A rejection, never a synchronous throw: senders chain on the promise invoke returns.
    await expect(instance.invoke('127.0.0.1:1', createRequest(RequestCode.HEART_BEAT, {}))).rejects.toMatchObject({ code: ClientErrorCode.NOT_RUNNING });
    await expect(instance.start()).rejects.toMatchObject({ code: ClientErrorCode.NOT_RUNNING });
  });

  it('answers GET_CONSUMER_RUNNING_INFO with a clear not-supported remark', async () => {
    const topic = uniqueName('InstRunInfo');
    await cluster.createTopic(topic, 1);
    const instance = newInstance();
    await instance.start();
    const group = uniqueName('GID');
    instance.registerConsumer(group, consumerRegistration(topic));
    await instance.getRoute(topic);
    await instance.sendHeartbeatToAllBrokers();
    const channel = await waitFor('the consumer channel on the broker', () => cluster.broker.consumers.groupInfo(group)?.channels.values().next().value?.channel);
    const reply = await channel.request(createRequest(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: group, clientId: instance.clientId }), 5000);
    expect(reply.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(reply.remark).toMatch(/not supported/);
  });
});
