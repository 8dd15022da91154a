// Delayed messages (DELAY levels through SCHEDULE_TOPIC_XXXX) and CONSUMER_SEND_MSG_BACK (retry and
// dead letters), over TCP against a temp-dir broker with short delay levels.
import { rmSync } from 'node:fs';
import { subscriptionGroupWithDefaults } from '@pulsejet/core';
import { RequestCode, ResponseCode, createRequest, decodeStoredRecords, type StoredMessage } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { BrokerController, SCHEDULE_TOPIC, type BrokerOptions } from '../../src/index';
import { TIMEOUT_MS, sendV1, startTestBroker, testBrokerOptions, uniqueTopic, type TestBroker } from '../helpers';

const LEVELS = '100ms 200ms 300ms';

async function pullAll(b: Pick<TestBroker, 'send'>, topic: string, queueId = 0, subscription = '*'): Promise<StoredMessage[]> {
  const reply = await b.send(
    createRequest(RequestCode.PULL_MESSAGE, {
      consumerGroup: 'GID_delay_test',
      topic,
      queueId: String(queueId),
      queueOffset: '0',
      maxMsgNums: '32',
      sysFlag: '4',
      commitOffset: '0',
      suspendTimeoutMillis: '0',
      subscription,
      subVersion: '1',
    }),
  );
  return reply.code === ResponseCode.SUCCESS && reply.body ? decodeStoredRecords(reply.body) : [];
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sendBack(fields: Record<string, string>) {
  return createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, fields);
}

describe('delayed messages', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ messageDelayLevel: LEVELS });
  });
  afterAll(() => b.close());

  it('keeps a delayed message out of its topic until its level has passed, then delivers it without DELAY', async () => {
    const topic = uniqueTopic('Delay');
    const sentAt = Date.now();
    const sent = await b.send(sendV1(topic, Buffer.from('later'), {}, { TAGS: 'TagA', KEYS: 'k1 k2', DELAY: '3' }));
    expect(sent.code).toBe(ResponseCode.SUCCESS);
    expect(await pullAll(b, topic)).toEqual([]);
    expect(b.broker.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, 2)).toBe(1);

    const [delivered] = await waitFor(async () => {
      const messages = await pullAll(b, topic, 0, 'TagA');
      return messages.length > 0 ? messages : undefined;
    }, 'the delayed message');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(290);
    expect(delivered?.body.toString()).toBe('later');
    expect(delivered?.topic).toBe(topic);
    expect(delivered?.queueId).toBe(0);
    expect(delivered?.properties).toMatchObject({ TAGS: 'TagA', KEYS: 'k1 k2', REAL_TOPIC: topic, REAL_QID: '0' });
    expect(delivered?.properties['DELAY']).toBeUndefined();
    expect(delivered!.storeTimestamp - delivered!.bornTimestamp).toBeGreaterThanOrEqual(290);
  });

  it('delivers the messages of a level in send order, and clamps levels above the highest', async () => {
    const topic = uniqueTopic('DelayOrder');
    for (let i = 0; i < 5; i++) {
      const sent = await b.send(sendV1(topic, Buffer.from(`m${i}`), {}, { TAGS: 'TagA', DELAY: i === 4 ? '99' : '1' }));
      expect(sent.code).toBe(ResponseCode.SUCCESS);
    }
    const messages = await waitFor(async () => {
      const pulled = await pullAll(b, topic);
      return pulled.length === 5 ? pulled : undefined;
    }, 'five delayed messages');
    expect(messages.map((m) => m.body.toString())).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(messages[4]?.properties['REAL_TOPIC']).toBe(topic);
  });

  it('does not delay a message with DELAY 0', async () => {
    const topic = uniqueTopic('NoDelay');
    await b.send(sendV1(topic, Buffer.from('now'), {}, { TAGS: 'TagA', DELAY: '0' }));
    const [message] = await pullAll(b, topic);
    expect(message?.body.toString()).toBe('now');
    expect(message?.properties['REAL_TOPIC']).toBeUndefined();
  });
});

