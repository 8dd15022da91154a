// The NameServer (Java NamesrvController): a route table and a KV config behind remoting
// processors, plus the loop that drops brokers not heard from. It serves over any RemotingServer
// (TCP or in-process); the caller owns and starts that server.
import { NAMESPACE_ORDER_TOPIC_CONFIG } from '@pulsejet/protocol';
import type { RemotingChannel, RemotingServer } from '@pulsejet/remoting';
import { configProcessors } from './config-processors';
import { KvConfigManager } from './kv-config-manager';
import { kvProcessors } from './kv-processors';
import { ALWAYS_BLACK_LISTED_CONFIG_KEYS, NamesrvConfiguration, type NamesrvConfigItem } from './namesrv-config';
import { routeProcessors } from './namesrv-processors';
import { resolveNameServerOptions, type NameServerOptions, type ResolvedNameServerOptions } from './options';
import { RouteInfoManager, type ExpiredBroker } from './route-info-manager';
import { ServiceLoop } from '@pulsejet/protocol';

export class NameServer {
  readonly routes: RouteInfoManager;
  readonly kvConfig: KvConfigManager;
  /** The options it was built with; UPDATE_NAMESRV_CONFIG changes the values in force, not these. */
  readonly options: ResolvedNameServerOptions;
  /** What GET/UPDATE_NAMESRV_CONFIG read and change. */
  readonly configuration: NamesrvConfiguration;
  private expiryLoop: ServiceLoop;
  private scanIntervalMs: number;
  private orderMessageEnable: boolean;
  // Config saves run one after another, so the file ends with the latest values.
  private persisting: Promise<void> = Promise.resolve();
  // Channels brokers registered on, by id, so an expired broker's connection can be closed.
  private readonly brokerChannels = new Map<string, RemotingChannel>();
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: NameServerOptions = {}) {
    this.options = resolveNameServerOptions(options);
    const { log } = this.options;
    this.kvConfig = new KvConfigManager({ ...(this.options.kvConfigPath !== undefined ? { kvConfigPath: this.options.kvConfigPath } : {}), log });
    this.orderMessageEnable = this.options.orderMessageEnable;
    this.routes = new RouteInfoManager({
      brokerChannelExpiredTimeMs: this.options.brokerChannelExpiredTimeMs,
      log,
      // Read per route request, so an UPDATE_NAMESRV_CONFIG of orderMessageEnable applies at once.
      orderTopicConf: (topic: string) => (this.orderMessageEnable ? this.kvConfig.get(NAMESPACE_ORDER_TOPIC_CONFIG, topic) : undefined),
    });
    this.scanIntervalMs = this.options.scanNotActiveBrokerIntervalMs;
    this.expiryLoop = this.newExpiryLoop();
    this.configuration = new NamesrvConfiguration(
      [...this.ownConfigItems(), ...this.options.configItems],
      [...ALWAYS_BLACK_LISTED_CONFIG_KEYS, ...this.options.configBlackList],
    );
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
      ...configProcessors({ configuration: this.configuration, persist: (changes) => this.persistConfig(changes), log: this.options.log }),
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
      await this.persisting;
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

  // The keys the nameserver itself serves, named as in RocketMQ's NamesrvConfig. Timer values stop
  // at 2^31-1 ms, the longest a Node timer waits.
  private ownConfigItems(): NamesrvConfigItem[] {
    const ms = { kind: 'integer', min: 1, max: 2 ** 31 - 1, unit: 'milliseconds' } as const;
    const blackList = [...ALWAYS_BLACK_LISTED_CONFIG_KEYS, ...this.options.configBlackList];
    return [
      { key: 'scanNotActiveBrokerInterval', type: ms, get: () => this.scanIntervalMs, set: (value) => this.setScanInterval(Number(value)) },
      {
        key: 'brokerChannelExpiredTime',
        type: ms,
        get: () => this.routes.brokerChannelExpiredTimeMs,
        set: (value) => this.routes.setBrokerChannelExpiredTimeMs(Number(value)),
      },
      { key: 'orderMessageEnable', type: { kind: 'boolean' }, get: () => this.orderMessageEnable, set: (value) => (this.orderMessageEnable = value === true) },
      { key: 'kvConfigPath', type: { kind: 'string' }, get: () => this.options.kvConfigPath },
      { key: 'configBlackList', type: { kind: 'string' }, get: () => [...new Set(blackList)].join(';') },
    ];
  }

  private newExpiryLoop(): ServiceLoop {
    const { log } = this.options;
    return new ServiceLoop({
      name: 'namesrv broker expiry',
      intervalMs: this.scanIntervalMs,
      task: () => {
        this.scanNotActiveBrokers();
      },
      onError: (error) => log('error', `broker expiry scan failed: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  // A ServiceLoop's interval is fixed, so a new interval means a new loop; it applies at once,
  // not after the old interval's pending wait (which could be minutes).
  private setScanInterval(ms: number): void {
    if (ms === this.scanIntervalMs) return;
    this.scanIntervalMs = ms;
    const old = this.expiryLoop;
    this.expiryLoop = this.newExpiryLoop();
    // Start it only if the old one ran: before start() and after close() there is no loop to run.
    if (this.starting !== undefined && this.closing === undefined) this.expiryLoop.start();
    void old.close();
  }

  private persistConfig(changes: Record<string, string>): Promise<void> {
    const save = this.options.persistConfig;
    if (save === undefined) return Promise.resolve();
    const next = this.persisting.then(() => save(changes));
    this.persisting = next.catch(() => undefined);
    return next;
  }
}
