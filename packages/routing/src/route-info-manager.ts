// The nameserver's route table (Java namesrv/.../routeinfo/RouteInfoManager.java, 4.9.x semantics):
// which brokers exist, which topics' queues each broker serves, and when each broker was last heard
// from. Pure state: no sockets, no timers; time comes in as arguments so tests control it.
import {
  MASTER_BROKER_ID,
  PermName,
  dataVersionEquals,
  type BrokerData,
  type ClusterInfo,
  type DataVersion,
  type QueueData,
  type TopicConfigData,
  type TopicConfigSerializeWrapper,
  type TopicList,
  type TopicRouteData,
} from '@pulsejet/protocol';
import { silentRoutingLog, type RoutingLog } from './log';

export interface RegisterBrokerInput {
  clusterName: string;
  /** The address clients use to reach the broker, "ip:port". */
  brokerAddr: string;
  brokerName: string;
  /** 0 for the master, >= 1 for slaves. */
  brokerId: number;
  /** The master's HA listen address; slaves learn it from the registration result. */
  haServerAddr: string;
  /** Topics the broker serves; read only from masters, and only when `dataVersion` changed. */
  topicConfigWrapper?: TopicConfigSerializeWrapper;
  filterServerList?: string[];
  /** The connection the registration came on; its close removes the broker at once. */
  channelId?: string;
}

/** What a slave needs to follow its master (Java RegisterBrokerResult); empty for masters. */
export interface RegisterBrokerResult {
  masterAddr?: string;
  haServerAddr?: string;
}

export interface UnregisterBrokerInput {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
}

export interface BrokerLiveInfo {
  lastUpdateTimestamp: number;
  dataVersion: DataVersion;
  haServerAddr: string;
  channelId: string | undefined;
}

/** A broker dropped by {@link RouteInfoManager.scanNotActiveBrokers}; close its channel if it has one. */
export interface ExpiredBroker {
  brokerAddr: string;
  channelId: string | undefined;
  lastUpdateTimestamp: number;
}

export interface RouteInfoManagerOptions {
  /** A broker not heard from for this long is removed by scanNotActiveBrokers. @default 120000 */
  brokerChannelExpiredTimeMs?: number;
  /** The route's orderTopicConf for a topic (the nameserver reads the ORDER_TOPIC_CONFIG KV namespace). @default none */
  orderTopicConf?: (topic: string) => string | undefined;
  /** @default silent */
  log?: RoutingLog;
}

/** Java RouteInfoManager.BROKER_CHANNEL_EXPIRED_TIME: four missed 30 s registrations. */
export const DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS = 120_000;

interface BrokerEntry {
  cluster: string;
  brokerName: string;
  brokerAddrs: Map<number, string>;
}

export class RouteInfoManager {
  private readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  private readonly brokerAddrTable = new Map<string, BrokerEntry>();
  private readonly clusterAddrTable = new Map<string, Set<string>>();
  private readonly brokerLiveTable = new Map<string, BrokerLiveInfo>();
  private readonly filterServerTable = new Map<string, string[]>();
  private expiredTimeMs: number;
  private readonly orderTopicConf: (topic: string) => string | undefined;
  private readonly log: RoutingLog;

  constructor(options: RouteInfoManagerOptions = {}) {
    this.expiredTimeMs = options.brokerChannelExpiredTimeMs ?? DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS;
    this.orderTopicConf = options.orderTopicConf ?? (() => undefined);
    this.log = options.log ?? silentRoutingLog;
  }

