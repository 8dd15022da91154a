// The NameServer (Java NamesrvController): a route table and a KV config behind remoting
// processors, plus the loop that drops brokers not heard from. It serves over any RemotingServer
// (TCP or in-process); the caller owns and starts that server.
import { NAMESPACE_ORDER_TOPIC_CONFIG } from '@pulsejet/protocol';
import type { RemotingChannel, RemotingServer } from '@pulsejet/remoting';
import { KvConfigManager } from './kv-config-manager';
import { kvProcessors } from './kv-processors';
import { routeProcessors } from './namesrv-processors';
import { resolveNameServerOptions, type NameServerOptions, type ResolvedNameServerOptions } from './options';
import { RouteInfoManager, type ExpiredBroker } from './route-info-manager';
import { ServiceLoop } from '@pulsejet/protocol';

export class NameServer {
  readonly routes: RouteInfoManager;
  readonly kvConfig: KvConfigManager;
  readonly options: ResolvedNameServerOptions;
  private readonly expiryLoop: ServiceLoop;
  // Channels brokers registered on, by id, so an expired broker's connection can be closed.
  private readonly brokerChannels = new Map<string, RemotingChannel>();
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: NameServerOptions = {}) {
    this.options = resolveNameServerOptions(options);
    const { log } = this.options;
    this.kvConfig = new KvConfigManager({ ...(this.options.kvConfigPath !== undefined ? { kvConfigPath: this.options.kvConfigPath } : {}), log });
    this.routes = new RouteInfoManager({
      brokerChannelExpiredTimeMs: this.options.brokerChannelExpiredTimeMs,
      log,
      ...(this.options.orderMessageEnable ? { orderTopicConf: (topic: string) => this.kvConfig.get(NAMESPACE_ORDER_TOPIC_CONFIG, topic) } : {}),
    });
    this.expiryLoop = new ServiceLoop({
      name: 'namesrv broker expiry',
      intervalMs: this.options.scanNotActiveBrokerIntervalMs,
      task: () => {
        this.scanNotActiveBrokers();
      },
      onError: (error) => log('error', `broker expiry scan failed: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  /** Registers the nameserver's processors on `server` and follows its connections' closes. */
  attach(server: RemotingServer): void {
    const processors = new Map([
      ...routeProcessors({
        routes: this.routes,
        kvConfig: this.kvConfig,
        log: this.options.log,
        trackBrokerChannel: (channel) => this.brokerChannels.set(channel.id, channel),
      }),
      ...kvProcessors(this.kvConfig, this.options.log),
    ]);
    for (const [code, processor] of processors) server.registerProcessor(code, processor);
    server.onChannelEvent((event, channel) => {
      if (event !== 'close') return;
      this.brokerChannels.delete(channel.id);
      for (const removed of this.routes.onChannelClosed(channel)) {
        this.options.log('info', `broker ${removed} removed: its connection ${channel.remoteAddress} closed`);
      }
    });
  }

  /** Loads the KV config and starts the expiry loop. Idempotent. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('NameServer is closed; create a new one'));
    this.starting ??= (async () => {
      await this.kvConfig.load();
      // close() during load: leave the loop stopped.
      if (!this.closing) this.expiryLoop.start();
    })();
    return this.starting;
  }

  /** Stops the expiry loop and waits for KV saves in progress. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      await this.expiryLoop.close();
      await this.kvConfig.flush();
      this.brokerChannels.clear();
    })();
    return this.closing;
  }

  /** One expiry pass (the loop runs it every scanNotActiveBrokerIntervalMs): drops and disconnects stale brokers. */
  scanNotActiveBrokers(now: number = Date.now()): ExpiredBroker[] {
    const expired = this.routes.scanNotActiveBrokers(now);
    for (const broker of expired) {
      // Java closes the expired broker's channel; we keep it when another live broker shares it.
      if (broker.channelId === undefined || this.routes.hasBrokerOnChannel(broker.channelId)) continue;
      const channel = this.brokerChannels.get(broker.channelId);
      this.brokerChannels.delete(broker.channelId);
      channel?.close(`broker ${broker.brokerAddr} expired`);
    }
    return expired;
  }
}
