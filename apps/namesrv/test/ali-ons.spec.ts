// An unmodified ali-ons@3.12.0 client (reference §10) resolving routes from apps/namesrv running as
// a child process. The brokers are stand-ins that register with the nameserver and answer ali-ons'
// heartbeats; only the nameserver is under test.
import { Producer } from 'ali-ons';
import { NAMESPACE_ORDER_TOPIC_CONFIG, RequestCode, ResponseCode, createRequest } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { startTestBroker, topicConfig, type TestBroker } from './broker-helpers';
import { freePort, startNamesrvProcess, stopNamesrvProcess, type NamesrvProcess } from './process-helpers';

jest.setTimeout(60_000);

const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

describe('ali-ons against apps/namesrv', () => {
  let ns: NamesrvProcess;
  const brokers: TestBroker[] = [];
  let producer: Producer | undefined;

  beforeAll(async () => {
    ns = await startNamesrvProcess(await freePort());
    brokers.push(await startTestBroker({ namesrvAddrs: [ns.address], brokerName: 'broker-a', topics: [topicConfig('AliOnsTopic', 4), topicConfig('AliOnsOrdered', 2)], listen: true }));
    brokers.push(await startTestBroker({ namesrvAddrs: [ns.address], brokerName: 'broker-b', topics: [topicConfig('AliOnsTopic', 2)], listen: true }));
    const admin = new TcpRemotingClient({ log: () => undefined });
    const put = await admin.request(ns.address, createRequest(RequestCode.PUT_KV_CONFIG, { namespace: NAMESPACE_ORDER_TOPIC_CONFIG, key: 'AliOnsOrdered', value: 'broker-a:2' }), 2000);
    expect(put.code).toBe(ResponseCode.SUCCESS);
    await admin.close();
  });

  afterAll(async () => {
    await producer?.close().catch(() => undefined);
    await Producer.defaultProducer?.close().catch(() => undefined);
    for (const broker of brokers) await broker.close().catch(() => undefined);
    if (ns) await stopNamesrvProcess(ns, 'SIGKILL');
  });

  it('fetches and parses a route of a topic on two brokers, builds publish queues, and gets code 17 for an unknown topic', async () => {
    const errors: unknown[] = [];
    producer = new Producer({
      nameSrv: [ns.address],
      httpclient: {}, // asserted by ali-ons' RemotingClient even when nameSrv is given (reference §10.1)
      logger: quietLogger,
      producerGroup: 'PID_pulsejet_namesrv_test',
      // Short timers so ali-ons' own loops end soon after close.
      pollNameServerInteval: 500,
      heartbeatBrokerInterval: 500,
      rebalanceInterval: 500,
      persistConsumerOffsetInterval: 500,
    });
    producer.on('error', (error) => errors.push(error));
    await producer.ready();

    const route = await producer._mqClient.getTopicRouteInfoFromNameServer('AliOnsTopic', 3000);
    expect(route.brokerDatas.map((b) => [b.brokerName, b.brokerAddrs['0']])).toEqual([
      ['broker-a', brokers[0]!.brokerAddr],
      ['broker-b', brokers[1]!.brokerAddr],
    ]);
    expect(route.queueDatas.map((q) => [q.brokerName, q.writeQueueNums, q.perm])).toEqual([['broker-a', 4, 6], ['broker-b', 2, 6]]);

    const publish = await producer.tryToFindTopicPublishInfo('AliOnsTopic');
    expect(publish.messageQueueList.map((q) => `${q.brokerName}/${q.queueId}`).sort()).toEqual([
      'broker-a/0', 'broker-a/1', 'broker-a/2', 'broker-a/3', 'broker-b/0', 'broker-b/1',
    ]);

    // orderTopicConf from the ORDER_TOPIC_CONFIG namespace makes ali-ons build ordered publish queues.
    const ordered = await producer.tryToFindTopicPublishInfo('AliOnsOrdered');
    expect(ordered.orderTopic).toBe(true);
    expect(ordered.messageQueueList.map((q) => `${q.brokerName}/${q.queueId}`)).toEqual(['broker-a/0', 'broker-a/1']);

    const missing = await producer._mqClient.getTopicRouteInfoFromNameServer('AliOnsMissing', 3000).catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: 'MQClientException', code: ResponseCode.TOPIC_NOT_EXIST });
    expect(errors).toEqual([]);
  });
});
