// apps/broker entry points for tests and tools; the processes are main.ts (mqbroker) and start.ts (npm start).
export { resolveConfig, ConfigError, USAGE } from './config';
export type { BrokerAppConfig, ResolvedAppConfig, LogLevel } from './config';
export { startBroker, checkBrokerOptions, pinoBrokerLog } from './broker-app';
export { startEmbedded, banner, DEFAULT_EMBEDDED_NAMESRV_PORT, DEFAULT_EMBEDDED_LISTEN_PORT, DEFAULT_EMBEDDED_DATA_DIR } from './embedded';
export type { EmbeddedOptions, RunningEmbedded } from './embedded';
