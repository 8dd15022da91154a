// Wires a BrokerController from the app config with pino for logs. main.ts adds argv, signals and
// exit codes; embedded.ts adds a nameserver in the same process.
import { BrokerController, resolveBrokerOptions, type BrokerLog, type BrokerOptions } from '@pulsejet/broker';
import type { Logger } from 'pino';

/** A BrokerLog that writes to pino. */
export function pinoBrokerLog(logger: Logger): BrokerLog {
  return (level, message) => logger[level](message);
}

/** Validates options (RangeError → a config error for the caller) and starts the broker. */
export async function startBroker(options: BrokerOptions, logger: Logger): Promise<BrokerController> {
  const broker = new BrokerController({ ...options, log: pinoBrokerLog(logger) });
  await broker.start();
  return broker;
}

/** Throws RangeError naming the bad option; lets main.ts exit 2 before opening anything. */
export function checkBrokerOptions(options: BrokerOptions): void {
  resolveBrokerOptions(options);
}
