// Failure handling of PushConsumer: a throwing (or 'later') handler gets the message again from
// %RETRY%<group> with a growing reconsumeTimes; after maxReconsumeTimes it lands in %DLQ%<group>;
// a handler that never finishes is timed out and retried. Delay levels are shortened on the broker.
import { PushConsumer, dlqTopicOf, type ReceivedMessage } from '@pulsejet/client';
import { decodeStoredRecord } from '@pulsejet/protocol';
import { TRANSPORTS, startCluster, uniqueName, type TestCluster } from '../cluster';
import { SHORT_DELAY_LEVELS, testPushConsumer, TestSender, waitFor } from './helpers';

jest.setTimeout(60_000);

describe.each(TRANSPORTS)('PushConsumer retry and DLQ (%s)', (transport) => {
  let cluster: TestCluster;
  let sender: TestSender;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    cluster = await startCluster(transport, { messageDelayLevel: SHORT_DELAY_LEVELS });
    sender = await TestSender.start(cluster);
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await sender.close();
    await cluster.close();
  });

  function consumer(options: Partial<ConstructorParameters<typeof PushConsumer>[0]> & { groupName: string }): PushConsumer {
    return testPushConsumer(cluster, closers, options);
  }

  /** The messages stored in the group's DLQ (queue 0). */
  function dlqMessages(group: string): { body: string; reconsumeTimes: number; properties: Record<string, string> }[] {
    const topic = dlqTopicOf(group);
    const max = cluster.broker.store.getMaxOffsetInQueue(topic, 0);
    const out = [];
    for (let offset = 0; offset < max; offset++) {
      for (const buf of cluster.broker.store.getMessage(topic, 0, offset).messages.slice(0, 1)) {
        const record = decodeStoredRecord(buf);
        out.push({ body: record.body.toString(), reconsumeTimes: record.reconsumeTimes, properties: record.properties });
      }
    }
    return out;
  }

  it('retries a failing message with growing reconsumeTimes, then dead-letters it', async () => {
    const topic = uniqueName('Retry');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 1);
    const deliveries: ReceivedMessage[] = [];
    const c = consumer({ groupName: group, maxReconsumeTimes: 2 }).subscribe(topic, '*', async (msg) => {
      deliveries.push(msg);
      if (msg.text() === 'poison') throw new Error('cannot handle');
    });
    await c.start();
    await sender.send(topic, { body: 'poison', tags: 'T' });
    await sender.send(topic, { body: 'fine', tags: 'T' });
    await waitFor(() => dlqMessages(group).length === 1, 'the poison message in the DLQ');
    const poison = deliveries.filter((m) => m.text() === 'poison');
    // The first delivery and maxReconsumeTimes retries, each seen under the original topic.
    expect(poison.map((m) => m.reconsumeTimes)).toEqual([0, 1, 2]);
    expect(poison.every((m) => m.topic === topic)).toBe(true);
    expect(deliveries.filter((m) => m.text() === 'fine')).toHaveLength(1);
    const [dead] = dlqMessages(group);
    expect(dead!.body).toBe('poison');
    expect(dead!.properties['RETRY_TOPIC']).toBe(topic);
    expect(c.stats().retried).toBe(3);
  });

  it("treats 'later' like a throw", async () => {
    const topic = uniqueName('Later');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 1);
    const attempts: number[] = [];
    const c = consumer({ groupName: group }).subscribe(topic, '*', (msg) => {
      attempts.push(msg.reconsumeTimes);
      return msg.reconsumeTimes < 1 ? 'later' : undefined;
    });
    await c.start();
    await sender.send(topic, { body: 'x' });
    await waitFor(() => attempts.length === 2, 'a second delivery');
    expect(attempts).toEqual([0, 1]);
  });

  it('times out a handler that never finishes and retries its message', async () => {
    const topic = uniqueName('Hang');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 1);
    const attempts: number[] = [];
    const c = consumer({ groupName: group, consumeTimeoutMs: 200 }).subscribe(topic, '*', (msg) => {
      attempts.push(msg.reconsumeTimes);
      if (msg.reconsumeTimes === 0) return new Promise<void>(() => undefined);
      return undefined;
    });
    await c.start();
    await sender.send(topic, { body: 'slow' });
    await waitFor(() => attempts.length === 2, 'the retry after the timeout');
    expect(attempts).toEqual([0, 1]);
    await waitFor(() => cluster.broker.store.metadata.queryOffset(group, topic, 0) === 1, 'the original committed');
  });
});
