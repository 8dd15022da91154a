import { MessageStore, PERM_INHERIT, PERM_READ, PERM_WRITE, topicConfigWithDefaults } from '@pulsejet/core';
import { resolveBrokerOptions } from '../broker-options';
import { AUTO_CREATE_TOPIC_KEY_TOPIC, SCHEDULE_TOPIC } from './system-topics';
import { TopicConfigManager } from './topic-config-manager';

describe('TopicConfigManager', () => {
  let store: MessageStore;
  beforeEach(async () => {
    store = await MessageStore.open({ memory: true });
  });
  afterEach(() => store.close());

  const manager = async (autoCreateTopicEnable = true): Promise<TopicConfigManager> => {
    const topics = new TopicConfigManager(store.metadata, resolveBrokerOptions({ autoCreateTopicEnable }));
    await topics.init();
    return topics;
  };

  it('creates system topics; TBW102 inherits only with autoCreateTopicEnable', async () => {
    const topics = await manager();
    expect(topics.get(AUTO_CREATE_TOPIC_KEY_TOPIC)?.perm).toBe(PERM_READ | PERM_WRITE | PERM_INHERIT);
    expect(topics.get(SCHEDULE_TOPIC)?.writeQueueNums).toBe(18);
    expect(topics.get('DefaultCluster')).toBeDefined();
    expect(topics.get('broker-a')).toBeDefined();
  });

  it('auto-creates from the default topic with min(client, default) queues and no INHERIT', async () => {
    const topics = await manager();
    const created = await topics.getOrCreateForSend('AutoT', AUTO_CREATE_TOPIC_KEY_TOPIC, 8);
    expect(created).toMatchObject({ topicName: 'AutoT', writeQueueNums: 4, readQueueNums: 4, perm: PERM_READ | PERM_WRITE });
    expect((await topics.getOrCreateForSend('AutoT2', AUTO_CREATE_TOPIC_KEY_TOPIC, 2))?.writeQueueNums).toBe(2);
  });

  it('does not auto-create when disabled or when the default topic is missing', async () => {
    const topics = await manager(false);
    expect(topics.get(AUTO_CREATE_TOPIC_KEY_TOPIC)).toBeUndefined();
    expect(await topics.getOrCreateForSend('NoT', AUTO_CREATE_TOPIC_KEY_TOPIC, 4)).toBeUndefined();
    expect(await topics.getOrCreateForSend('NoT', 'Missing', 4)).toBeUndefined();
  });

  it('bumps the data version and notifies listeners on change', async () => {
    const topics = await manager();
    const seen: string[] = [];
    topics.onChange((topic, config) => seen.push(`${topic}:${config ? 'put' : 'deleted'}`));
    const before = topics.serializeWrapper().dataVersion.counter;
    await topics.put(topicConfigWithDefaults('T1'));
    await topics.createRetryTopic('G1');
    await topics.createDlqTopic('G1');
    await topics.delete('T1');
    expect(seen).toEqual(['T1:put', '%RETRY%G1:put', '%DLQ%G1:put', 'T1:deleted']);
    expect(topics.serializeWrapper().dataVersion.counter).toBe(before + 4);
    expect(topics.get('%RETRY%G1')).toMatchObject({ readQueueNums: 1, writeQueueNums: 1 });
  });

  it("serves the store's persisted version, and adopts a given one (a slave takes its master's)", async () => {
    const topics = await manager();
    expect(topics.serializeWrapper().dataVersion).toEqual(store.metadata.topicDataVersion());
    expect(topics.dataVersion()).toEqual(store.metadata.topicDataVersion());
    const master = { stateVersion: 0, timestamp: 1_700_000_000_000, counter: 42 };
    expect(await topics.adoptDataVersion(master)).toBe(true);
    expect(await topics.adoptDataVersion({ ...master })).toBe(false);
    expect(topics.serializeWrapper().dataVersion).toEqual(master);
    expect(store.metadata.topicDataVersion()).toEqual(master);
    await topics.put(topicConfigWithDefaults('T2'));
    expect(topics.dataVersion().counter).toBe(43);
  });

  it('rejects invalid topic names', async () => {
    const topics = await manager();
    await expect(topics.put({ ...topicConfigWithDefaults('x'), topicName: 'bad topic' })).rejects.toThrow(RangeError);
  });
});
