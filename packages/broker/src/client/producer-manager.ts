// Producer groups and their live channels (Java ProducerManager): kept so the broker can call a
// producer of a group back, e.g. CHECK_TRANSACTION_STATE for a half message.
import { ServiceLoop } from '@pulsejet/protocol';
import type { RemotingChannel, RemotingLog } from '@pulsejet/remoting';
import { DEFAULT_CHANNEL_EXPIRED_MILLIS, DEFAULT_CLIENT_SCAN_INTERVAL_MILLIS, type ClientChannelInfo } from './client-channel';

export interface ProducerManagerOptions {
  /** Channels without a heartbeat for this long are dropped and closed. @default 120000 */
  channelExpiredMillis?: number;
  /** How often to look for expired channels. @default 10000 */
  scanIntervalMillis?: number;
  /** @default silent */
  log?: RemotingLog;
  /** @default Date.now */
  now?: () => number;
}

export class ProducerManager {
  /** group → channel id → channel. */
  private readonly groups = new Map<string, Map<string, ClientChannelInfo>>();
  private readonly expiredMillis: number;
  private readonly log: RemotingLog;
  private readonly now: () => number;
  private readonly loop: ServiceLoop;
  private nextPick = 0;

  constructor(options: ProducerManagerOptions = {}) {
    this.expiredMillis = options.channelExpiredMillis ?? DEFAULT_CHANNEL_EXPIRED_MILLIS;
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
    this.loop = new ServiceLoop({
      name: 'producer channel expiry',
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

  register(group: string, client: Omit<ClientChannelInfo, 'lastUpdateTimestamp'>): void {
    let channels = this.groups.get(group);
    if (!channels) {
      channels = new Map();
      this.groups.set(group, channels);
    }
    const existing = channels.get(client.channel.id);
    if (existing && existing.clientId === client.clientId) existing.lastUpdateTimestamp = this.now();
    else channels.set(client.channel.id, { ...client, lastUpdateTimestamp: this.now() });
  }

  unregister(group: string, channel: RemotingChannel): boolean {
    const channels = this.groups.get(group);
    if (!channels || !channels.delete(channel.id)) return false;
    if (channels.size === 0) this.groups.delete(group);
    return true;
  }

  channelClosed(channel: RemotingChannel): void {
    for (const group of [...this.groups.keys()]) this.unregister(group, channel);
  }

  /** Drops (and closes) channels not heard from within channelExpiredMillis; returns how many. */
  scanNotActive(): number {
    const now = this.now();
    let removed = 0;
    for (const [group, channels] of [...this.groups]) {
      for (const [id, client] of [...channels]) {
        if (now - client.lastUpdateTimestamp <= this.expiredMillis) continue;
        channels.delete(id);
        removed += 1;
        this.log('warn', `producer ${client.clientId} of group ${group} sent no heartbeat for ${now - client.lastUpdateTimestamp} ms; closing its channel`);
        client.channel.close('producer heartbeat expired');
      }
      if (channels.size === 0) this.groups.delete(group);
    }
    return removed;
  }

  /** An active channel of the group, rotating between calls (Java getAvailableChannel); undefined if none. */
  anyChannelOf(group: string): RemotingChannel | undefined {
    const active = [...(this.groups.get(group)?.values() ?? [])].filter((client) => client.channel.isActive());
    if (active.length === 0) return undefined;
    this.nextPick = (this.nextPick + 1) % active.length;
    return active[this.nextPick]?.channel;
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  clientIds(group: string): string[] {
    return [...(this.groups.get(group)?.values() ?? [])].map((client) => client.clientId);
  }

  /** The group's registered channels (GET_PRODUCER_CONNECTION_LIST); undefined for an unknown group. */
  channelsOf(group: string): readonly ClientChannelInfo[] | undefined {
    const channels = this.groups.get(group);
    return channels ? [...channels.values()] : undefined;
  }
}