  registerBroker(input: RegisterBrokerInput, now: number = Date.now()): RegisterBrokerResult {
    const { clusterName, brokerAddr, brokerName, brokerId } = input;
    let names = this.clusterAddrTable.get(clusterName);
    if (!names) this.clusterAddrTable.set(clusterName, (names = new Set()));
    names.add(brokerName);

    let broker = this.brokerAddrTable.get(brokerName);
    let registerFirst = false;
    if (!broker) {
      registerFirst = true;
      broker = { cluster: clusterName, brokerName, brokerAddrs: new Map() };
      this.brokerAddrTable.set(brokerName, broker);
    }
    // One address has one id: a slave promoted to master re-registers as id 0 from the same address.
    for (const [id, addr] of broker.brokerAddrs) {
      if (addr === brokerAddr && id !== brokerId) broker.brokerAddrs.delete(id);
    }
    const oldAddr = broker.brokerAddrs.get(brokerId);
    broker.brokerAddrs.set(brokerId, brokerAddr);
    registerFirst ||= oldAddr === undefined;

    const wrapper = input.topicConfigWrapper;
    const dataVersion = wrapper?.dataVersion ?? { stateVersion: 0, timestamp: 0, counter: 0 };
    if (wrapper && brokerId === MASTER_BROKER_ID && (registerFirst || this.isTopicConfigChanged(brokerAddr, dataVersion))) {
      for (const config of Object.values(wrapper.topicConfigTable)) this.updateQueueData(brokerName, config);
    }

    const previous = this.brokerLiveTable.get(brokerAddr);
    this.brokerLiveTable.set(brokerAddr, { lastUpdateTimestamp: now, dataVersion, haServerAddr: input.haServerAddr, channelId: input.channelId });
    if (!previous) this.log('info', `new broker registered: ${brokerAddr} (${clusterName}/${brokerName}/${brokerId}), HA server ${input.haServerAddr || '-'}`);

    if (input.filterServerList !== undefined) {
      if (input.filterServerList.length === 0) this.filterServerTable.delete(brokerAddr);
      else this.filterServerTable.set(brokerAddr, [...input.filterServerList]);
    }

    const result: RegisterBrokerResult = {};
    if (brokerId !== MASTER_BROKER_ID) {
      const masterAddr = broker.brokerAddrs.get(MASTER_BROKER_ID);
      const masterLive = masterAddr === undefined ? undefined : this.brokerLiveTable.get(masterAddr);
      if (masterAddr !== undefined && masterLive) {
        result.masterAddr = masterAddr;
        result.haServerAddr = masterLive.haServerAddr;
      }
    }
    return result;
  }

  /** True when the nameserver has no data version for the broker, or a different one. */
  isTopicConfigChanged(brokerAddr: string, dataVersion: DataVersion): boolean {
    const live = this.brokerLiveTable.get(brokerAddr);
    return !live || !dataVersionEquals(live.dataVersion, dataVersion);
  }

  unregisterBroker(input: UnregisterBrokerInput): void {
    const { brokerAddr, brokerName, brokerId } = input;
    this.brokerLiveTable.delete(brokerAddr);
    this.filterServerTable.delete(brokerAddr);
    const broker = this.brokerAddrTable.get(brokerName);
    if (!broker) return;
    broker.brokerAddrs.delete(brokerId);
    this.log('info', `broker unregistered: ${brokerAddr} (${input.clusterName}/${brokerName}/${brokerId})`);
    if (broker.brokerAddrs.size === 0) this.removeBrokerName(brokerName);
  }

  /**
   * A broker connection closed: remove the brokers registered on it at once, without waiting for
   * expiry. `channel` is a channel ({ id, remoteAddress }) or a broker address. Returns the broker
   * addresses removed; a channel no broker registered on (a client's) changes nothing.
   */
  onChannelClosed(channel: string | { id: string; remoteAddress?: string }): string[] {
    let candidates: string[];
    if (typeof channel === 'string') {
      candidates = [channel];
    } else {
      candidates = [...this.brokerLiveTable].filter(([, live]) => live.channelId === channel.id).map(([addr]) => addr);
      // Java falls back to the channel's remote address (a broker that registered on another connection).
      if (candidates.length === 0 && channel.remoteAddress !== undefined) candidates = [channel.remoteAddress];
    }
    const removed = candidates.filter((addr) => this.isKnownAddress(addr));
    for (const addr of removed) this.removeBrokerAddress(addr);
    return removed;
  }

  /** True when a live broker's latest registration came on `channelId`. */
  hasBrokerOnChannel(channelId: string): boolean {
    for (const live of this.brokerLiveTable.values()) if (live.channelId === channelId) return true;
    return false;
  }

  /** The expiry time in force (UPDATE_NAMESRV_CONFIG brokerChannelExpiredTime changes it). */
  get brokerChannelExpiredTimeMs(): number {
    return this.expiredTimeMs;
  }

