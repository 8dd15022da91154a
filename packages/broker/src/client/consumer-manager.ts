// Consumer groups and their live channels (Java ConsumerManager + ConsumerGroupInfo). Heartbeats
// register, UNREGISTER_CLIENT and channel close remove, and a scan drops channels that stopped
// heartbeating. Whenever a group's membership changes, the group's other channels are told with a
// oneway NOTIFY_CONSUMER_IDS_CHANGED so they rebalance at once (reference §2.3, §8.1).
import { ServiceLoop } from '@pulsejet/protocol';
import type { RemotingChannel, RemotingLog } from '@pulsejet/remoting';
import { notifyConsumerIdsChanged } from './broker2client';
import { DEFAULT_CHANNEL_EXPIRED_MILLIS, DEFAULT_CLIENT_SCAN_INTERVAL_MILLIS, type ClientChannelInfo } from './client-channel';
import type { ConsumerData, MessageModel, SubscriptionEntry } from './heartbeat-data';

export interface ConsumerManagerOptions {
  /** Channels without a heartbeat for this long are dropped and closed. @default 120000 */
  channelExpiredMillis?: number;
  /** How often to look for expired channels. @default 10000 */
  scanIntervalMillis?: number;
  /** Told when a group's membership changes. @default oneway NOTIFY_CONSUMER_IDS_CHANGED to `channels` */
  onIdsChanged?: (group: string, channels: RemotingChannel[]) => void;
  /** @default silent */
  log?: RemotingLog;
  /** @default Date.now */
  now?: () => number;
}

export interface ConsumerGroupInfo {
  readonly groupName: string;
  consumeType: string;
  messageModel: MessageModel;
  consumeFromWhere: string;
  /** topic → subscription, as of the group's latest heartbeat. */
  readonly subscriptions: Map<string, SubscriptionEntry>;
  /** channel id → channel. */
  readonly channels: Map<string, ClientChannelInfo>;
  lastUpdateTimestamp: number;
}

export class ConsumerManager {
  private readonly groups = new Map<string, ConsumerGroupInfo>();
  private readonly expiredMillis: number;
  private readonly log: RemotingLog;
  private readonly now: () => number;
  private readonly onIdsChanged: (group: string, channels: RemotingChannel[]) => void;
  private readonly loop: ServiceLoop;

  constructor(options: ConsumerManagerOptions = {}) {
    this.expiredMillis = options.channelExpiredMillis ?? DEFAULT_CHANNEL_EXPIRED_MILLIS;
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
    this.onIdsChanged = options.onIdsChanged ?? ((group, channels) => notifyConsumerIdsChanged(channels, group, this.log));
    this.loop = new ServiceLoop({
      name: 'consumer channel expiry',
      intervalMs: options.scanIntervalMillis ?? DEFAULT_CLIENT_SCAN_INTERVAL_MILLIS,
      task: () => void this.scanNotActive(),
    });
  }

  /** Starts the expiry scan; idempotent. */
  start(): void {
    this.loop.start();
  }

  /** Stops the expiry scan; idempotent. */
  async close(): Promise<void> {
    await this.loop.close();
  }

  /**
   * Registers (or refreshes) a consumer channel from a heartbeat. Returns whether the group's
   * membership changed (a channel joined), in which case the other channels were notified.
   */
  register(client: Omit<ClientChannelInfo, 'lastUpdateTimestamp'>, data: ConsumerData): boolean {
    const now = this.now();
    let info = this.groups.get(data.groupName);
    if (!info) {
      info = {
        groupName: data.groupName,
        consumeType: data.consumeType,
        messageModel: data.messageModel,
        consumeFromWhere: data.consumeFromWhere,
        subscriptions: new Map(),
        channels: new Map(),
        lastUpdateTimestamp: now,
      };
      this.groups.set(data.groupName, info);
    }
    info.consumeType = data.consumeType;
    info.messageModel = data.messageModel;
    info.consumeFromWhere = data.consumeFromWhere;
    info.lastUpdateTimestamp = now;
    // The latest heartbeat states the whole subscription set (Java updateSubscription for passive consumers).
    info.subscriptions.clear();
    for (const sub of data.subscriptions) info.subscriptions.set(sub.topic, sub);

    const existing = info.channels.get(client.channel.id);
    if (existing && existing.clientId === client.clientId) {
      existing.lastUpdateTimestamp = now;
      return false;
    }
    info.channels.set(client.channel.id, { ...client, lastUpdateTimestamp: now });
    if (!existing) this.log('info', `consumer ${client.clientId} joined group ${data.groupName} from ${client.channel.remoteAddress}`);
    this.changed(info, client.channel.id);
    return true;
  }

  /** Removes a channel from a group (UNREGISTER_CLIENT). Returns whether it was there. */
  unregister(group: string, channel: RemotingChannel): boolean {
    const info = this.groups.get(group);
    if (!info || !info.channels.delete(channel.id)) return false;
    this.log('info', `consumer channel ${channel.remoteAddress} left group ${group}`);
    this.afterRemoval(info);
    return true;
  }

  /** Removes a closed channel from every group (Java doChannelCloseEvent). */
  channelClosed(channel: RemotingChannel): void {
    for (const info of [...this.groups.values()]) {
      if (info.channels.delete(channel.id)) {
        this.log('info', `consumer channel ${channel.remoteAddress} of group ${info.groupName} closed`);
        this.afterRemoval(info);
      }
    }
  }

  /** Drops (and closes) channels not heard from within channelExpiredMillis; returns how many. */
  scanNotActive(): number {
    const now = this.now();
    let removed = 0;
    for (const info of [...this.groups.values()]) {
      let groupChanged = false;
      for (const [id, client] of [...info.channels]) {
        if (now - client.lastUpdateTimestamp <= this.expiredMillis) continue;
        info.channels.delete(id);
        groupChanged = true;
        removed += 1;
        this.log('warn', `consumer ${client.clientId} of group ${info.groupName} sent no heartbeat for ${now - client.lastUpdateTimestamp} ms; closing its channel`);
        client.channel.close('consumer heartbeat expired');
      }
      if (groupChanged) this.afterRemoval(info);
    }
    return removed;
  }

  groupInfo(group: string): ConsumerGroupInfo | undefined {
    return this.groups.get(group);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** Client ids of the group's live channels, distinct, in registration order (GET_CONSUMER_LIST_BY_GROUP). */
  consumerIds(group: string): string[] {
    const info = this.groups.get(group);
    if (!info) return [];
    return [...new Set([...info.channels.values()].map((client) => client.clientId))];
  }

  findSubscription(group: string, topic: string): SubscriptionEntry | undefined {
    return this.groups.get(group)?.subscriptions.get(topic);
  }

  private afterRemoval(info: ConsumerGroupInfo): void {
    if (info.channels.size === 0) {
      this.groups.delete(info.groupName);
      return;
    }
    this.changed(info, undefined);
  }

  private changed(info: ConsumerGroupInfo, exceptChannelId: string | undefined): void {
    const channels = [...info.channels.values()].filter((client) => client.channel.id !== exceptChannelId).map((client) => client.channel);
    if (channels.length === 0) return;
    try {
      this.onIdsChanged(info.groupName, channels);
    } catch (error) {
      this.log('error', `notifying group ${info.groupName} of a membership change failed: ${String(error)}`);
    }
  }
}
