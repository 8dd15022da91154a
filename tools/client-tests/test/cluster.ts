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
  /**
   * Starts another broker group (its own name, store and address) registering with the same
   * nameserver; close() stops it too. Create topics on it with `createTopicOn`.
   */
  startBroker(brokerOptions?: BrokerOptions): Promise<BrokerController>;
  /** Creates the topic on one broker (any of this cluster's) and waits until the nameserver has it. */
  createTopicOn(broker: BrokerController, topic: string, queues?: number): Promise<void>;
  /** Stops a broker for good, as a crash would look to clients: its address stops answering. */
  stopBroker(broker: BrokerController): Promise<void>;
  /** The server a broker from startBroker serves on (to put a misbehaving processor in front of it). */
  brokerServer(broker: BrokerController): RemotingServer | undefined;
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

  // Extra brokers (startBroker): each with its own directory and, embedded, its own in-process address.
  const extras: { broker: BrokerController; server?: RemotingServer; client?: RemotingClient; dir: string }[] = [];
  const createTopicOn = async (target: BrokerController, topic: string, queues = 4): Promise<void> => {
    await target.topics.put({ ...topicConfigWithDefaults(topic), readQueueNums: queues, writeQueueNums: queues });
    await target.registerBrokerAll();
  };

  return {
    transport,
    namesrvAddr,
    broker,
    newRemotingClient,
    async createTopic(topic, queues = 4) {
      await createTopicOn(broker, topic, queues);
    },
    createTopicOn,
    async startBroker(options = {}) {
      const extraDir = mkdtempSync(join(tmpdir(), 'pulsejet-client-it-'));
      const index = extras.length + 1;
      const server = network
        ? new InProcessRemotingServer(network, { address: `127.0.0.1:${10911 + index * 10}` })
        : new TcpRemotingServer({ host: '127.0.0.1', port: 0 });
      const client = network ? new InProcessRemotingClient(network) : undefined;
      const extra = new BrokerController(
        {
          namesrvAddr,
          listenPort: 0,
          bindAddress: '127.0.0.1',
          brokerIP1: '127.0.0.1',
          brokerName: `extra-broker-${index}`,
          storePathRootDir: extraDir,
          maxMessageSize: 1024 * 1024,
          store: { mappedFileSizeCommitLog: 8 * 1024 * 1024, consumeQueueEntriesPerFile: 10_000 },
          ...options,
        },
        { server, ...(client ? { client } : {}) },
      );
      extras.push({ broker: extra, dir: extraDir, server, ...(client ? { client } : {}) });
      await extra.start();
      return extra;
    },
    brokerServer(target) {
      return extras.find((e) => e.broker === target)?.server;
    },
    async stopBroker(target) {
      await target.close();
      // The broker does not own a server it was given; closing it makes the address refuse calls.
      if (target === broker) await brokerServer?.close();
      else await extras.find((e) => e.broker === target)?.server?.close();
    },
    async close() {
      for (const extra of extras) {
        await extra.broker.close();
        await extra.client?.close();
        await extra.server?.close();
        rmSync(extra.dir, { recursive: true, force: true });
      }
      await broker.close();
      await brokerClient?.close();
      await brokerServer?.close();
      await nsServer.close();
      await nameServer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
