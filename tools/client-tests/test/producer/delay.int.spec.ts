// Delayed sends: by level (DELAY) and by delivery time (TIMER_DELIVER_MS / TIMER_DELAY_MS). The
// broker first stores them in SCHEDULE_TOPIC_XXXX and delivers a copy to the real topic later;
// both are checked in the broker's store.
import { Producer } from '@pulsejet/client';
import { TRANSPORTS, startCluster, uniqueName, type TestCluster } from '../cluster';
import { waitFor } from '../instance/wait-for';
import { queueMessages, storedMessage } from './stored';

jest.setTimeout(60_000);

const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';

describe.each(TRANSPORTS)('Producer delayed send (%s)', (transport) => {
  let cluster: TestCluster;
  let producer: Producer;

  beforeAll(async () => {
    cluster = await startCluster(transport);
    producer = new Producer({ groupName: uniqueName('PID_delay'), namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true, log: () => undefined });
    await producer.start();
  });

  afterAll(async () => {
    await producer.close();
    await cluster.close();
  });

  it('by level: stored to the schedule topic, delivered to the topic later with the same msgId', async () => {
    const topic = uniqueName('PDelayLvl');
    await cluster.createTopic(topic, 1);
    const sentAt = Date.now();
    const result = await producer.send({ topic, body: 'later', delayLevel: 1, tags: 'T1' });
    const held = storedMessage(cluster.broker, result.offsetMsgId);
    expect(held.topic).toBe(SCHEDULE_TOPIC);
    expect(held.properties).toMatchObject({ REAL_TOPIC: topic, REAL_QID: '0', DELAY: '1', UNIQ_KEY: result.msgId });
    expect(queueMessages(cluster.broker, topic, 0)).toHaveLength(0);

    const [delivered] = await waitFor('the delayed message in its topic', () => {
      const found = queueMessages(cluster.broker, topic, 0);
      return found.length > 0 ? found : undefined;
    });
    expect(delivered).toMatchObject({ topic, msgId: result.msgId, tags: 'T1' });
    expect(delivered?.text()).toBe('later');
    // Level 1 is 1 s: the broker never delivers before it is due.
    expect(delivered!.storeTimestamp).toBeGreaterThanOrEqual(sentAt + 1000);
  });

  it('by delivery time (deliverAt and delayMs): held, then delivered no earlier than asked', async () => {
    const topic = uniqueName('PDelayAt');
    await cluster.createTopic(topic, 1);
    const deliverAt = Date.now() + 1500;
    const at = await producer.send({ topic, body: 'at', deliverAt: new Date(deliverAt) });
    const held = storedMessage(cluster.broker, at.offsetMsgId);
    expect(held.topic).toBe(SCHEDULE_TOPIC);
    expect(held.properties['TIMER_DELIVER_MS']).toBe(String(deliverAt));

    const sentAt = Date.now();
    const after = await producer.send({ topic, body: 'after', delayMs: 1200 });
    expect(storedMessage(cluster.broker, after.offsetMsgId).topic).toBe(SCHEDULE_TOPIC);

    const delivered = await waitFor('both timed messages in their topic', () => {
      const found = queueMessages(cluster.broker, topic, 0);
      return found.length === 2 ? found : undefined;
    });
    const byId = new Map(delivered.map((m) => [m.msgId, m]));
    expect(byId.get(at.msgId)?.text()).toBe('at');
    expect(byId.get(at.msgId)!.storeTimestamp).toBeGreaterThanOrEqual(deliverAt);
    expect(byId.get(after.msgId)?.text()).toBe('after');
    expect(byId.get(after.msgId)!.storeTimestamp).toBeGreaterThanOrEqual(sentAt + 1200);
  });
});
