// Wires a NameServer to a TCP server from a resolved config, with pino for logs. main.ts adds the
// process concerns (argv, env, signals, exit codes).
import { TcpRemotingServer } from '@pulsejet/remoting';
import { NameServer } from '@pulsejet/routing';
import type { Logger } from 'pino';
import type { NamesrvConfig } from './config';

export interface RunningNamesrv {
  /** "host:port" the server listens on. */
  address: string;
  nameServer: NameServer;
  /** Stops accepting, closes connections, stops the expiry loop. Idempotent. */
  close(): Promise<void>;
}

export async function startNamesrv(config: NamesrvConfig, logger: Logger): Promise<RunningNamesrv> {
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
