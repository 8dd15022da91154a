/**
 * Options of the NameServer, named after RocketMQ's NamesrvConfig where it has a name. Defaults are
 * resolved once, by resolveNameServerOptions(); nothing reads the environment (apps/namesrv maps
 * env vars and flags to these).
 */
import { DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS } from './route-info-manager';
import { silentRoutingLog, type RoutingLog } from './log';
import type { NamesrvConfigItem } from './namesrv-config';

export interface NameServerOptions {
  /** How often brokers not heard from are looked for, ms. @default 5000 (Java scanNotActiveBroker period) */
  scanNotActiveBrokerIntervalMs?: number;
  /** A broker not heard from for this long is removed with its queue data, ms. @default 120000 */
  brokerChannelExpiredTimeMs?: number;
  /** JSON file the KV config is kept in. @default in memory only */
  kvConfigPath?: string;
  /**
   * Fill a route's orderTopicConf from the ORDER_TOPIC_CONFIG KV namespace. @default true (Java's
   * orderMessageEnable defaults to false; Pulsejet serves it because admin tools set it on purpose)
   */
  orderMessageEnable?: boolean;
  /**
   * Keys UPDATE_NAMESRV_CONFIG refuses (NO_PERMISSION), besides configBlackList, configStorePath,
   * kvConfigPath and rocketmqHome, which it always refuses (Java 4.9.8's configBlackList, there a
   * ';'-separated string). @default none
   */
  configBlackList?: readonly string[];
  /**
   * Config keys the embedding app adds to GET/UPDATE_NAMESRV_CONFIG (apps/namesrv: listenPort,
   * logLevel...), beside the nameserver's own scanNotActiveBrokerInterval, brokerChannelExpiredTime,
   * orderMessageEnable, kvConfigPath and configBlackList. @default none
   */
  configItems?: readonly NamesrvConfigItem[];
  /**
   * Saves the keys an UPDATE_NAMESRV_CONFIG changed (`key -> value` as text), so a restart keeps
   * them; apps/namesrv writes them into its config file (Java Configuration.persist writes
   * configStorePath). Calls run one at a time. @default not saved: updates last until a restart
   */
  persistConfig?: (changes: Record<string, string>) => Promise<void>;
  /** Receives registrations, expiries and bad requests. @default silent */
  log?: RoutingLog;
}

export type ResolvedNameServerOptions = Required<Omit<NameServerOptions, 'kvConfigPath' | 'persistConfig'>> & {
  kvConfigPath: string | undefined;
  persistConfig: ((changes: Record<string, string>) => Promise<void>) | undefined;
};

export const DEFAULT_SCAN_NOT_ACTIVE_BROKER_INTERVAL_MS = 5000;
export const DEFAULT_ORDER_MESSAGE_ENABLE = true;

export function resolveNameServerOptions(options: NameServerOptions = {}): ResolvedNameServerOptions {
  const resolved: ResolvedNameServerOptions = {
    scanNotActiveBrokerIntervalMs: options.scanNotActiveBrokerIntervalMs ?? DEFAULT_SCAN_NOT_ACTIVE_BROKER_INTERVAL_MS,
    brokerChannelExpiredTimeMs: options.brokerChannelExpiredTimeMs ?? DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS,
    kvConfigPath: options.kvConfigPath,
    orderMessageEnable: options.orderMessageEnable ?? DEFAULT_ORDER_MESSAGE_ENABLE,
    configBlackList: options.configBlackList ?? [],
    configItems: options.configItems ?? [],
    persistConfig: options.persistConfig,
    log: options.log ?? silentRoutingLog,
  };
  positive('scanNotActiveBrokerIntervalMs', resolved.scanNotActiveBrokerIntervalMs);
  positive('brokerChannelExpiredTimeMs', resolved.brokerChannelExpiredTimeMs);
  return resolved;
}

export function positive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`);
}
