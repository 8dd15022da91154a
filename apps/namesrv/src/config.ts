// Configuration of the standalone nameserver, like RocketMQ's mqnamesrv: defaults, then a config
// file (-c, .properties or .json), then PULSEJET_NAMESRV_* environment variables, then flags.
// Pure: argv, env and the file reader come in as arguments, so it is tested without a process.
import { DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS, DEFAULT_ORDER_MESSAGE_ENABLE, DEFAULT_SCAN_NOT_ACTIVE_BROKER_INTERVAL_MS } from '@pulsejet/routing';
import { DEFAULT_CHANNEL_IDLE_TIMEOUT_MS } from '@pulsejet/remoting';
import { parseProperties } from '@pulsejet/app-support';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface NamesrvConfig {
  /** @default 9876 (RocketMQ's nameserver port) */
  listenPort: number;
  /** Interface to listen on. @default '0.0.0.0' (RocketMQ NettyServerConfig.bindAddress) */
  bindAddress: string;
  /** JSON file for the KV config; unset keeps it in memory only. @default unset */
  kvConfigPath: string | undefined;
  /** @default 5000 */
  scanNotActiveBrokerInterval: number;
  /** @default 120000 */
  brokerChannelExpiredTime: number;
  /** @default true */
  orderMessageEnable: boolean;
  /** Idle connections are closed after this many seconds; 0 never. @default 120 */
  serverChannelMaxIdleTimeSeconds: number;
  /** pino level. @default 'info' */
  logLevel: LogLevel;
}

export const DEFAULT_LISTEN_PORT = 9876;
const MAX_TIMER_MS = 2 ** 31 - 1;

export function defaultNamesrvConfig(): NamesrvConfig {
  return {
    listenPort: DEFAULT_LISTEN_PORT,
    bindAddress: '0.0.0.0',
    kvConfigPath: undefined,
    scanNotActiveBrokerInterval: DEFAULT_SCAN_NOT_ACTIVE_BROKER_INTERVAL_MS,
    brokerChannelExpiredTime: DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS,
    orderMessageEnable: DEFAULT_ORDER_MESSAGE_ENABLE,
    serverChannelMaxIdleTimeSeconds: DEFAULT_CHANNEL_IDLE_TIMEOUT_MS / 1000,
    logLevel: 'info',
  };
}

type Key = keyof NamesrvConfig;
const KEYS: readonly Key[] = Object.keys(defaultNamesrvConfig()) as Key[];
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

// Flags and env vars name a few settings; the file and `--key=value` take any key of NamesrvConfig.
const FLAG_KEYS: Record<string, Key> = { '--port': 'listenPort', '--host': 'bindAddress', '--kv-config-path': 'kvConfigPath', '--log-level': 'logLevel' };
const ENV_KEYS: Record<string, Key> = {
  PULSEJET_NAMESRV_PORT: 'listenPort',
  PULSEJET_NAMESRV_HOST: 'bindAddress',
  PULSEJET_NAMESRV_KV_CONFIG_PATH: 'kvConfigPath',
  PULSEJET_NAMESRV_LOG_LEVEL: 'logLevel',
};
export const ENV_CONFIG_FILE = 'PULSEJET_NAMESRV_CONFIG';

export const USAGE = `usage: npm run namesrv -- [options]
  --port <port>            listen port (default 9876; 0 picks a free one)
  --host <address>         interface to listen on (default 0.0.0.0)
  -c, --config <file>      config file, .properties or .json (listenPort, bindAddress, kvConfigPath,
                           scanNotActiveBrokerInterval, brokerChannelExpiredTime, orderMessageEnable,
                           serverChannelMaxIdleTimeSeconds, logLevel)
  --kv-config-path <file>  where the KV config is kept (default: memory only)
  --log-level <level>      fatal|error|warn|info|debug|trace|silent (default info)
  --<key>=<value>          any config file key
  -p, --print-config       print the resolved config and exit
  -h, --help               this text
environment: ${ENV_CONFIG_FILE}, ${Object.keys(ENV_KEYS).join(', ')} (flags win over env, env over the file)`;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface ParsedArgs {
  configFile: string | undefined;
  values: Partial<Record<Key, string>>;
  help: boolean;
  printConfig: boolean;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { configFile: undefined, values: {}, help: false, printConfig: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      parsed.help = true;
      continue;
    }
    if (arg === '-p' || arg === '--print-config') {
      parsed.printConfig = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new ConfigError(`${name} needs a value`);
      return next;
    };
    if (name === '-c' || name === '--config') {
      parsed.configFile = value();
    } else if (FLAG_KEYS[name] !== undefined) {
      parsed.values[FLAG_KEYS[name]!] = value();
    } else if (name.startsWith('--') && (KEYS as readonly string[]).includes(name.slice(2))) {
      parsed.values[name.slice(2) as Key] = value();
    } else {
      throw new ConfigError(`unknown argument ${arg}; see --help`);
    }
  }
  return parsed;
}

