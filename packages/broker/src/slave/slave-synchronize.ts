// A slave's copy of its master's metadata (Java SlaveSynchronize): topic configs, subscription
// groups, consumer offsets and delay-level progress, fetched every slaveSynchronizeInterval (10 s)
// and as soon as the master's address becomes known, so consumers reading from the slave resume
// where the group left off on the master.
//
// Consumer offsets merge by maximum per queue, unlike Java (which overwrites the slave's offsets with
// the master's): an offset a consumer committed to this slave while the master was away is ahead of
// the master's and survives the next sync. The cost: an offset moved backwards on the master (an
// admin reset) does not move a slave's offset backwards until the slave's own copy is reset too.
// Rows the master does not have are kept (Java's putAll keeps them as well). Topics, groups and delay
// progress are the master's, replaced as they are; the topic and group tables also take the master's
// dataVersion (Java syncTopicConfig and syncSubscriptionGroupConfig, assignNewOne), so master and
// slave report the same versions, and the slave registers its master's topic version with the
// nameservers (at its next registration round, as Java's slave does). Unlike Java, which copies a
// table only when the versions differ, the tables are compared every time: it is cheap and it
// repairs a slave whose table drifted under an equal version.
import type { MetadataStore, SubscriptionGroupConfig, TopicConfig } from '@pulsejet/core';
import { RequestCode, ResponseCode, ServiceLoop, createRequest, dataVersionEquals, type DataVersion, type RemotingCommand } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { subscriptionGroupToJson } from '../admin/group-processors';
import type { BrokerLog } from '../broker-options';
import type { TopicConfigManager } from '../topic/topic-config-manager';
import {
  decodeConsumerOffsets,
  decodeDelayOffsets,
  decodeSubscriptionGroups,
  decodeSubscriptionGroupsDataVersion,
  decodeTopicConfigs,
  decodeTopicConfigsDataVersion,
} from './sync-bodies';

export interface SlaveSynchronizeOptions {
  client: RemotingClient;
  topics: TopicConfigManager;
  metadata: MetadataStore;
  intervalMs: number;
  /** Timeout of each request to the master, ms. @default 3000 (Java's 3 s) */
  requestTimeoutMs?: number;
  log: BrokerLog;
}

/** What one sync changed on this slave. */
export interface SlaveSyncReport {
  masterAddr: string;
  topicsChanged: number;
  groupsChanged: number;
  /** Queues whose offset moved forward to the master's. */
  offsetsAdvanced: number;
  /** Queues where this slave's offset is ahead of the master's and was kept. */
  offsetsKeptAhead: number;
  delayOffsets: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 3000;

export class SlaveSynchronize {
  private masterAddr: string | undefined;
  private readonly loop: ServiceLoop;
  private lastReport: SlaveSyncReport | undefined;