describe('delivery at an arbitrary time', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ messageDelayLevel: LEVELS });
  });
  afterAll(() => b.close());

  it('honours TIMER_DELAY_MS, TIMER_DELIVER_MS, TIMER_DELAY_SEC and __STARTDELIVERTIME: never early, once', async () => {
    const now = Date.now();
    const cases: Array<{ topic: string; properties: Record<string, string>; target: number }> = [
      { topic: uniqueTopic('TimerDelayMs'), properties: { TIMER_DELAY_MS: '700' }, target: now + 700 },
      { topic: uniqueTopic('TimerDeliverMs'), properties: { TIMER_DELIVER_MS: String(now + 500) }, target: now + 500 },
      { topic: uniqueTopic('TimerDelaySec'), properties: { TIMER_DELAY_SEC: '1' }, target: now + 1000 },
      { topic: uniqueTopic('StartDeliver'), properties: { __STARTDELIVERTIME: String(now + 400) }, target: now + 400 },
    ];
    for (const c of cases) {
      expect((await b.send(sendV1(c.topic, Buffer.from(c.topic), {}, { TAGS: 'TagA', ...c.properties }))).code).toBe(ResponseCode.SUCCESS);
    }
    for (const c of cases) expect(await pullAll(b, c.topic)).toEqual([]);
    for (const c of cases) {
      const [message] = await waitFor(async () => {
        const pulled = await pullAll(b, c.topic);
        return pulled.length > 0 ? pulled : undefined;
      }, `the timed message of ${c.topic}`);
      expect(message!.storeTimestamp).toBeGreaterThanOrEqual(c.target);
      expect(message!.storeTimestamp).toBeLessThan(c.target + 1000);
      expect(message?.properties).toMatchObject({ ...c.properties, REAL_TOPIC: c.topic, REAL_QID: '0' });
      expect(message?.properties['DELAY']).toBeUndefined();
      expect(message?.properties['TIMER_OUT_MS']).toBeUndefined();
    }
    await sleep(300);
    for (const c of cases) expect(await pullAll(b, c.topic)).toHaveLength(1);
  }, 30_000);

  it('delivers a message whose time has passed at once, and does not delay its dead letter again', async () => {
    const topic = uniqueTopic('TimerPast');
    await b.send(sendV1(topic, Buffer.from('past'), {}, { TAGS: 'TagA', TIMER_DELIVER_MS: String(Date.now() - 1000) }));
    expect((await pullAll(b, topic)).map((m) => m.body.toString())).toEqual(['past']);

    const timed = uniqueTopic('TimerDlq');
    await b.send(sendV1(timed, Buffer.from('timed'), {}, { TAGS: 'TagA', TIMER_DELAY_MS: '150' }));
    const [delivered] = await waitFor(async () => {
      const pulled = await pullAll(b, timed);
      return pulled.length > 0 ? pulled : undefined;
    }, 'the timed message');
    const group = `GID_timer_${Date.now()}`;
    const reply = await b.send(sendBack({ offset: String(delivered!.physicalOffset), group, delayLevel: '0', maxReconsumeTimes: '0' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect((await pullAll(b, `%DLQ%${group}`)).map((m) => m.body.toString())).toEqual(['timed']);
  });
});

describe('delayed messages across a restart', () => {
  it('resumes from the persisted progress: delivered once, not lost and not twice', async () => {
    const first = await startTestBroker({ messageDelayLevel: '100ms 200ms 1s' });
    const options: BrokerOptions = testBrokerOptions(first.dir, { messageDelayLevel: '100ms 200ms 1s' });
    const topic = uniqueTopic('DelayRestart');
    const sent = await first.send(sendV1(topic, Buffer.from('survives'), {}, { TAGS: 'TagA', DELAY: '3' }));
    expect(sent.code).toBe(ResponseCode.SUCCESS);
    await first.client.close();
    await first.broker.close();

    const client = new TcpRemotingClient();
    let broker = new BrokerController(options);
    try {
      await broker.start();
      const send = (command: ReturnType<typeof createRequest>) => client.request(broker.brokerAddr, command, TIMEOUT_MS);
      expect(await pullAll({ send }, topic)).toEqual([]);
      await waitFor(async () => ((await pullAll({ send }, topic)).length > 0 ? true : undefined), 'the delayed message after a restart');
      await sleep(300);
      expect((await pullAll({ send }, topic)).map((m) => m.body.toString())).toEqual(['survives']);
      await broker.close();

      broker = new BrokerController(options);
      await broker.start();
      await sleep(400);
      const again = await pullAll({ send: (command) => client.request(broker.brokerAddr, command, TIMEOUT_MS) }, topic);
      expect(again.map((m) => m.body.toString())).toEqual(['survives']);
    } finally {
      await client.close();
      await broker.close();
      rmSync(first.dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('CONSUMER_SEND_MSG_BACK', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ messageDelayLevel: LEVELS });
  });
  afterAll(() => b.close());

  async function sendAndPull(topic: string, body: string): Promise<StoredMessage> {
    const sent = await b.send(sendV1(topic, Buffer.from(body), {}, { TAGS: 'TagA', KEYS: 'key1' }));
    expect(sent.code).toBe(ResponseCode.SUCCESS);
    const [message] = await pullAll(b, topic);
    expect(message).toBeDefined();
    return message!;
  }

  it('puts a failed message into %RETRY%<group> after the level-3 delay, then again with reconsumeTimes 2', async () => {
    const topic = uniqueTopic('Back');
    const group = `GID_back_${Date.now()}`;
    const original = await sendAndPull(topic, 'retry me');
    const startedAt = Date.now();
    const reply = await b.send(
      sendBack({ offset: String(original.physicalOffset), group, delayLevel: '0', originMsgId: original.msgId, originTopic: topic, unitMode: 'false', maxReconsumeTimes: '16' }),
    );
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const retryTopic = `%RETRY%${group}`;
    expect(b.broker.topics.get(retryTopic)).toBeDefined();
    expect(await pullAll(b, retryTopic)).toEqual([]);

    const [retry] = await waitFor(async () => {
      const pulled = await pullAll(b, retryTopic);
      return pulled.length > 0 ? pulled : undefined;
    }, 'the retry copy');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(retry?.body.toString()).toBe('retry me');
    expect(retry?.reconsumeTimes).toBe(1);
    expect(retry?.properties).toMatchObject({ RETRY_TOPIC: topic, ORIGIN_MESSAGE_ID: original.msgId, TAGS: 'TagA', KEYS: 'key1', REAL_TOPIC: retryTopic });
    expect(retry?.properties['DELAY']).toBeUndefined();

    const second = await b.send(sendBack({ offset: String(retry!.physicalOffset), group, delayLevel: '0', originMsgId: retry!.msgId, originTopic: topic, maxReconsumeTimes: '16' }));
    expect(second.code).toBe(ResponseCode.SUCCESS);
    const copies = await waitFor(async () => {
      const pulled = await pullAll(b, retryTopic);
      return pulled.length === 2 ? pulled : undefined;
    }, 'the second retry copy');
    expect(copies[1]?.reconsumeTimes).toBe(2);
    expect(copies[1]?.properties).toMatchObject({ RETRY_TOPIC: topic, ORIGIN_MESSAGE_ID: original.msgId });
  });

  it('sends a message to %DLQ%<group> at once after maxReconsumeTimes, or when delayLevel < 0', async () => {
    const topic = uniqueTopic('Dlq');
    const group = `GID_dlq_${Date.now()}`;
    const original = await sendAndPull(topic, 'dead');
    const reply = await b.send(sendBack({ offset: String(original.physicalOffset), group, delayLevel: '0', maxReconsumeTimes: '0' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const dlqTopic = `%DLQ%${group}`;
    expect(b.broker.topics.get(dlqTopic)).toMatchObject({ readQueueNums: 1, writeQueueNums: 1, perm: 6 });
    const [dead] = await pullAll(b, dlqTopic);
    expect(dead?.body.toString()).toBe('dead');
    expect(dead?.reconsumeTimes).toBe(1);
    expect(dead?.properties).toMatchObject({ RETRY_TOPIC: topic, ORIGIN_MESSAGE_ID: original.msgId });
    expect(dead?.properties['DELAY']).toBeUndefined();
    expect(b.broker.topics.get(`%RETRY%${group}`)).toBeUndefined();

    const negative = await b.send(sendBack({ offset: String(original.physicalOffset), group, delayLevel: '-1' }));
    expect(negative.code).toBe(ResponseCode.SUCCESS);
    expect((await pullAll(b, dlqTopic)).map((m) => m.body.toString())).toEqual(['dead', 'dead']);
  });

  it('uses the subscription group retryMaxTimes when the header has none', async () => {
    const topic = uniqueTopic('DlqGroup');
    const group = `GID_dlqgroup_${Date.now()}`;
    await b.broker.store.metadata.putGroup({ ...subscriptionGroupWithDefaults(group), retryMaxTimes: 0 });
    const original = await sendAndPull(topic, 'group limit');
    const reply = await b.send(sendBack({ offset: String(original.physicalOffset), group, delayLevel: '0' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect((await pullAll(b, `%DLQ%${group}`)).map((m) => m.body.toString())).toEqual(['group limit']);
  });

  it('answers malformed requests and unknown offsets with a code and remark, and keeps serving', async () => {
    const missingOffset = await b.send(sendBack({ group: 'GID_x', delayLevel: '0' }));
    expect(missingOffset.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missingOffset.remark).toMatch(/offset/);
    const missingGroup = await b.send(sendBack({ offset: '0', delayLevel: '0' }));
    expect(missingGroup.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missingGroup.remark).toMatch(/group/);
    const badNumber = await b.send(sendBack({ offset: 'abc', group: 'GID_x', delayLevel: '0' }));
    expect(badNumber.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(badNumber.remark).toMatch(/offset/);
    const unknown = await b.send(sendBack({ offset: '987654321', group: 'GID_x', delayLevel: '0' }));
    expect(unknown.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(unknown.remark).toBe('look message by offset failed, 987654321');

    const topic = uniqueTopic('StillServing');
    expect((await b.send(sendV1(topic, Buffer.from('ok')))).code).toBe(ResponseCode.SUCCESS);
    expect(await pullAll(b, topic)).toHaveLength(1);
  });
});
