// A real nameserver and broker for client tests, in one of the two ways users run them:
//   - 'embedded': both on one InProcessNetwork (no sockets; the client gets an InProcessRemotingClient),
//   - 'tcp': both on 127.0.0.1 with free ports (the client dials them over TCP).
// Each cluster has its own temp data directory; close() stops everything and removes it.
// (Cross-process tests start apps/broker and apps/namesrv as children instead; see the apps' tests.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerController, type BrokerOptions } from '@pulsejet/broker';
import { topicConfigWithDefaults } from '@pulsejet/core';
import {
  InProcessNetwork,
  InProcessRemotingClient,
  InProcessRemotingServer,
  TcpRemotingClient,
  TcpRemotingServer,
  type RemotingClient,
  type RemotingServer,
} from '@pulsejet/remoting';
import { NameServer } from '@pulsejet/routing';

export type Transport = 'embedded' | 'tcp';
export const TRANSPORTS: readonly Transport[] = ['embedded', 'tcp'];

export interface TestCluster {
  transport: Transport;
  namesrvAddr: string;
  broker: BrokerController;
  /** A new remoting client for a client instance: in-process for 'embedded', TCP otherwise. The caller closes it (or hands it to an instance that does). */
  newRemotingClient(): RemotingClient;
  /** Creates the topic on the broker (readQueueNums = writeQueueNums = queues) and waits until the nameserver has its route. */
  createTopic(topic: string, queues?: number): Promise<void>;
  close(): Promise<void>;
}

let topicCounter = 0;
/** A topic (or group) name unique to this test run. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now()}_${topicCounter++}`;
}

export async function startCluster(transport: Transport, brokerOptions: BrokerOptions = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'pulsejet-client-it-'));
  const network = transport === 'embedded' ? new InProcessNetwork() : undefined;
  const nsServer: RemotingServer = network
    ? new InProcessRemotingServer(network, { address: '127.0.0.1:9876' })
    : new TcpRemotingServer({ host: '127.0.0.1', port: 0 });
  const nameServer = new NameServer();
  nameServer.attach(nsServer);
  await nameServer.start();
  await nsServer.start();
  const namesrvAddr = nsServer.address();

  const newRemotingClient = (): RemotingClient => (network ? new InProcessRemotingClient(network) : new TcpRemotingClient());
  const brokerServer = network ? new InProcessRemotingServer(network, { address: '127.0.0.1:10911' }) : undefined;
  const brokerClient = network ? new InProcessRemotingClient(network) : undefined;
  const broker = new BrokerController(
    {
      namesrvAddr,
      listenPort: 0,
      bindAddress: '127.0.0.1',
      brokerIP1: '127.0.0.1',
      storePathRootDir: dir,
      maxMessageSize: 1024 * 1024,
      store: { mappedFileSizeCommitLog: 8 * 1024 * 1024, consumeQueueEntriesPerFile: 10_000 },
      ...brokerOptions,
    },
    { ...(brokerServer ? { server: brokerServer } : {}), ...(brokerClient ? { client: brokerClient } : {}) },
  );
  await broker.start();

  return {
    transport,
    namesrvAddr,
    broker,
    newRemotingClient,
    async createTopic(topic, queues = 4) {
      await broker.topics.put({ ...topicConfigWithDefaults(topic), readQueueNums: queues, writeQueueNums: queues });
      await broker.registerBrokerAll();
    },
    async close() {
      await broker.close();
      await brokerClient?.close();
      await brokerServer?.close();
      await nsServer.close();
      await nameServer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