/** A config file is JSON when it ends in .json or starts with '{', else .properties. */
export function isJsonConfigFile(text: string, path: string): boolean {
  return path.endsWith('.json') || text.trimStart().startsWith('{');
}

/** Reads a config file (JSON or .properties, see isJsonConfigFile). */
export function parseConfigFile(text: string, path: string): Partial<Record<Key, string>> {
  let raw: Record<string, unknown>;
  if (isJsonConfigFile(text, path)) {
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`config file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`config file ${path} must hold a JSON object`);
  } else {
    raw = parseProperties(text);
  }
  const out: Partial<Record<Key, string>> = {};
  for (const [key, value] of Object.entries(raw)) {
    // RocketMQ config files hold many keys (rocketmqHome, productEnvName...); the unknown ones are ignored, as Java does.
    if (!(KEYS as readonly string[]).includes(key) || value === null || value === undefined) continue;
    if (typeof value === 'object') throw new ConfigError(`config file ${path}: ${key} must be a string, number or boolean`);
    out[key as Key] = String(value);
  }
  return out;
}

export function envValues(env: Readonly<Record<string, string | undefined>>): Partial<Record<Key, string>> {
  const out: Partial<Record<Key, string>> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

export interface ResolvedConfig {
  config: NamesrvConfig;
  /** The -c file (or PULSEJET_NAMESRV_CONFIG); UPDATE_NAMESRV_CONFIG saves changes into it (Java's configStorePath). */
  configFile: string | undefined;
  /** Keys an env var or flag sets: they win over the file at every start, so saving them to the file is not enough. */
  overriddenKeys: Key[];
  help: boolean;
  printConfig: boolean;
}

/** Defaults < config file < env < flags. `readFile` reads the config file's text. */
export function resolveConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, readFile: (path: string) => string): ResolvedConfig {
  const args = parseArgs(argv);
  const file = args.configFile ?? (env[ENV_CONFIG_FILE] || undefined);
  let fileValues: Partial<Record<Key, string>> = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFile(file);
    } catch (error) {
      throw new ConfigError(`cannot read config file ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    fileValues = parseConfigFile(text, file);
  }
  const config = defaultNamesrvConfig();
  const fromEnv = envValues(env);
  for (const values of [fileValues, fromEnv, args.values]) {
    for (const [key, value] of Object.entries(values) as [Key, string][]) apply(config, key, value);
  }
  const overriddenKeys = [...new Set([...Object.keys(fromEnv), ...Object.keys(args.values)])] as Key[];
  return { config, configFile: file, overriddenKeys, help: args.help, printConfig: args.printConfig };
}

function apply(config: NamesrvConfig, key: Key, value: string): void {
  switch (key) {
    case 'listenPort': {
      const port = integer(key, value);
      if (port > 65535) throw new ConfigError(`listenPort ${value} is not a port; use 0..65535`);
      config.listenPort = port;
      return;
    }
    case 'bindAddress':
      if (value === '') throw new ConfigError('bindAddress is empty; give an interface address such as 0.0.0.0 or 127.0.0.1');
      config.bindAddress = value;
      return;
    case 'kvConfigPath':
      config.kvConfigPath = value === '' ? undefined : value;
      return;
    case 'scanNotActiveBrokerInterval':
    case 'brokerChannelExpiredTime': {
      const ms = integer(key, value);
      // 2^31-1 ms is the longest a Node timer waits; a longer one fires at once.
      if (ms <= 0 || ms > MAX_TIMER_MS) throw new ConfigError(`${key} must be a number of milliseconds in 1..${MAX_TIMER_MS}, got ${value}`);
      config[key] = ms;
      return;
    }
    case 'serverChannelMaxIdleTimeSeconds':
      config.serverChannelMaxIdleTimeSeconds = integer(key, value);
      return;
    case 'orderMessageEnable':
      if (value !== 'true' && value !== 'false') throw new ConfigError(`orderMessageEnable must be true or false, got ${value}`);
      config.orderMessageEnable = value === 'true';
      return;
    case 'logLevel':
      if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new ConfigError(`logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${value}`);
      config.logLevel = value as LogLevel;
      return;
  }
}

function integer(key: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new ConfigError(`${key} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value.trim());
}
