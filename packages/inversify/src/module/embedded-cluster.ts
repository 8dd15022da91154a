// The embedded mode: a NameServer and a single-master broker inside the application process, on
// an InProcessNetwork (no sockets, no ports), so the client takes the same code path as over TCP
// with commands passed by reference. Data in dataDir, or in memory for tests.
import { BrokerController } from '@pulsejet/broker';
import { topicConfigWithDefaults } from '@pulsejet/core';
import { InProcessNetwork, InProcessRemotingClient, InProcessRemotingServer, type RemotingClient } from '@pulsejet/remoting';
import { NameServer } from '@pulsejet/routing';
import type { EmbeddedBrokerOptions, PulsejetLog } from './module-options';

/** In-process addresses (names on the InProcessNetwork, not TCP ports). */
export const EMBEDDED_NAMESRV_ADDR = '127.0.0.1:9876';
export const EMBEDDED_BROKER_ADDR = '127.0.0.1:10911';

export class EmbeddedCluster {
  readonly namesrvAddr = EMBEDDED_NAMESRV_ADDR;
  readonly broker: BrokerController;
  private readonly network = new InProcessNetwork();
  private readonly nsServer: InProcessRemotingServer;
  private readonly nameServer: NameServer;
  private readonly brokerServer: InProcessRemotingServer;
  private readonly brokerClient: InProcessRemotingClient;
  private readonly queueNums: number;
  private started = false;

  constructor(
    options: { dataDir: string | undefined; broker: EmbeddedBrokerOptions; topicQueueNums: number },
    private readonly log: PulsejetLog,
  ) {
    this.nsServer = new InProcessRemotingServer(this.network, { address: EMBEDDED_NAMESRV_ADDR, log });
    this.nameServer = new NameServer({ log });
    this.brokerServer = new InProcessRemotingServer(this.network, { address: EMBEDDED_BROKER_ADDR, log });
    this.brokerClient = new InProcessRemotingClient(this.network, { log });
    this.broker = new BrokerController(
      {
        ...options.broker,
        namesrvAddr: EMBEDDED_NAMESRV_ADDR,
        listenPort: 0,
        defaultTopicQueueNums: options.broker.defaultTopicQueueNums ?? options.topicQueueNums,
        ...(options.dataDir !== undefined ? { storePathRootDir: options.dataDir } : {}),
        log,
      },
      { server: this.brokerServer, client: this.brokerClient },
    );
    this.queueNums = options.topicQueueNums;
  }

  /** A transport for a client instance of this process (the instance closes it). */
  newRemotingClient(): RemotingClient {
    return new InProcessRemotingClient(this.network, { log: this.log });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.nameServer.attach(this.nsServer);
    await this.nameServer.start();
    await this.nsServer.start();
    await this.broker.start();
  }

  /**
   * Creates the topics that do not exist yet and registers them with the nameserver at once, so
   * consumers find their routes at start rather than after the next route refresh.
   */
  async ensureTopics(topics: Iterable<string>, retryOrDlq: Iterable<string>): Promise<void> {
    let created = false;
    for (const topic of topics) {
      if (this.broker.topics.get(topic) !== undefined) continue;
      await this.broker.topics.put(topicConfigWithDefaults(topic, { readQueueNums: this.queueNums, writeQueueNums: this.queueNums }));
      created = true;
    }
    // %RETRY% and %DLQ% topics have one queue (as the broker creates them on first use).
    for (const topic of retryOrDlq) {
      if (this.broker.topics.get(topic) !== undefined) continue;
      await this.broker.topics.put(topicConfigWithDefaults(topic, { readQueueNums: 1, writeQueueNums: 1 }));
      created = true;
    }
    if (created) await this.broker.registerBrokerAll();
  }

  /** Stops the broker (flushing its store), then the nameserver. */
  async close(): Promise<void> {
    await this.broker.close();
    await this.brokerClient.close();
    await this.brokerServer.close();
    await this.nsServer.close();
    await this.nameServer.close();
  }
}
