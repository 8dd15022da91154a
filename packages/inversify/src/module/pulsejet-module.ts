// PulsejetModule.embedded() / .connect(): Inversify ContainerModules binding the same services, so
// switching between an in-process broker and standalone ones changes no application code.
//
//   container.load(PulsejetModule.embedded({ dataDir: './data' }));  // or { memory: true }
//   container.load(PulsejetModule.connect({ namesrv: 'localhost:9876' }));
import { ClientInstance, Producer } from '@pulsejet/client';
import { ContainerModule } from 'inversify';
import { resolveConnectOptions, resolveEmbeddedOptions, type ConnectOptions, type EmbeddedOptions, type ResolvedPulsejetOptions } from './module-options';
import { PulsejetRuntime } from './runtime';
import { PULSEJET_OPTIONS, PULSEJET_PRODUCER, PULSEJET_RUNTIME } from './tokens';
import { PulsejetTransactions } from './transactions';

function moduleOf(options: ResolvedPulsejetOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    // A runtime per load, so one module object loaded into two containers gives two runtimes.
    const runtime = new PulsejetRuntime(options);
    bind(PULSEJET_OPTIONS).toConstantValue(options);
    bind(PULSEJET_RUNTIME).toConstantValue(runtime);
    bind(ClientInstance).toConstantValue(runtime.clientInstance);
    bind(Producer).toConstantValue(runtime.producer);
    bind(PULSEJET_PRODUCER).toConstantValue(runtime.producer);
    bind(PulsejetTransactions).toConstantValue(runtime.transactions);
  });
}

export const PulsejetModule = {
  /** A nameserver and broker inside this process: `{ dataDir }` keeps data on disk, `{ memory: true }` in memory. */
  embedded(options: EmbeddedOptions): ContainerModule {
    return moduleOf(resolveEmbeddedOptions(options));
  },
  /** Standalone nameserver(s) and brokers (`npm start`, apps/namesrv + apps/broker). */
  connect(options: ConnectOptions): ContainerModule {
    return moduleOf(resolveConnectOptions(options));
  },
};
