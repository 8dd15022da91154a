// The broker's topic table (Java TopicConfigManager) over the store's MetadataStore: system topics at
// start, auto-creation on send from the default topic (TBW102), %RETRY%/%DLQ% helpers, and change
// listeners so registration re-sends the table when it changes. The table's data version is the
// metadata store's, written with every topic change (Java keeps it in topics.json), so what the
// broker serves and registers never moves backwards across a restart.
import { PERM_INHERIT, PERM_READ, PERM_WRITE, topicConfigWithDefaults, type MetadataStore, type TopicConfig, type TopicConfigView } from '@pulsejet/core';
import { dataVersionEquals, validateTopicName, type DataVersion, type TopicConfigSerializeWrapper } from '@pulsejet/protocol';
import type { ResolvedBrokerOptions } from '../broker-options';
import {
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  OFFSET_MOVED_EVENT,
  SCHEDULE_TOPIC,
  SCHEDULE_TOPIC_QUEUE_NUMS,
  SELF_TEST_TOPIC,
  dlqTopicOf,
  retryTopicOf,
} from './system-topics';

export type TopicChangeListener = (topic: string, config: TopicConfig | undefined) => void;

export type TopicConfigOptions = Pick<ResolvedBrokerOptions, 'brokerClusterName' | 'brokerName' | 'autoCreateTopicEnable' | 'defaultTopicQueueNums' | 'log'>;

export class TopicConfigManager {
  private readonly listeners = new Set<TopicChangeListener>();

  constructor(
    private readonly metadata: MetadataStore,
    private readonly options: TopicConfigOptions,
  ) {}

  /** Creates the system topics that are missing (Java TopicConfigManager constructor). */
  async init(): Promise<void> {
    const { options } = this;
    const system: TopicConfig[] = [
      topicConfigWithDefaults(SELF_TEST_TOPIC, { readQueueNums: 1, writeQueueNums: 1 }),
      topicConfigWithDefaults(options.brokerClusterName, { readQueueNums: 16, writeQueueNums: 16, perm: PERM_READ | PERM_WRITE }),
      topicConfigWithDefaults(options.brokerName, { readQueueNums: 1, writeQueueNums: 1, perm: PERM_READ | PERM_WRITE }),
      topicConfigWithDefaults(OFFSET_MOVED_EVENT, { readQueueNums: 1, writeQueueNums: 1 }),
      topicConfigWithDefaults(SCHEDULE_TOPIC, { readQueueNums: SCHEDULE_TOPIC_QUEUE_NUMS, writeQueueNums: SCHEDULE_TOPIC_QUEUE_NUMS }),
    ];
    // TBW102 is what clients name as defaultTopic; INHERIT is what lets send create topics from it.
    if (options.autoCreateTopicEnable) {
      system.push(
        topicConfigWithDefaults(AUTO_CREATE_TOPIC_KEY_TOPIC, {
          readQueueNums: options.defaultTopicQueueNums,
          writeQueueNums: options.defaultTopicQueueNums,
          perm: PERM_READ | PERM_WRITE | PERM_INHERIT,
        }),
      );
    }
    for (const config of system) {
      if (this.metadata.getTopic(config.topicName) === undefined) await this.metadata.putTopic(config);
    }
  }

  get(topic: string): TopicConfig | undefined {
    return this.metadata.getTopic(topic);
  }

  /** The stored config without a copy, for per-request checks that only read it (see MetadataStore.topicView). */
  view(topic: string): TopicConfigView | undefined {
    return this.metadata.topicView(topic);
  }

  list(): TopicConfig[] {
    return this.metadata.listTopics();
  }

  /** Creates or replaces a topic; throws RangeError on an invalid name. */
  async put(config: TopicConfig): Promise<void> {
    const problem = validateTopicName(config.topicName);
    if (problem !== undefined) throw new RangeError(problem);
    await this.metadata.putTopic(config);
    this.changed(config.topicName, config);
  }

