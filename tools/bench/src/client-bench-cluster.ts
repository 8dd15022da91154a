// The nameserver and broker the client benchmark runs against, in the two ways users run them:
//   - 'tcp': the broker app (apps/broker/src/main.ts) as a child process, as the broker bench runs
//     it, registering with a NameServer served over TCP from this process (the client needs routes;
//     the nameserver only answers route lookups and heartbeats, nothing per message);
//   - 'embedded': NameServer and BrokerController in this process on one InProcessNetwork (no
//     sockets), owned by PulsejetModule.embedded() (its EmbeddedCluster), as a decorator-API app
//     runs them.
// Raw-protocol rows, client rows and the decorator send row of one transport share one cluster;
// each cluster has a started decorator-API app (`host`) whose injected Producer the decorator send
// row drives: PulsejetModule.connect() to the nameserver (tcp) or the app that owns the broker (embedded).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Producer } from '@pulsejet/client';
import { topicConfigWithDefaults } from '@pulsejet/core';
import { EMBEDDED_BROKER_ADDR, PulsejetModule, startPulsejet } from '@pulsejet/inversify';
import type { EmbeddedBrokerOptions, EmbeddedCluster, PulsejetApp, PulsejetCommonOptions } from '@pulsejet/inversify';
import { RequestCode, ResponseCode, createRequest } from '@pulsejet/protocol';
import { TcpRemotingClient, TcpRemotingServer } from '@pulsejet/remoting';
import type { RemotingClient } from '@pulsejet/remoting';
import { Container } from 'inversify';
import type { ContainerModule } from 'inversify';
import { NameServer } from '@pulsejet/routing';
import { REPO_ROOT } from './bench-config';
import { createTopic, freePort, stopBrokerChild } from './broker-bench-child';
import { SEND_TIMEOUT_MS } from './client-bench-client';
import type { BrokerChild } from './broker-bench-child';
import type { FlushDiskType } from './broker-bench-config';
import { freshDirectory, sleep, waitForQuietDirectory } from './measure';

export type ClientBenchTransport = 'tcp' | 'embedded';

/** What a load needs of a running nameserver and broker. */
export interface BrokerAccess {
  namesrvAddr: string;
  brokerAddress: string;
  /** The broker's process when it is a child (tcp); undefined when it shares this process. */
  brokerPid: number | undefined;
  /** A remoting client for raw requests or a client instance; the caller closes it. */
  newRemotingClient(): RemotingClient;
  /** Creates the topic on the broker and waits until the nameserver has its route. */
  createTopic(topic: string, queues: number): Promise<void>;
}

/** A started decorator-API app with no handlers: its container, and the Producer resolved from it. */
export interface ModuleHost {
  container: Container;
  app: PulsejetApp;
  producer: Producer;
}

export interface BenchCluster extends BrokerAccess {
  transport: ClientBenchTransport;
  brokerName: string;
  host: ModuleHost;
  close(): Promise<void>;
}

export interface BenchClusterOptions {
  transport: ClientBenchTransport;
  /** Fresh data directory (removed and recreated, removed again by close()). */
  dataDir: string;
  segmentBytes: number;
  /** The tcp broker's flushDiskType (default ASYNC_FLUSH, as the client bench runs it). */
  flush?: FlushDiskType;
}

const BROKER_MAIN = path.join('apps', 'broker', 'src', 'main.ts');
const BROKER_NAME = 'bench-broker';
const quiet = (): void => undefined;

/** Module options every bench app shares: silent, and the plain Producer's send timeout. */
export const BENCH_MODULE_OPTIONS: PulsejetCommonOptions = { log: quiet, producer: { sendTimeoutMs: SEND_TIMEOUT_MS } };

/** The embedded broker's settings, as the broker app's broker.conf for tcp (ASYNC_FLUSH, the bench's segment size). */
export function embeddedBrokerOptions(segmentBytes: number): EmbeddedBrokerOptions {
  return { brokerName: BROKER_NAME, brokerIP1: '127.0.0.1', flushDiskType: 'ASYNC_FLUSH', store: { mappedFileSizeCommitLog: segmentBytes } };
}

/** Loads `module` into a fresh container and starts it with startPulsejet() (no handlers bound). */
export async function startModuleHost(module: ContainerModule): Promise<ModuleHost> {
  const container = new Container();
  container.loadSync(module);
  const app = await startPulsejet(container);
  return { container, app, producer: container.get(Producer) };
}

/** Raw access to a PulsejetModule.embedded() broker (its in-process network, nameserver and broker). */
export function embeddedAccess(embedded: EmbeddedCluster): BrokerAccess {
  return {
    namesrvAddr: embedded.namesrvAddr,
    brokerAddress: EMBEDDED_BROKER_ADDR,
    brokerPid: undefined,
    newRemotingClient: () => embedded.newRemotingClient(),
    async createTopic(topic, queues) {
      await embedded.broker.topics.put({ ...topicConfigWithDefaults(topic), readQueueNums: queues, writeQueueNums: queues });
      await embedded.broker.registerBrokerAll();
    },
  };
}

