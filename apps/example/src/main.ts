// `npm run example`: orders -> billing -> notifications with an embedded broker, or against
// standalone brokers with PULSEJET_NAMESRV=127.0.0.1:9876 (run `npm start` first). Places
// EXAMPLE_ORDERS demo orders, then runs until Ctrl-C / SIGTERM, which drains and shuts down.
import 'reflect-metadata';
import { closeOnSignal, runMain } from '@pulsejet/app-support';
import { startPulsejet } from '@pulsejet/inversify';
import { createExampleContainer } from './app';
import { ExampleConfigError, configFromEnv, pulsejetModuleFor, type ExampleConfig } from './config';
import { OrderService } from './orders';
import { stdoutOutput } from './output';

async function main(): Promise<number> {
  let config: ExampleConfig;
  try {
    config = configFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof ExampleConfigError)) throw error;
    process.stderr.write(`example: ${error.message}\n`);
    return 2;
  }
  const container = createExampleContainer(pulsejetModuleFor(config), stdoutOutput);
  const app = await startPulsejet(container);
  // Handlers are on before the signal handler, and shut down through it from here on.
  const exitCode = closeOnSignal('example', () => app.close(), {
    info: (message) => stdoutOutput(`example: ${message}`),
    error: (details, message) => process.stderr.write(`example: ${message}: ${String(details.err)}\n`),
  });
  stdoutOutput(`example: ready (${config.namesrv ? `connected to ${config.namesrv}` : `embedded, ${config.dataDir ?? 'in memory'}`}); Ctrl-C to stop`);
  const orders = container.get(OrderService);
  for (let i = 1; i <= config.orders; i++) {
    await orders.place({ id: `demo-${i}`, customer: `customer-${i}`, amount: i * 1000 });
  }
  return exitCode;
}

if (require.main === module) runMain('example', main);
