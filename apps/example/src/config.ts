// The example's configuration from its environment (only apps read process.env):
//   PULSEJET_NAMESRV   connect to standalone brokers (e.g. `npm start`'s 127.0.0.1:9876);
//                      unset: an embedded broker inside this process
//   PULSEJET_DATA_DIR  embedded: keep data in this directory (unset: in memory)
//   EXAMPLE_ORDERS     demo orders placed at start (default 3)
import type { ContainerModule } from 'inversify';
import { PulsejetModule } from '@pulsejet/inversify';

export interface ExampleConfig {
  namesrv: string | undefined;
  dataDir: string | undefined;
  orders: number;
}

export class ExampleConfigError extends Error {}

export function configFromEnv(env: Readonly<Record<string, string | undefined>>): ExampleConfig {
  const orders = env['EXAMPLE_ORDERS'] ?? '3';
  if (!/^\d+$/.test(orders)) throw new ExampleConfigError(`EXAMPLE_ORDERS must be a whole number, got ${JSON.stringify(orders)}`);
  const namesrv = env['PULSEJET_NAMESRV'] || undefined;
  const dataDir = env['PULSEJET_DATA_DIR'] || undefined;
  if (namesrv && dataDir) throw new ExampleConfigError('set PULSEJET_NAMESRV (connect) or PULSEJET_DATA_DIR (embedded), not both');
  return { namesrv, dataDir, orders: Number(orders) };
}

/** The only place that knows embedded from connected: the rest of the app is the same either way. */
export function pulsejetModuleFor(config: ExampleConfig): ContainerModule {
  if (config.namesrv) return PulsejetModule.connect({ namesrv: config.namesrv });
  return config.dataDir ? PulsejetModule.embedded({ dataDir: config.dataDir }) : PulsejetModule.embedded({ memory: true });
}
