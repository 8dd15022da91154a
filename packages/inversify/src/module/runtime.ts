// What PulsejetModule binds: one client instance (shared by the producer, the transactional
// producers and every consumer of the process), the injectable Producer, and in embedded mode the
// in-process nameserver and broker. Created when the module loads (no I/O); started by
// startPulsejet(); closed last by the app's close().
import { ClientInstance, Producer } from '@pulsejet/client';
import { EmbeddedCluster } from './embedded-cluster';
import type { ResolvedPulsejetOptions } from './module-options';
import { PulsejetTransactions } from './transactions';

export class PulsejetRuntime {
  readonly clientInstance: ClientInstance;
  readonly producer: Producer;
  readonly transactions = new PulsejetTransactions();
  /** The in-process broker of embedded mode (tests look at its store); undefined when connected. */
  readonly embedded: EmbeddedCluster | undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(readonly options: ResolvedPulsejetOptions) {
    const { transport, log } = options;
    this.embedded = transport.kind === 'embedded' ? new EmbeddedCluster(transport, log) : undefined;
    this.clientInstance = new ClientInstance({
      ...options.client,
      namesrvAddr: this.embedded ? this.embedded.namesrvAddr : (transport as { namesrv: string | readonly string[] }).namesrv,
      ...(this.embedded ? { remoting: this.embedded.newRemotingClient(), ownsRemoting: true } : {}),
      log,
    });
    this.producer = new Producer({ ...options.producer, groupName: options.producerGroup, clientInstance: this.clientInstance, log });
  }

  /** Starts the embedded servers (if any), the client instance and the producer. Idempotent. */
  start(): Promise<void> {
    this.starting ??= (async () => {
      await this.embedded?.start();
      await this.clientInstance.start();
      await this.producer.start();
    })();
    return this.starting;
  }

  /** Closes the producers, the client instance, then the embedded broker and nameserver. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      await this.transactions.closeAll();
      await this.producer.close();
      await this.clientInstance.close();
      await this.embedded?.close();
    })();
    return this.closing;
  }
}