export async function startBenchCluster(options: BenchClusterOptions): Promise<BenchCluster> {
  return options.transport === 'tcp' ? startTcp(options) : startEmbedded(options);
}

async function startTcp(options: BenchClusterOptions): Promise<BenchCluster> {
  const dataDir = freshDirectory(options.dataDir);
  const nsServer = new TcpRemotingServer({ host: '127.0.0.1', port: 0 });
  const nameServer = new NameServer();
  nameServer.attach(nsServer);
  await nameServer.start();
  await nsServer.start();
  const namesrvAddr = nsServer.address();
  let broker: BrokerChild | undefined;
  let host: ModuleHost | undefined;
  const admin = new TcpRemotingClient({ log: quiet });
  const close = async (): Promise<void> => {
    await host?.app.close();
    await admin.close();
    if (broker) await stopBrokerChild(broker);
    await nsServer.close();
    await nameServer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    broker = await startBrokerApp(dataDir, namesrvAddr, options.segmentBytes, options.flush ?? 'ASYNC_FLUSH');
    host = await startModuleHost(PulsejetModule.connect({ ...BENCH_MODULE_OPTIONS, namesrv: namesrvAddr, producerGroup: `PID_bench_module_${process.pid}` }));
  } catch (error) {
    await close();
    throw error;
  }
  const address = broker.address;
  return {
    transport: 'tcp',
    namesrvAddr,
    brokerAddress: address,
    brokerName: BROKER_NAME,
    brokerPid: broker.child.pid,
    host,
    newRemotingClient: () => new TcpRemotingClient({ log: quiet }),
    async createTopic(topic, queues) {
      await createTopic(admin, address, topic, queues);
      await waitForRoute(admin, namesrvAddr, topic);
    },
    close,
  };
}

/**
 * The broker app with a broker.conf like the broker bench's (broker-bench-child.ts) plus namesrvAddr:
 * startBrokerChild writes its conf without one, and the client cannot run without routes.
 */
async function startBrokerApp(dataDir: string, namesrvAddr: string, segmentBytes: number, flush: FlushDiskType, timeoutMs = 60_000): Promise<BrokerChild> {
  const port = await freePort();
  const conf = path.join(dataDir, 'broker.conf');
  const lines = [
    'brokerClusterName=BenchCluster',
    `brokerName=${BROKER_NAME}`,
    'brokerId=0',
    'brokerRole=ASYNC_MASTER',
    `flushDiskType=${flush}`,
    `listenPort=${port}`,
    'haListenPort=0',
    'bindAddress=127.0.0.1',
    'brokerIP1=127.0.0.1',
    `namesrvAddr=${namesrvAddr}`,
    `storePathRootDir=${path.join(dataDir, 'store')}`,
    `mappedFileSizeCommitLog=${segmentBytes}`,
    'autoCreateTopicEnable=true',
    'logLevel=info',
  ];
  fs.writeFileSync(conf, `${lines.join('\n')}\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', BROKER_MAIN, '-c', conf], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => output.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const broker: BrokerChild = { child, address: `127.0.0.1:${port}`, dataDir, output };
  try {
    const deadline = Date.now() + timeoutMs;
    while (!output.some((line) => line.includes('boot success'))) {
      if (child.exitCode !== null) throw new Error(`the broker child exited (code ${String(child.exitCode)}) before it booted:\n${output.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`the broker child did not boot within ${timeoutMs / 1000} s:\n${output.join('\n')}`);
      await sleep(25);
    }
    await waitForQuietDirectory(path.join(dataDir, 'store', 'commitlog'), 300, timeoutMs);
  } catch (error) {
    await stopBrokerChild(broker);
    throw error;
  }
  return broker;
}

export async function waitForRoute(client: RemotingClient, namesrvAddr: string, topic: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await client.request(namesrvAddr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 5000);
    if (reply.code === ResponseCode.SUCCESS) return;
    if (Date.now() > deadline) throw new Error(`no route for ${topic} on the nameserver within ${timeoutMs} ms: ${reply.code} ${reply.remark ?? ''}`);
    await sleep(50);
  }
}

async function startEmbedded(options: BenchClusterOptions): Promise<BenchCluster> {
  const dataDir = freshDirectory(options.dataDir);
  const host = await startModuleHost(
    PulsejetModule.embedded({
      ...BENCH_MODULE_OPTIONS,
      dataDir: path.join(dataDir, 'store'),
      broker: embeddedBrokerOptions(options.segmentBytes),
      producerGroup: `PID_bench_module_${process.pid}`,
    }),
  );
  const embedded = host.app.runtime.embedded;
  if (!embedded) throw new Error('PulsejetModule.embedded() started no embedded broker');
  try {
    await waitForQuietDirectory(path.join(dataDir, 'store', 'commitlog'), 300, 60_000);
  } catch (error) {
    await host.app.close();
    throw error;
  }
  return {
    ...embeddedAccess(embedded),
    transport: 'embedded',
    brokerName: BROKER_NAME,
    host,
    async close() {
      await host.app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
