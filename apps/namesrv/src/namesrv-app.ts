// Wires a NameServer to a TCP server from a resolved config, with pino for logs. main.ts adds the
// process concerns (argv, env, signals, exit codes).
import { TcpRemotingServer } from '@pulsejet/remoting';
import { NameServer, type NamesrvConfigItem } from '@pulsejet/routing';
import type { Logger } from 'pino';
import { LOG_LEVELS, type LogLevel, type NamesrvConfig } from './config';
import { saveConfigChanges } from './config-file-update';

export interface StartNamesrvOptions {
  /** The config file UPDATE_NAMESRV_CONFIG saves changes into. @default none: updates last until a restart */
  configFile?: string;
  /** Keys set by env vars or flags, which win over the file at a restart (a warning says so). @default none */
  overriddenKeys?: readonly string[];
}

export interface RunningNamesrv {
  /** "host:port" the server listens on. */
  address: string;
  nameServer: NameServer;
  /** Stops accepting, closes connections, stops the expiry loop. Idempotent. */
  close(): Promise<void>;
}

export async function startNamesrv(config: NamesrvConfig, logger: Logger, options: StartNamesrvOptions = {}): Promise<RunningNamesrv> {
  const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string): void => logger[level](message);
  const server = new TcpRemotingServer({
    host: config.bindAddress,
    port: config.listenPort,
    channelIdleTimeoutMs: config.serverChannelMaxIdleTimeSeconds * 1000,
    log,
  });
  const nameServer = new NameServer({
    scanNotActiveBrokerIntervalMs: config.scanNotActiveBrokerInterval,
    brokerChannelExpiredTimeMs: config.brokerChannelExpiredTime,
    ...(config.kvConfigPath !== undefined ? { kvConfigPath: config.kvConfigPath } : {}),
    orderMessageEnable: config.orderMessageEnable,
    configItems: appConfigItems(config, logger, options.configFile),
    ...(options.configFile !== undefined ? { persistConfig: persistTo(options.configFile, options.overriddenKeys ?? [], logger) } : {}),
    log,
  });
  nameServer.attach(server);
  try {
    await nameServer.start();
    await server.start();
  } catch (error) {
    await server.close();
    await nameServer.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    address: server.address(),
    nameServer,
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await nameServer.close();
      })()),
  };
}

// The process's own keys in GET/UPDATE_NAMESRV_CONFIG. The socket settings are fixed once listening,
// so UPDATE refuses them (NO_PERMISSION) rather than saving a value that is not in force; Java
// takes them and they apply only after a restart.
function appConfigItems(config: NamesrvConfig, logger: Logger, configFile: string | undefined): NamesrvConfigItem[] {
  return [
    { key: 'listenPort', type: { kind: 'integer', min: 0, max: 65535 }, get: () => config.listenPort },
    { key: 'bindAddress', type: { kind: 'string' }, get: () => config.bindAddress },
    { key: 'serverChannelMaxIdleTimeSeconds', type: { kind: 'integer', min: 0, max: 2 ** 31 - 1, unit: 'seconds' }, get: () => config.serverChannelMaxIdleTimeSeconds },
    {
      key: 'logLevel',
      type: { kind: 'enum', values: LOG_LEVELS },
      get: () => logger.level,
      set: (value) => {
        logger.level = value as LogLevel;
      },
    },
    // Always black-listed (the nameserver's fixed list): where updates are saved is not itself updatable.
    { key: 'configStorePath', type: { kind: 'string' }, get: () => configFile },
  ];
}

function persistTo(configFile: string, overriddenKeys: readonly string[], logger: Logger): (changes: Record<string, string>) => Promise<void> {
  return async (changes) => {
    await saveConfigChanges(configFile, changes);
    const overridden = Object.keys(changes).filter((key) => overriddenKeys.includes(key));
    if (overridden.length > 0) {
      logger.warn(`saved ${overridden.join(', ')} to ${configFile}, but a flag or environment variable also sets them and wins at the next start`);
    }
  };
}
