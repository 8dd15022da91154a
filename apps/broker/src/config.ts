// Configuration of the standalone broker, like RocketMQ's mqbroker: defaults, then a broker.conf
// (-c, Java .properties), then flags (`--listenPort 10911` or `--listenPort=10911`). Pure: argv and
// the file reader come in as arguments. Unknown keys and invalid values are errors (exit 2).
import { BROKER_ROLES, parseMessageDelayLevel, type BrokerOptions, type BrokerStoreOptions } from '@pulsejet/broker';
import { parseProperties } from '@pulsejet/app-support';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Kind = 'string' | 'int' | 'number' | 'boolean' | readonly string[];

// Broker keys (RocketMQ BrokerConfig / NettyServerConfig names) and store keys (MessageStoreConfig).
const BROKER_KEYS = {
  brokerClusterName: 'string',
  brokerName: 'string',
  brokerId: 'int',
  brokerRole: BROKER_ROLES,
  namesrvAddr: 'string',
  listenPort: 'int',
  bindAddress: 'string',
  brokerIP1: 'string',
  storePathRootDir: 'string',
  flushDiskType: ['ASYNC_FLUSH', 'SYNC_FLUSH'],
  maxMessageSize: 'int',
  autoCreateTopicEnable: 'boolean',
  defaultTopicQueueNums: 'int',
  registerNameServerPeriod: 'int',
  compressedRegister: 'boolean',
  clusterPropertyEnable: 'boolean',
  messageDelayLevel: 'string',
  transactionCheckInterval: 'int',
  transactionTimeOut: 'int',
  transactionCheckMax: 'int',
  rejectTransactionMessage: 'boolean',
  // Master/slave replication (docs/cluster-modes.md).
  haListenPort: 'int',
  haMasterAddress: 'string',
  haSendHeartbeatInterval: 'int',
  haHousekeepingInterval: 'int',
  haTransferBatchSize: 'int',
  haMaxGapNotInSync: 'int',
  slaveSynchronizeInterval: 'int',
  slaveReadEnable: 'boolean',
  accessMessageInMemoryMaxRatio: 'number',
} as const satisfies Record<string, Kind>;

const STORE_KEYS = {
  mappedFileSizeCommitLog: 'int',
  consumeQueueEntriesPerFile: 'int',
  flushIntervalCommitLog: 'int',
  syncFlushTimeout: 'int',
  flushIntervalConsumeQueue: 'int',
  warmMappedFile: 'boolean',
  fileReservedTime: 'number',
  deleteWhen: 'string',
  diskMaxUsedSpaceRatio: 'number',
  diskSpaceCleanForciblyRatio: 'number',
  cleanResourceInterval: 'int',
  maxWriteBatchBytes: 'int',
  maxFilterMessageCount: 'int',
  maxIndexNum: 'int',
  maxHashSlotNum: 'int',
} as const satisfies Record<string, Kind>;

const APP_KEYS = { logLevel: LOG_LEVELS } as const satisfies Record<string, Kind>;

const ALL_KEYS: Record<string, Kind> = { ...BROKER_KEYS, ...STORE_KEYS, ...APP_KEYS };

export interface BrokerAppConfig {
  broker: BrokerOptions;
  logLevel: LogLevel;
}

export const USAGE = `usage: npm run broker -- [options]
  -c, --config <file>   broker.conf (Java .properties): ${Object.keys(ALL_KEYS).join(', ')}
  --<key> <value>       any config key, e.g. --namesrvAddr 127.0.0.1:9876 --listenPort 10911
  -p, --print-config    print the resolved config and exit
  -h, --help            this text
Flags win over the file. Unknown keys or invalid values exit with code 2.`;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface ResolvedAppConfig {
  config: BrokerAppConfig;
  help: boolean;
  printConfig: boolean;
}

export function resolveConfig(argv: readonly string[], readFile: (path: string) => string): ResolvedAppConfig {
  let configFile: string | undefined;
  let help = false;
  let printConfig = false;
  const flags: Array<[string, string]> = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '-p' || arg === '--print-config') {
      printConfig = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new ConfigError(`${name} needs a value`);
      return next;
    };
    if (name === '-c' || name === '--config') configFile = value();
    else if (name.startsWith('--') && ALL_KEYS[name.slice(2)] !== undefined) flags.push([name.slice(2), value()]);
    else throw new ConfigError(`unknown argument ${arg}; see --help`);
  }

  const entries: Array<[string, string, string]> = [];
  if (configFile !== undefined) {
    let text: string;
    try {
      text = readFile(configFile);
    } catch (error) {
      throw new ConfigError(`cannot read config file ${configFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const [key, value] of Object.entries(parseProperties(text))) entries.push([key, value, `config file ${configFile}`]);
  }
  for (const [key, value] of flags) entries.push([key, value, `flag --${key}`]);

  const broker: Record<string, unknown> = {};
  const store: Record<string, unknown> = {};
  let logLevel: LogLevel = 'info';
  for (const [key, raw, where] of entries) {
    const kind = ALL_KEYS[key];
    if (kind === undefined) throw new ConfigError(`${where}: unknown key ${key}; known keys: ${Object.keys(ALL_KEYS).join(', ')}`);
    const value = parseValue(key, raw, kind, where);
    if (key === 'messageDelayLevel') checkDelayLevels(String(value), where);
    if (key === 'logLevel') logLevel = value as LogLevel;
    else if (key in STORE_KEYS) store[key] = value;
    else broker[key] = value;
  }
  if (Object.keys(store).length > 0) broker['store'] = store as BrokerStoreOptions;
  return { config: { broker: broker as BrokerOptions, logLevel }, help, printConfig };
}

/** Rejects a level list the broker could not parse, here where the user can be told which setting. */
function checkDelayLevels(value: string, where: string): void {
  try {
    parseMessageDelayLevel(value);
  } catch (error) {
    throw new ConfigError(`${where}: messageDelayLevel ${JSON.stringify(value)} is invalid (${error instanceof Error ? error.message : String(error)}); use levels like "1s 5s 10s 30s 1m 2h"`);
  }
}

function parseValue(key: string, raw: string, kind: Kind, where: string): string | number | boolean {
  const value = raw.trim();
  if (Array.isArray(kind)) {
    if (!kind.includes(value)) throw new ConfigError(`${where}: ${key} must be one of ${kind.join(', ')}, got ${JSON.stringify(raw)}`);
    return value;
  }
  switch (kind) {
    case 'string':
      if (value === '') throw new ConfigError(`${where}: ${key} is empty`);
      return value;
    case 'int':
      if (!/^-?\d+$/.test(value)) throw new ConfigError(`${where}: ${key} must be an integer, got ${JSON.stringify(raw)}`);
      return Number(value);
    case 'number':
      if (value === '' || !Number.isFinite(Number(value))) throw new ConfigError(`${where}: ${key} must be a number, got ${JSON.stringify(raw)}`);
      return Number(value);
    default:
      if (value !== 'true' && value !== 'false') throw new ConfigError(`${where}: ${key} must be true or false, got ${JSON.stringify(raw)}`);
      return value === 'true';
  }
}
