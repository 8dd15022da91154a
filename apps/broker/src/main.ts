// The standalone broker, like RocketMQ's mqbroker: `npm run broker -- -c broker.conf`.
// Logs with pino to stdout; SIGTERM/SIGINT unregister, close the server and flush the store, exit 0.
import { readFileSync } from 'node:fs';
import { closeOnSignal, runMain } from '@pulsejet/app-support';
import pino from 'pino';
import { checkBrokerOptions, startBroker } from './broker-app';
import { ConfigError, USAGE, resolveConfig } from './config';

async function main(): Promise<number> {
  let resolved;
  try {
    resolved = resolveConfig(process.argv.slice(2), (path) => readFileSync(path, 'utf8'));
    checkBrokerOptions(resolved.config.broker);
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof RangeError)) throw error;
    process.stderr.write(`broker: ${error.message}\n${USAGE}\n`);
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

  const logger = pino({ name: 'broker', level: config.logLevel }, pino.destination({ dest: 1, sync: true }));
  const broker = await startBroker(config.broker, logger).catch((error: unknown) => {
    logger.fatal({ err: error }, 'The broker failed to start');
    return undefined;
  });
  if (!broker) return 1;
  const { brokerName, brokerClusterName, namesrvAddr } = broker.options;
  logger.info(
    { address: broker.brokerAddr, brokerName, brokerClusterName, namesrvAddr },
    `The broker[${brokerName}, ${broker.brokerAddr}] boot success. namesrvAddr=${namesrvAddr.join(';') || '(none)'}`,
  );

  return closeOnSignal('The broker', () => broker.close(), logger);
}

runMain('broker', main);