  constructor(private readonly options: SlaveSynchronizeOptions) {
    this.loop = new ServiceLoop({
      name: 'slave synchronize',
      intervalMs: options.intervalMs,
      task: async () => {
        await this.syncAll();
      },
      onError: (error) => options.log('warn', `slave synchronize failed: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  start(): void {
    this.loop.start();
    if (this.masterAddr) this.loop.wakeup();
  }

  /** The master's broker address from the latest registration answer; undefined while it is away. */
  setMasterAddr(addr: string | undefined): void {
    if (addr === this.masterAddr) return;
    this.masterAddr = addr;
    this.options.log('info', `slave synchronize: master is ${addr ?? 'unknown (not registered)'}`);
    if (addr) this.loop.wakeup();
  }

  get master(): string | undefined {
    return this.masterAddr;
  }

  get lastSync(): SlaveSyncReport | undefined {
    return this.lastReport;
  }

  /** One sync now; undefined when the master is unknown. Throws when the master does not answer. */
  async syncAll(): Promise<SlaveSyncReport | undefined> {
    const masterAddr = this.masterAddr;
    if (!masterAddr) return undefined;
    const [topicsReply, offsetsReply, delayReply, groupsReply] = await Promise.all([
      this.fetch(masterAddr, RequestCode.GET_ALL_TOPIC_CONFIG),
      this.fetch(masterAddr, RequestCode.GET_ALL_CONSUMER_OFFSET),
      this.fetch(masterAddr, RequestCode.GET_ALL_DELAY_OFFSET),
      this.fetch(masterAddr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG),
    ]);
    const report: SlaveSyncReport = {
      masterAddr,
      topicsChanged: await this.applyTopics(decodeTopicConfigs(topicsReply.body), decodeTopicConfigsDataVersion(topicsReply.body)),
      groupsChanged: await this.applyGroups(decodeSubscriptionGroups(groupsReply.body), decodeSubscriptionGroupsDataVersion(groupsReply.body)),
      offsetsAdvanced: 0,
      offsetsKeptAhead: 0,
      delayOffsets: 0,
    };
    const { metadata } = this.options;
    for (const row of decodeConsumerOffsets(offsetsReply.body)) {
      const local = metadata.queryOffset(row.group, row.topic, row.queueId);
      if (local !== undefined && local > row.offset) report.offsetsKeptAhead++;
      else if (local !== row.offset) {
        metadata.commitOffset(row.group, row.topic, row.queueId, row.offset);
        report.offsetsAdvanced++;
      }
    }
    for (const row of decodeDelayOffsets(delayReply.body)) {
      if (metadata.getDelayOffset(row.level) !== row.offset) metadata.setDelayOffset(row.level, row.offset);
      report.delayOffsets++;
    }
    await metadata.flush();
    this.lastReport = report;
    return report;
  }

  async close(): Promise<void> {
    await this.loop.close();
  }

  private async fetch(masterAddr: string, code: number): Promise<RemotingCommand> {
    const reply = await this.options.client.request(masterAddr, createRequest(code, {}), this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    if (reply.code !== ResponseCode.SUCCESS) throw new Error(`master ${masterAddr} answered request ${code} with code ${reply.code}: ${reply.remark ?? ''}`);
    return reply;
  }

  private async applyTopics(master: TopicConfig[], masterVersion: DataVersion | undefined): Promise<number> {
    const { topics } = this.options;
    let changed = 0;
    let skipped = 0;
    const names = new Set(master.map((config) => config.topicName));
    for (const config of master) {
      const local = topics.get(config.topicName);
      if (local !== undefined && sameTopic(local, config)) continue;
      try {
        await topics.put(config);
        changed++;
      } catch (error) {
        // One topic this broker cannot take (a name it refuses) must not stop the rest of the sync.
        if (!(error instanceof RangeError)) throw error;
        skipped++;
        this.options.log('warn', `slave synchronize: skipped the master's topic ${JSON.stringify(config.topicName)}: ${error.message}`);
      }
    }
    for (const local of topics.list()) {
      if (names.has(local.topicName)) continue;
      await topics.delete(local.topicName);
      changed++;
    }
    // After the topics: each put and delete above gave the slave a version of its own. A slave
    // that skipped a topic does not hold the master's table, so it must not claim its version.
    if (masterVersion !== undefined && skipped === 0) await topics.adoptDataVersion(masterVersion);
    return changed;
  }

  private async applyGroups(master: SubscriptionGroupConfig[], masterVersion: DataVersion | undefined): Promise<number> {
    const { metadata } = this.options;
    let changed = 0;
    const names = new Set(master.map((config) => config.groupName));
    for (const config of master) {
      const local = metadata.getGroup(config.groupName);
      if (local !== undefined && JSON.stringify(subscriptionGroupToJson(local)) === JSON.stringify(subscriptionGroupToJson(config))) continue;
      await metadata.putGroup(config);
      changed++;
    }
    for (const local of metadata.listGroups()) {
      if (names.has(local.groupName)) continue;
      await metadata.deleteGroup(local.groupName);
      changed++;
    }
    // After the groups: each put above gave the slave a version of its own.
    if (masterVersion !== undefined && !dataVersionEquals(metadata.groupDataVersion(), masterVersion)) await metadata.setGroupDataVersion(masterVersion);
    return changed;
  }
}

function sameTopic(a: TopicConfig, b: TopicConfig): boolean {
  return (
    a.readQueueNums === b.readQueueNums &&
    a.writeQueueNums === b.writeQueueNums &&
    a.perm === b.perm &&
    a.topicFilterType === b.topicFilterType &&
    a.topicSysFlag === b.topicSysFlag &&
    a.order === b.order
  );
}
