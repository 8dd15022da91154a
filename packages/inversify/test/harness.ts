// Runs the decorator API both ways users do: 'embedded' (PulsejetModule.embedded({ memory: true })
// through createTestPulsejet) and 'connected' (PulsejetModule.connect to a NameServer and broker
// started here on 127.0.0.1 with free ports, memory store). Same handlers, same assertions.
import { BrokerController, type BrokerOptions } from '@pulsejet/broker';
import { Producer } from '@pulsejet/client';
import { topicConfigWithDefaults } from '@pulsejet/core';
import { TcpRemotingServer } from '@pulsejet/remoting';
import { NameServer } from '@pulsejet/routing';
import { Container } from 'inversify';
import {
  PulsejetModule,
  TEST_CONSUMER_TUNING,
  TEST_MESSAGE_DELAY_LEVEL,
  createTestPulsejet,
  startPulsejet,
  type PulsejetApp,
  type PulsejetLog,
} from '../src/index';

export type Mode = 'embedded' | 'connected';
export const MODES: readonly Mode[] = ['embedded', 'connected'];

export const quiet: PulsejetLog = (level, message) => {
  if (level === 'error') process.stderr.write(`[test] ${level}: ${message}\n`);
};

/** Broker settings both modes use: short retry delays and fast transaction check-backs. */
export const TEST_BROKER: BrokerOptions = { messageDelayLevel: TEST_MESSAGE_DELAY_LEVEL, transactionCheckInterval: 500, transactionTimeOut: 0 };

export interface Standalone {
  namesrvAddr: string;
  broker: BrokerController;
  createTopic(topic: string, queues?: number): Promise<void>;
  close(): Promise<void>;
}

/** A nameserver and broker over TCP on free ports, as `npm start` runs them (memory store). */
export async function startStandalone(): Promise<Standalone> {
  const nsServer = new TcpRemotingServer({ host: '127.0.0.1', port: 0 });
  const nameServer = new NameServer();
  nameServer.attach(nsServer);
  await nameServer.start();
  await nsServer.start();
  const broker = new BrokerController({ ...TEST_BROKER, namesrvAddr: nsServer.address(), listenPort: 0, bindAddress: '127.0.0.1', brokerIP1: '127.0.0.1' });
  await broker.start();
  return {
    namesrvAddr: nsServer.address(),
    broker,
    async createTopic(topic, queues = 4) {
      await broker.topics.put(topicConfigWithDefaults(topic, { readQueueNums: queues, writeQueueNums: queues }));
      await broker.registerBrokerAll();
    },
    async close() {
      await broker.close();
      await nsServer.close();
      await nameServer.close();
    },
  };
}

export interface Harness {
  mode: Mode;
  container: Container;
  producer: Producer;
  /** Creates topics before start in connected mode (embedded mode creates subscribed topics itself). */
  topics(...topics: string[]): Promise<void>;
  start(): Promise<PulsejetApp>;
  /** Another app (own container) on the same broker; connected mode only. */
  another(): Harness;
  /** The broker the app uses (embedded: after start). */
  broker(): BrokerController;
  close(): Promise<void>;
}

/** A harness per test; `standalone` is shared by a describe block in connected mode. */
export function createHarness(mode: Mode, standalone: Standalone | undefined): Harness {
  if (mode === 'embedded') {
    const pj = createTestPulsejet({ log: quiet, broker: TEST_BROKER });
    return {
      mode,
      container: pj.container,
      producer: pj.producer,
      topics: async () => undefined,
      start: () => pj.start(),
      another: () => {
        throw new Error('embedded brokers are per app');
      },
      broker: () => pj.app.runtime.embedded!.broker,
      close: () => pj.close(),
    };
  }
  const sa = standalone!;
  const container = new Container();
  container.loadSync(
    PulsejetModule.connect({
      namesrv: sa.namesrvAddr,
      log: quiet,
      consumer: TEST_CONSUMER_TUNING,
      client: { heartbeatBrokerIntervalMs: 1_000, pollNameServerIntervalMs: 500 },
    }),
  );
  let app: PulsejetApp | undefined;
  const others: Harness[] = [];
  return {
    mode,
    container,
    producer: container.get(Producer),
    topics: async (...topics) => {
      for (const topic of topics) await sa.createTopic(topic);
    },
    start: async () => (app = await startPulsejet(container)),
    another: () => {
      const other = createHarness(mode, sa);
      others.push(other);
      return other;
    },
    broker: () => sa.broker,
    close: async () => {
      for (const other of others) await other.close();
      await app?.close();
    },
  };
}

/**
 * A container of its own: embedded on `dataDir` (so a later app on the same directory sees the
 * data, as after a restart), or connected to `standalone`.
 */
export function appContainer(mode: Mode, standalone: Standalone | undefined, dataDir: string): Container {
  const common = { log: quiet, consumer: TEST_CONSUMER_TUNING, client: { heartbeatBrokerIntervalMs: 1_000, pollNameServerIntervalMs: 500 } };
  const container = new Container();
  container.loadSync(
    mode === 'embedded'
      ? PulsejetModule.embedded({ dataDir, broker: { ...TEST_BROKER, store: { mappedFileSizeCommitLog: 8 * 1024 * 1024 } }, ...common })
      : PulsejetModule.connect({ namesrv: standalone!.namesrvAddr, ...common }),
  );
  return container;
}

let counter = 0;
/** A topic or group name unique to this run. */
export function unique(prefix: string): string {
  return `${prefix}_${process.pid}_${counter++}`;
}

/** Polls `condition` until it holds; throws after timeoutMs naming what it waited for. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
