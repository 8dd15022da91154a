// The standalone nameserver, like RocketMQ's mqnamesrv: `npm run namesrv -- --port 9876`.
// Maps flags, a config file and PULSEJET_NAMESRV_* env vars to options (the only place that reads
// the environment), logs with pino to stdout, and shuts down cleanly on SIGTERM/SIGINT.
import { readFileSync } from 'node:fs';
import { closeOnSignal, runMain } from '@pulsejet/app-support';
import pino from 'pino';
import { ConfigError, USAGE, resolveConfig } from './config';
import { startNamesrv } from './namesrv-app';

async function main(): Promise<number> {
  let resolved;
  try {
    resolved = resolveConfig(process.argv.slice(2), process.env, (path) => readFileSync(path, 'utf8'));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`namesrv: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (resolved.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { config } = resolved;
  if (resolved.printConfig) {
    process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
    return 0;
  }

  // Synchronous stdout: the last lines before exit are never lost.
  const logger = pino({ name: 'namesrv', level: config.logLevel }, pino.destination({ dest: 1, sync: true }));
  const running = await startNamesrv(config, logger, {
    ...(resolved.configFile !== undefined ? { configFile: resolved.configFile } : {}),
    overriddenKeys: resolved.overriddenKeys,
  }).catch((error: unknown) => {
    logger.fatal({ err: error }, `The Name Server failed to start on ${config.bindAddress}:${config.listenPort}`);
    return undefined;
  });
  if (!running) return 1;
  logger.info({ address: running.address, config }, `The Name Server boot success. listening on ${running.address}`);

  return closeOnSignal('The Name Server', () => running.close(), logger);
}

runMain('namesrv', main);