  async delete(topic: string): Promise<boolean> {
    const deleted = await this.metadata.deleteTopic(topic);
    if (deleted) this.changed(topic, undefined);
    return deleted;
  }

  /**
   * The topic a send names, created from `defaultTopic` when it does not exist (Java
   * createTopicInSendMessageMethod): only when the default topic exists and has PERM_INHERIT, with
   * min(clientDefaultQueueNums, default's writeQueueNums) queues and the default's perm minus INHERIT.
   */
  async getOrCreateForSend(topic: string, defaultTopic: string, clientDefaultQueueNums: number, topicSysFlag = 0): Promise<TopicConfig | undefined> {
    const existing = this.get(topic);
    if (existing !== undefined) return existing;
    const base = this.get(defaultTopic);
    if (base === undefined) {
      this.options.log('warn', `topic ${topic} not created: default topic ${defaultTopic} does not exist`);
      return undefined;
    }
    let perm = base.perm;
    // Java: TBW102 without autoCreateTopicEnable never creates topics.
    if (defaultTopic === AUTO_CREATE_TOPIC_KEY_TOPIC && !this.options.autoCreateTopicEnable) perm = PERM_READ | PERM_WRITE;
    if ((perm & PERM_INHERIT) === 0) {
      this.options.log('warn', `topic ${topic} not created: default topic ${defaultTopic} has no INHERIT permission`);
      return undefined;
    }
    const queueNums = Math.max(1, Math.min(clientDefaultQueueNums > 0 ? clientDefaultQueueNums : base.writeQueueNums, base.writeQueueNums));
    const config = topicConfigWithDefaults(topic, { readQueueNums: queueNums, writeQueueNums: queueNums, perm: perm & ~PERM_INHERIT, topicSysFlag });
    this.options.log('info', `auto-created topic ${topic} from ${defaultTopic} with ${queueNums} queues`);
    await this.put(config);
    return config;
  }

  /** %RETRY%<group>, created on first use (Java createTopicInSendMessageBackMethod). */
  createRetryTopic(group: string, queueNums = 1): Promise<TopicConfig> {
    return this.getOrCreate(retryTopicOf(group), queueNums);
  }

  /** %DLQ%<group>, one queue. */
  createDlqTopic(group: string): Promise<TopicConfig> {
    return this.getOrCreate(dlqTopicOf(group), 1);
  }

  private async getOrCreate(topic: string, queueNums: number): Promise<TopicConfig> {
    const existing = this.get(topic);
    if (existing !== undefined) return existing;
    const config = topicConfigWithDefaults(topic, { readQueueNums: queueNums, writeQueueNums: queueNums, perm: PERM_READ | PERM_WRITE });
    await this.put(config);
    return config;
  }

  /** Called after any put or delete; returns an unsubscribe function. */
  onChange(listener: TopicChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The table's data version (a copy): the store bumps it with every put and delete. */
  dataVersion(): DataVersion {
    return this.metadata.topicDataVersion();
  }

  /**
   * Takes `version` as the table's own (Java DataVersion.assignNewOne): a slave takes its master's
   * after copying its topics, so the two compare equal. Resolves to false when it already was.
   */
  async adoptDataVersion(version: DataVersion): Promise<boolean> {
    if (dataVersionEquals(this.metadata.topicDataVersion(), version)) return false;
    await this.metadata.setTopicDataVersion(version);
    return true;
  }

  /** The table and its version, as REGISTER_BROKER and GET_ALL_TOPIC_CONFIG carry them. */
  serializeWrapper(): TopicConfigSerializeWrapper {
    const topicConfigTable: TopicConfigSerializeWrapper['topicConfigTable'] = {};
    for (const config of this.list()) topicConfigTable[config.topicName] = config;
    return { topicConfigTable, dataVersion: this.metadata.topicDataVersion() };
  }

  private changed(topic: string, config: TopicConfig | undefined): void {
    for (const listener of this.listeners) {
      try {
        listener(topic, config);
      } catch (error) {
        this.options.log('error', `topic change listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
