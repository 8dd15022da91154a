// Retries: with one broker stopped, sends fail with a clear SEND_FAILED after the retries; with two
// broker groups serving a topic, sends fail over from a stopped one to the live one.
import { ClientErrorCode, Producer, type ClientLogLevel } from '@pulsejet/client';
import { RequestCode, ResponseCode, createResponse } from '@pulsejet/protocol';
import type { BrokerController } from '@pulsejet/broker';
import { TRANSPORTS, startCluster, uniqueName, type TestCluster } from '../cluster';
import { queueMessages } from './stored';

jest.setTimeout(90_000);

describe.each(TRANSPORTS)('Producer retries (%s)', (transport) => {
  let cluster: TestCluster | undefined;
  let producer: Producer | undefined;

  afterEach(async () => {
    await producer?.close();
    await cluster?.close();
    producer = undefined;
    cluster = undefined;
  });

  it('fails with SEND_FAILED naming every attempt when the only broker is stopped', async () => {
    cluster = await startCluster(transport);
    const topic = uniqueName('PStopped');
    await cluster.createTopic(topic, 2);
    producer = new Producer({ groupName: uniqueName('PID_stop'), namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true, log: () => undefined, sendTimeoutMs: 10_000 });
    await producer.start();
    expect((await producer.send({ topic, body: 'before' })).status).toBe('SEND_OK');

    await cluster.stopBroker(cluster.broker);
    const error = await producer.send({ topic, body: 'after' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: ClientErrorCode.SEND_FAILED, retriable: true });
    expect((error as Error).message).toMatch(/failed after 3 attempt\(s\)/);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe(ClientErrorCode.BROKER_UNREACHABLE);
  });

  /**
   * A cluster with a second broker group serving a new topic too, and a started producer without
   * latency fault tolerance: every round-robin pass still offers both groups' queues, so each send
   * really exercises the retry on the other group. Its warnings are collected.
   */
  async function twoGroupProducer(name: string, queues: number): Promise<{ cluster: TestCluster; producer: Producer; topic: string; second: BrokerController; warnings: string[] }> {
    // Also kept in the suite's variables, so afterEach closes them whatever the test does.
    const started = (cluster = await startCluster(transport));
    const second = await started.startBroker();
    const topic = uniqueName(name);
    await started.createTopic(topic, queues);
    await started.createTopicOn(second, topic, queues);
    const warnings: string[] = [];
    const created = (producer = new Producer({
      groupName: uniqueName(`PID_${name}`),
      namesrvAddr: started.namesrvAddr,
      remoting: started.newRemotingClient(),
      ownsRemoting: true,
      sendTimeoutMs: 10_000,
      sendLatencyFaultEnable: false,
      log: (level: ClientLogLevel, message: string) => {
        if (level === 'warn') warnings.push(message);
      },
    }));
    await created.start();
    return { cluster: started, producer: created, topic, second, warnings };
  }

  it('moves to the live broker group when another one of the topic is stopped', async () => {
    const { cluster, producer, topic, second, warnings } = await twoGroupProducer('PFailover', 4);
    // Both groups take messages while both run.
    const before = new Set<string>();
    for (let i = 0; i < 8; i++) before.add((await producer.send({ topic, body: `b${i}` })).queue.brokerName);
    expect(before).toEqual(new Set([cluster.broker.options.brokerName, second.options.brokerName]));

    await cluster.stopBroker(second);
    const after: string[] = [];
    for (let i = 0; i < 8; i++) after.push((await producer.send({ topic, body: `a${i}` })).queue.brokerName);
    expect(new Set(after)).toEqual(new Set([cluster.broker.options.brokerName]));
    expect(warnings.some((w) => w.includes(second.options.brokerName) && w.includes('retrying'))).toBe(true);

    const live = [0, 1, 2, 3].flatMap((queueId) => queueMessages(cluster.broker, topic, queueId).map((m) => m.text()));
    for (let i = 0; i < 8; i++) expect(live).toContain(`a${i}`);
  });

  it('retries a retriable refusal (NO_PERMISSION from a stale route) on the other broker group', async () => {
    const { cluster, producer, topic, second, warnings } = await twoGroupProducer('PNoPerm', 2);
    await producer.send({ topic, body: 'warm-up' }); // caches the route with both groups writable
    // The second group's topic becomes read-only; the producer's cached route does not know yet.
    const config = second.topics.get(topic)!;
    await second.topics.put({ ...config, perm: 4 });
    for (let i = 0; i < 6; i++) expect((await producer.send({ topic, body: `m${i}` })).queue.brokerName).toBe(cluster.broker.options.brokerName);
    expect(warnings.filter((w) => w.includes('code 16')).length).toBeGreaterThan(0);
  });

  it('fails with TIMEOUT when the broker does not answer within sendTimeoutMs', async () => {
    cluster = await startCluster(transport);
    const silent = await cluster.startBroker();
    const topic = uniqueName('PSilent');
    await cluster.createTopicOn(silent, topic, 1);
    // The broker is real, but its send processor holds every request until the test lets go.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    cluster.brokerServer(silent)!.registerProcessor(RequestCode.SEND_MESSAGE_V2, async (request) => {
      held++;
      await released;
      return createResponse(request, ResponseCode.SYSTEM_BUSY, 'released by the test');
    });
    producer = new Producer({ groupName: uniqueName('PID_silent'), namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true, log: () => undefined, sendTimeoutMs: 800 });
    await producer.start();
    try {
      const error = await producer.send({ topic, body: 'lost in the void' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: ClientErrorCode.TIMEOUT, retriable: true });
      expect((error as { cause?: { code?: string } }).cause?.code).toBe(ClientErrorCode.TIMEOUT);
      expect(held).toBeGreaterThan(0);
    } finally {
      release();
    }
  });

  it('avoids a failed broker group with latency fault tolerance (the default)', async () => {
    cluster = await startCluster(transport);
    const second = await cluster.startBroker();
    const topic = uniqueName('PFaults');
    await cluster.createTopic(topic, 2);
    await cluster.createTopicOn(second, topic, 2);
    const failures: string[] = [];
    producer = new Producer({
      groupName: uniqueName('PID_faults'),
      namesrvAddr: cluster.namesrvAddr,
      remoting: cluster.newRemotingClient(),
      ownsRemoting: true,
      sendTimeoutMs: 10_000,
      log: (level: ClientLogLevel, message: string) => {
        if (level === 'warn' && message.includes('failed')) failures.push(message);
      },
    });
    await producer.start();
    await producer.send({ topic, body: 'warm-up' }); // caches the route with both groups
    await cluster.stopBroker(second);
    for (let i = 0; i < 12; i++) expect((await producer.send({ topic, body: `m${i}` })).queue.brokerName).toBe(cluster.broker.options.brokerName);
    // Once isolated, the stopped group is not tried again: at most the first send hit it.
    expect(failures.filter((f) => f.includes(second.options.brokerName)).length).toBeLessThanOrEqual(1);
  });
});