  /** Changes the expiry time; the next scan uses it. */
  setBrokerChannelExpiredTimeMs(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`brokerChannelExpiredTimeMs must be a positive number of milliseconds, got ${ms}`);
    this.expiredTimeMs = ms;
  }

  /** Removes brokers whose last registration is older than brokerChannelExpiredTimeMs. */
  scanNotActiveBrokers(now: number = Date.now()): ExpiredBroker[] {
    const expired: ExpiredBroker[] = [];
    for (const [brokerAddr, live] of this.brokerLiveTable) {
      if (live.lastUpdateTimestamp + this.expiredTimeMs < now) {
        expired.push({ brokerAddr, channelId: live.channelId, lastUpdateTimestamp: live.lastUpdateTimestamp });
      }
    }
    for (const broker of expired) {
      this.log('warn', `broker ${broker.brokerAddr} expired: not heard from for ${now - broker.lastUpdateTimestamp} ms (limit ${this.expiredTimeMs} ms)`);
      this.removeBrokerAddress(broker.brokerAddr);
    }
    return expired;
  }

  /** The route of `topic`, or undefined when no live broker serves it. */
  getTopicRoute(topic: string): TopicRouteData | undefined {
    const queues = this.topicQueueTable.get(topic);
    if (!queues || queues.size === 0) return undefined;
    const queueDatas = [...queues.values()].map((q) => ({ ...q })).sort(byBrokerName);
    const brokerDatas: BrokerData[] = [];
    const filterServerTable: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    for (const brokerName of queues.keys()) {
      const broker = this.brokerAddrTable.get(brokerName);
      if (!broker) continue;
      const data = toBrokerData(broker);
      brokerDatas.push(data);
      for (const addr of Object.values(data.brokerAddrs)) {
        const filters = this.filterServerTable.get(addr);
        if (filters) filterServerTable[addr] = [...filters];
      }
    }
    if (brokerDatas.length === 0) return undefined;
    brokerDatas.sort(byBrokerName);
    const route: TopicRouteData = { queueDatas, brokerDatas, filterServerTable };
    const orderTopicConf = this.orderTopicConf(topic);
    if (orderTopicConf !== undefined) route.orderTopicConf = orderTopicConf;
    return route;
  }

  getClusterInfo(): ClusterInfo {
    const brokerAddrTable: Record<string, BrokerData> = Object.create(null) as Record<string, BrokerData>;
    for (const [name, broker] of this.brokerAddrTable) brokerAddrTable[name] = toBrokerData(broker);
    const clusterAddrTable: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    for (const [cluster, names] of this.clusterAddrTable) clusterAddrTable[cluster] = [...names].sort();
    return { brokerAddrTable, clusterAddrTable };
  }

  getAllTopicList(): TopicList {
    return { topicList: [...this.topicQueueTable.keys()].sort() };
  }

  /** Topics with queues on any broker of `cluster` (empty for an unknown cluster). */
  getTopicsByCluster(cluster: string): TopicList {
    const names = this.clusterAddrTable.get(cluster) ?? new Set<string>();
    const topics: string[] = [];
    for (const [topic, queues] of this.topicQueueTable) {
      if ([...queues.keys()].some((name) => names.has(name))) topics.push(topic);
    }
    return { topicList: topics.sort() };
  }

  /** Removes the topic's queue data; with `clusterName`, only the queues on that cluster's brokers. */
  deleteTopic(topic: string, clusterName?: string): void {
    if (clusterName === undefined || clusterName === '') {
      this.topicQueueTable.delete(topic);
      return;
    }
    const queues = this.topicQueueTable.get(topic);
    const names = this.clusterAddrTable.get(clusterName);
    if (!queues || !names) return;
    for (const name of names) queues.delete(name);
    if (queues.size === 0) this.topicQueueTable.delete(topic);
  }

  /**
   * WIPE_WRITE_PERM_OF_BROKER / ADD_WRITE_PERM_OF_BROKER (Java operateWritePermOfBroker): takes the
   * write permission off every queue data of `brokerName` (producers stop choosing it, consumers
   * still drain it, e.g. before a broker is taken down), or gives READ|WRITE back. The change lasts
   * until the broker registers a new topic data version. Returns how many topics changed.
   */
  setWritePermOfBroker(brokerName: string, writable: boolean): number {
    let changed = 0;
    for (const queues of this.topicQueueTable.values()) {
      const queueData = queues.get(brokerName);
      if (!queueData) continue;
      queueData.perm = writable ? PermName.READ | PermName.WRITE : queueData.perm & ~PermName.WRITE;
      changed++;
    }
    this.log('info', `${writable ? 'added' : 'wiped'} the write permission of broker ${brokerName} on ${changed} topics`);
    return changed;
  }

  /**
   * QUERY_DATA_VERSION (Java queryBrokerTopicConfig): whether the broker's topic data version differs
   * from the one registered; an unchanged broker counts as heard from (it skips a full registration).
   * `current` is the registered version, if any.
   */
  queryDataVersion(brokerAddr: string, dataVersion: DataVersion, now: number = Date.now()): { changed: boolean; current: DataVersion | undefined } {
    const live = this.brokerLiveTable.get(brokerAddr);
    const changed = this.isTopicConfigChanged(brokerAddr, dataVersion);
    if (!changed && live) live.lastUpdateTimestamp = now;
    return { changed, current: live?.dataVersion };
  }

  /** Liveness record of a broker address (for tests and admin views). */
  brokerLiveInfo(brokerAddr: string): Readonly<BrokerLiveInfo> | undefined {
    return this.brokerLiveTable.get(brokerAddr);
  }

  private updateQueueData(brokerName: string, config: TopicConfigData): void {
    const queueData: QueueData = {
      brokerName,
      readQueueNums: config.readQueueNums,
      writeQueueNums: config.writeQueueNums,
      perm: config.perm,
      topicSysFlag: config.topicSysFlag,
    };
    let queues = this.topicQueueTable.get(config.topicName);
    if (!queues) {
      this.topicQueueTable.set(config.topicName, (queues = new Map()));
      this.log('info', `new topic registered: ${config.topicName} on ${brokerName}`);
    }
    queues.set(brokerName, queueData);
  }

  private isKnownAddress(brokerAddr: string): boolean {
    if (this.brokerLiveTable.has(brokerAddr)) return true;
    for (const broker of this.brokerAddrTable.values()) {
      for (const addr of broker.brokerAddrs.values()) if (addr === brokerAddr) return true;
    }
    return false;
  }

  // Java onChannelDestroy: drop the address; a broker name left with no address loses its queues.
  private removeBrokerAddress(brokerAddr: string): void {
    this.brokerLiveTable.delete(brokerAddr);
    this.filterServerTable.delete(brokerAddr);
    for (const broker of this.brokerAddrTable.values()) {
      for (const [id, addr] of broker.brokerAddrs) {
        if (addr !== brokerAddr) continue;
        broker.brokerAddrs.delete(id);
        this.log('info', `broker ${brokerAddr} (${broker.brokerName}/${id}) removed`);
        if (broker.brokerAddrs.size === 0) this.removeBrokerName(broker.brokerName);
        return;
      }
    }
  }

  private removeBrokerName(brokerName: string): void {
    this.brokerAddrTable.delete(brokerName);
    for (const [cluster, names] of this.clusterAddrTable) {
      if (names.delete(brokerName) && names.size === 0) this.clusterAddrTable.delete(cluster);
    }
    for (const [topic, queues] of this.topicQueueTable) {
      queues.delete(brokerName);
      if (queues.size === 0) this.topicQueueTable.delete(topic);
    }
    this.log('info', `broker name ${brokerName} removed with its queue data: no address left`);
  }
}

function toBrokerData(broker: BrokerEntry): BrokerData {
  const brokerAddrs: Record<string, string> = {};
  for (const id of [...broker.brokerAddrs.keys()].sort((a, b) => a - b)) brokerAddrs[String(id)] = broker.brokerAddrs.get(id)!;
  return { cluster: broker.cluster, brokerName: broker.brokerName, brokerAddrs };
}

function byBrokerName(a: { brokerName: string }, b: { brokerName: string }): number {
  return a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0;
}
