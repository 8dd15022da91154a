// Producer.send / sendOneway / sendBatch / ordered sends against a real broker, embedded and over
// TCP; what was stored is read back from the broker (store and PULL_MESSAGE), never from the producer.
import { ClientErrorCode, ClientInstance, Producer, parseUniqueKey, queueKey, type MessageQueue } from '@pulsejet/client';
import { MessageSysFlag, RequestCode, ResponseCode, createRequest } from '@pulsejet/protocol';
import { randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { TRANSPORTS, startCluster, uniqueName, type TestCluster } from '../cluster';
import { waitFor } from '../instance/wait-for';
import { pullRaw, queueMessages, storedMessage, storedRecord } from './stored';

jest.setTimeout(60_000);

const quiet = (): undefined => undefined;

describe.each(TRANSPORTS)('Producer send (%s)', (transport) => {
  let cluster: TestCluster;
  let producer: Producer;

  beforeAll(async () => {
    // No TBW102: a topic the nameserver does not know is NO_ROUTE (auto-creation has its own test).
    cluster = await startCluster(transport, { autoCreateTopicEnable: false });
    producer = new Producer({ groupName: uniqueName('PID_send'), namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true, log: quiet });
    await producer.start();
  });

  afterAll(async () => {
    await producer.close();
    await cluster.close();
  });

  it('stores tags, keys, user properties and the UNIQ_KEY it returns as msgId', async () => {
    const topic = uniqueName('PSend');
    await cluster.createTopic(topic, 4);
    const result = await producer.send({ topic, body: 'hello', tags: 'TagA', keys: ['order-1', 'user-9'], properties: { color: 'red' } });
    expect(result.status).toBe('SEND_OK');
    expect(result.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(parseUniqueKey(result.msgId)?.pid).toBe(process.pid & 0xffff);
    expect(result.queue.topic).toBe(topic);
    expect(result.queue.brokerName).toBe(cluster.broker.options.brokerName);

    const stored = storedMessage(cluster.broker, result.offsetMsgId);
    expect(stored).toMatchObject({ topic, tags: 'TagA', keys: ['order-1', 'user-9'], msgId: result.msgId, offsetMsgId: result.offsetMsgId, queueOffset: result.queueOffset });
    expect(stored.queue).toEqual(result.queue);
    expect(stored.properties['UNIQ_KEY']).toBe(result.msgId);
    expect(stored.userProperties).toEqual({ color: 'red' });
    expect(stored.text()).toBe('hello');

    // The same message as a consumer pulls it over the wire.
    const client = cluster.newRemotingClient();
    try {
      const pulled = await pullRaw(client, cluster.broker, topic, result.queue.queueId, result.queueOffset);
      expect(pulled[0]).toMatchObject({ msgId: result.msgId, tags: 'TagA', keys: ['order-1', 'user-9'] });
      expect(pulled[0]?.text()).toBe('hello');
    } finally {
      await client.close();
    }
  });

  it('sends a JSON body with its content type, and Buffers as they are', async () => {
    const topic = uniqueName('PJson');
    await cluster.createTopic(topic, 2);
    const json = await producer.send({ topic, body: { orderId: 42, lines: ['a', 'b'] } });
    const stored = storedMessage(cluster.broker, json.offsetMsgId);
    expect(stored.json()).toEqual({ orderId: 42, lines: ['a', 'b'] });
    expect(stored.properties['CONTENT_TYPE']).toBe('application/json');

    const bytes = Buffer.from([0, 1, 2, 255]);
    const raw = await producer.send({ topic, body: bytes });
    expect(storedMessage(cluster.broker, raw.offsetMsgId).body.equals(bytes)).toBe(true);
    expect(storedMessage(cluster.broker, raw.offsetMsgId).properties['CONTENT_TYPE']).toBeUndefined();
  });

  it('compresses a body over 4 KiB: stored deflated with the sysFlag bit, read back whole', async () => {
    const topic = uniqueName('PZip');
    await cluster.createTopic(topic, 1);
    const text = 'compress me please '.repeat(400); // 7600 bytes
    const result = await producer.send({ topic, body: text });
    const record = storedRecord(cluster.broker, result.offsetMsgId);
    expect(record.sysFlag & MessageSysFlag.COMPRESSED).toBe(MessageSysFlag.COMPRESSED);
    expect(record.body.length).toBeLessThan(text.length);
    expect(inflateSync(record.body).toString()).toBe(text);
    expect(storedMessage(cluster.broker, result.offsetMsgId).text()).toBe(text);

    const small = await producer.send({ topic, body: 'x'.repeat(4096) });
    expect(storedRecord(cluster.broker, small.offsetMsgId).sysFlag & MessageSysFlag.COMPRESSED).toBe(0);
  });

  it('sendOneway stores the message without waiting for the answer', async () => {
    const topic = uniqueName('POneway');
    await cluster.createTopic(topic, 1);
    await producer.sendOneway({ topic, body: 'fire', keys: 'k-oneway' });
    const [stored] = await waitFor('the oneway message in the store', () => {
      const found = queueMessages(cluster.broker, topic, 0);
      return found.length > 0 ? found : undefined;
    });
    expect(stored).toMatchObject({ keys: ['k-oneway'] });
    expect(stored?.text()).toBe('fire');
  });

  it('sendBatch stores messages of one topic in one queue with consecutive offsets and their own UNIQ_KEYs', async () => {
    const topic = uniqueName('PBatch');
    await cluster.createTopic(topic, 4);
    const result = await producer.sendBatch([
      { topic, body: 'one', tags: 'A', keys: 'k1' },
      { topic, body: { n: 2 }, tags: 'B' },
      { topic, body: Buffer.from('three') },
    ]);
    expect(result.status).toBe('SEND_OK');
    expect(result.msgIds).toHaveLength(3);
    expect(new Set(result.msgIds).size).toBe(3);
    expect(result.offsetMsgIds).toHaveLength(3);
    const stored = queueMessages(cluster.broker, topic, result.queue.queueId, result.queueOffset);
    expect(stored.map((m) => m.msgId)).toEqual(result.msgIds);
    expect(stored.map((m) => m.queueOffset)).toEqual([result.queueOffset, result.queueOffset + 1, result.queueOffset + 2]);
    expect(stored.map((m) => m.tags)).toEqual(['A', 'B', undefined]);
    expect(stored[1]?.json()).toEqual({ n: 2 });
    expect(stored.map((m) => m.offsetMsgId)).toEqual(result.offsetMsgIds);
  });

  it('sends every message with one sharding key to one queue, and different keys over the queues', async () => {
    const topic = uniqueName('POrder');
    await cluster.createTopic(topic, 4);
    const byKey = new Map<string, Set<string>>();
    for (let i = 0; i < 40; i++) {
      const key = `order-${i % 8}`;
      const result = await producer.send({ topic, body: `step ${i}`, shardingKey: key });
      const queues = byKey.get(key) ?? new Set<string>();
      queues.add(queueKey(result.queue));
      byKey.set(key, queues);
    }
    for (const queues of byKey.values()) expect(queues.size).toBe(1);
    const used = new Set([...byKey.values()].flatMap((queues) => [...queues]));
    expect(used.size).toBeGreaterThan(1);

    // Per key, the stored order is the send order.
    const firstKeyQueue = [...byKey.get('order-0')!][0]!;
    const queueId = Number(firstKeyQueue.split('@')[2]);
    const steps = queueMessages(cluster.broker, topic, queueId).filter((m) => m.properties['__SHARDINGKEY'] === 'order-0').map((m) => m.text());
    expect(steps).toEqual(['step 0', 'step 8', 'step 16', 'step 24', 'step 32']);
  });

  it('sends to the queue a selector picks', async () => {
    const topic = uniqueName('PSelect');
    await cluster.createTopic(topic, 4);
    let offered: readonly MessageQueue[] = [];
    const result = await producer.send({ topic, body: 'picked' }, {
      selector: (queues, _message, arg) => {
        offered = queues;
        return queues[arg as number]!;
      },
      arg: 3,
    });
    expect(offered.map((q) => q.queueId)).toEqual([0, 1, 2, 3]);
    expect(result.queue.queueId).toBe(3);
    expect(queueMessages(cluster.broker, topic, 3).map((m) => m.msgId)).toContain(result.msgId);
  });

  it('spreads plain sends over the writable queues (round robin)', async () => {
    const topic = uniqueName('PRound');
    await cluster.createTopic(topic, 4);
    const queues = new Set<number>();
    for (let i = 0; i < 8; i++) queues.add((await producer.send({ topic, body: `m${i}` })).queue.queueId);
    expect([...queues].sort()).toEqual([0, 1, 2, 3]);
  });

  it('refuses invalid messages with INVALID_ARGUMENT before sending', async () => {
    const topic = uniqueName('PBad');
    await cluster.createTopic(topic, 1);
    for (const message of [
      { topic: 'has space', body: 'x' },
      { topic: 'x'.repeat(128), body: 'x' },
      { topic, body: '' },
      { topic, body: 'x', properties: { TAGS: 'sneaky' } },
      { topic, body: 'x', delayLevel: 1, deliverAt: Date.now() + 1000 },
    ]) {
      await expect(producer.send(message)).rejects.toMatchObject({ code: ClientErrorCode.INVALID_ARGUMENT });
    }
    await expect(producer.send({ topic, body: 'x' }, { timeoutMs: 0 })).rejects.toMatchObject({ code: ClientErrorCode.INVALID_ARGUMENT });
    await expect(producer.send({ topic, body: 'x' }, { queue: { topic: 'other', brokerName: 'b', queueId: 0 } })).rejects.toMatchObject({ code: ClientErrorCode.INVALID_ARGUMENT });
    await expect(producer.sendBatch([])).rejects.toMatchObject({ code: ClientErrorCode.INVALID_ARGUMENT });
    await expect(producer.sendBatch([{ topic, body: 'a' }, { topic: `${topic}x`, body: 'b' }])).rejects.toMatchObject({ code: ClientErrorCode.INVALID_ARGUMENT });
    await expect(producer.sendBatch([{ topic, body: 'a', delayLevel: 2 }])).rejects.toMatchObject({ code: ClientErrorCode.INVALID_ARGUMENT });
    expect(queueMessages(cluster.broker, topic, 0)).toHaveLength(0);
  });

  it('fails at once with BROKER_ERROR, the response code and the remark, when the broker refuses the message', async () => {
    const topic = uniqueName('PTooBig');
    await cluster.createTopic(topic, 1);
    // Over the test broker's 1 MiB maxMessageSize but under the producer's 4 MiB; random bytes don't compress.
    const error = await producer.send({ topic, body: randomBytes(1024 * 1024 + 512) }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: ClientErrorCode.BROKER_ERROR, responseCode: ResponseCode.MESSAGE_ILLEGAL, retriable: false });
    expect((error as Error).message).toMatch(/maxMessageSize/);
  });

  it('fails with NO_ROUTE for a topic no broker serves', async () => {
    await expect(producer.send({ topic: uniqueName('PNone'), body: 'x' })).rejects.toMatchObject({ code: ClientErrorCode.NO_ROUTE });
  });

  it('refuses invalid producer options at construction and sends before start / after close', async () => {
    expect(() => new Producer({ groupName: '', namesrvAddr: cluster.namesrvAddr })).toThrow(expect.objectContaining({ code: ClientErrorCode.INVALID_ARGUMENT }));
    expect(() => new Producer({ groupName: 'G', namesrvAddr: '' })).toThrow(expect.objectContaining({ code: ClientErrorCode.INVALID_ARGUMENT }));
    expect(() => new Producer({ groupName: 'G', namesrvAddr: cluster.namesrvAddr, sendTimeoutMs: -5 })).toThrow(expect.objectContaining({ code: ClientErrorCode.INVALID_ARGUMENT }));

    const other = new Producer({ groupName: uniqueName('PID_life'), namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true, log: quiet });
    await expect(other.send({ topic: 'T', body: 'x' })).rejects.toMatchObject({ code: ClientErrorCode.NOT_RUNNING });
    await Promise.all([other.start(), other.start()]);
    await other.close();
    await other.close();
    await expect(other.send({ topic: 'T', body: 'x' })).rejects.toMatchObject({ code: ClientErrorCode.NOT_RUNNING });
    await expect(other.start()).rejects.toMatchObject({ code: ClientErrorCode.NOT_RUNNING });
  });

  it('shares one ClientInstance between producers, refusing a second producer of the same group', async () => {
    const instance = new ClientInstance({ namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true, log: quiet });
    const group = uniqueName('PID_dup');
    const first = new Producer({ groupName: group, clientInstance: instance });
    const other = new Producer({ groupName: uniqueName('PID_other'), clientInstance: instance });
    try {
      await first.start();
      await other.start();
      expect(first.clientId).toBe(other.clientId);
      const second = new Producer({ groupName: group, clientInstance: instance });
      await expect(second.start()).rejects.toMatchObject({ code: ClientErrorCode.INVALID_ARGUMENT });
      // Closing a producer that shares the instance leaves the instance to its owner.
      await first.close();
      const topic = uniqueName('PShared');
      await cluster.createTopic(topic, 1);
      expect((await other.send({ topic, body: 'still works' })).status).toBe('SEND_OK');
    } finally {
      await first.close();
      await other.close();
      await instance.close();
    }
  });

  it('close waits for sends in flight', async () => {
    const topic = uniqueName('PClose');
    await cluster.createTopic(topic, 2);
    const closing = new Producer({ groupName: uniqueName('PID_close'), namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true, log: quiet });
    await closing.start();
    const sends = Array.from({ length: 20 }, (_, i) => closing.send({ topic, body: `m${i}` }));
    await closing.close();
    const results = await Promise.allSettled(sends);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
  });
});

describe.each(TRANSPORTS)('Producer send to a new topic (%s)', (transport) => {
  it('goes through the TBW102 route when the broker allows auto-creation, which creates the topic', async () => {
    const cluster = await startCluster(transport); // autoCreateTopicEnable defaults to true, as in Java
    const producer = new Producer({ groupName: uniqueName('PID_auto'), namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true, log: quiet, defaultTopicQueueNums: 2 });
    try {
      await producer.start();
      const topic = uniqueName('PAuto');
      const first = await producer.send({ topic, body: 'first' });
      expect(first.status).toBe('SEND_OK');
      expect(first.queue.queueId).toBeLessThan(2);
      expect(cluster.broker.topics.get(topic)).toMatchObject({ readQueueNums: 2, writeQueueNums: 2 });
      expect(storedMessage(cluster.broker, first.offsetMsgId).text()).toBe('first');
      // Once registered, the topic's own route is used.
      const route = await waitFor('the new topic on the nameserver', async () => {
        const client = cluster.newRemotingClient();
        try {
          const reply = await client.request(cluster.namesrvAddr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 5000);
          return reply.code === ResponseCode.SUCCESS;
        } finally {
          await client.close();
        }
      });
      expect(route).toBe(true);
      expect((await producer.send({ topic, body: 'second' })).status).toBe('SEND_OK');
    } finally {
      await producer.close();
      await cluster.close();
    }
  });
});
