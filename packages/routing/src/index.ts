// Public API of @pulsejet/routing: the NameServer, its route table and KV config, the broker's
// registration helper and the client-side route cache. Explicit names only (STYLE.md habit 2).
export { NameServer } from './name-server';
export { resolveNameServerOptions, DEFAULT_SCAN_NOT_ACTIVE_BROKER_INTERVAL_MS, DEFAULT_ORDER_MESSAGE_ENABLE } from './options';
export type { NameServerOptions, ResolvedNameServerOptions } from './options';
export { RouteInfoManager, DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS } from './route-info-manager';
export type {
  RouteInfoManagerOptions,
  RegisterBrokerInput,
  RegisterBrokerResult,
  UnregisterBrokerInput,
  BrokerLiveInfo,
  ExpiredBroker,
} from './route-info-manager';
export { NamesrvConfiguration, ConfigUpdateError, ALWAYS_BLACK_LISTED_CONFIG_KEYS, MAX_CONFIG_UPDATE_BODY_BYTES, MAX_CONFIG_STRING_LENGTH } from './namesrv-config';
export type { NamesrvConfigItem, NamesrvConfigType, NamesrvConfigValue, ConfigUpdatePlan } from './namesrv-config';
export { parsePropertiesText, formatPropertiesText, PropertiesTextError } from './properties-text';
export type { PropertyEntry } from './properties-text';
export { KvConfigManager } from './kv-config-manager';
export type { KvConfigManagerOptions } from './kv-config-manager';
export { BrokerRegistration, DEFAULT_REGISTER_NAME_SERVER_PERIOD_MS, DEFAULT_REGISTER_BROKER_TIMEOUT_MS } from './broker-registration';
export type { BrokerRegistrationOptions, BrokerIdentity, BrokerRegisterResult, RegistrationOutcome } from './broker-registration';
export { TopicRouteCache, DEFAULT_POLL_NAME_SERVER_INTERVAL_MS, DEFAULT_ROUTE_REQUEST_TIMEOUT_MS } from './topic-route-cache';
export type { TopicRouteCacheOptions, RouteChangeListener } from './topic-route-cache';
export { RoutingError, RoutingErrorCode } from './errors';
export { silentRoutingLog } from './log';
export type { RoutingLog, RoutingLogLevel } from './log';
