// The embedded default (`npm start`): one process running a NameServer and a single-master broker
// registered with it, both on 127.0.0.1, data under ./data.
import { BrokerController } from '@pulsejet/broker';
import { topicConfigWithDefaults } from '@pulsejet/core';
import { TcpRemotingServer } from '@pulsejet/remoting';
import { NameServer } from '@pulsejet/routing';
import type { Logger } from 'pino';
import { pinoBrokerLog } from './broker-app';

export interface EmbeddedOptions {
  /** @default 9876 */
  namesrvPort?: number;
  /** @default 10911 */
  listenPort?: number;
  /** @default './data' */
  storePathRootDir?: string;
  /** Interface both servers bind and the address clients dial. @default '127.0.0.1' */
  host?: string;
  /**
   * Topics created at start (4 queues) when missing. ali-ons cannot auto-create topics (it needs a
   * route before its first send), so the printed snippet's topic exists up front. @default ['DemoTopic']
   */
  topics?: readonly string[];
}

export const DEFAULT_EMBEDDED_TOPICS: readonly string[] = ['DemoTopic'];

export interface RunningEmbedded {
  namesrvAddr: string;
  brokerAddr: string;
  broker: BrokerController;
  /** Unregisters and stops the broker, then the nameserver. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_EMBEDDED_NAMESRV_PORT = 9876;
export const DEFAULT_EMBEDDED_LISTEN_PORT = 10911;
export const DEFAULT_EMBEDDED_DATA_DIR = './data';

export async function startEmbedded(options: EmbeddedOptions, logger: Logger): Promise<RunningEmbedded> {
  const host = options.host ?? '127.0.0.1';
  const log = pinoBrokerLog(logger);
  const nsServer = new TcpRemotingServer({ host, port: options.namesrvPort ?? DEFAULT_EMBEDDED_NAMESRV_PORT, log });
  const nameServer = new NameServer({ log });
  nameServer.attach(nsServer);
  const stopNamesrv = async (): Promise<void> => {
    await nsServer.close();
    await nameServer.close();
  };
  try {
    await nameServer.start();
    await nsServer.start();
  } catch (error) {
    await stopNamesrv();
    throw error;
  }
  const namesrvAddr = nsServer.address();
  const broker = new BrokerController({
    namesrvAddr,
    listenPort: options.listenPort ?? DEFAULT_EMBEDDED_LISTEN_PORT,
    bindAddress: host,
    brokerIP1: host,
    storePathRootDir: options.storePathRootDir ?? DEFAULT_EMBEDDED_DATA_DIR,
    log,
  });
  try {
    await broker.start();
    let created = false;
    for (const topic of options.topics ?? DEFAULT_EMBEDDED_TOPICS) {
      if (broker.topics.get(topic) !== undefined) continue;
      await broker.topics.put(topicConfigWithDefaults(topic));
      created = true;
    }
    // Routes for the new topics are on the nameserver before the banner says "send".
    if (created) await broker.registerBrokerAll();
  } catch (error) {
    await broker.close().catch(() => undefined);
    await stopNamesrv();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    namesrvAddr,
    brokerAddr: broker.brokerAddr,
    broker,
    close: () =>
      (closing ??= (async () => {
        await broker.close();
        await stopNamesrv();
      })()),
  };
}

/** What `npm start` prints once both servers listen. */
export function banner(running: RunningEmbedded, dataDir: string): string {
  return [
    '',
    `Pulsejet is running (single master, embedded NameServer). Data: ${dataDir}`,
    `  NameServer listening on ${running.namesrvAddr}`,
    `  Broker ${running.broker.options.brokerName} listening on ${running.brokerAddr} (cluster ${running.broker.options.brokerClusterName})`,
    '',
    'Send a first message with any RocketMQ 4.x client, e.g. ali-ons (a dev dependency here):',
    `  const { Producer, Message } = require('ali-ons');`,
    `  const producer = new Producer({ nameSrv: ['${running.namesrvAddr}'], httpclient: {}, producerGroup: 'PID_demo' });`,
    `  await producer.ready();`,
    `  console.log(await producer.send(new Message('DemoTopic', 'TagA', 'hello')));`,
    'DemoTopic exists already. Java clients also auto-create topics on first send (from TBW102); ali-ons',
    'needs the route first. Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
