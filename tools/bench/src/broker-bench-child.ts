// The broker under test: the real app (`apps/broker/src/main.ts`) as a child process with its own
// broker.conf and data directory, optionally under `node --cpu-prof`. Every wait has a timeout.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { RequestCode, ResponseCode, createRequest } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { REPO_ROOT } from './bench-config';
import type { FlushDiskType } from './broker-bench-config';
import { freshDirectory, waitForQuietDirectory } from './measure';

const BROKER_MAIN = path.join('apps', 'broker', 'src', 'main.ts');

export interface BrokerChildOptions {
  flush: FlushDiskType;
  /** Fresh data directory (removed and recreated). */
  dataDir: string;
  segmentBytes: number | undefined;
  /** Run the broker under `node --cpu-prof` writing into this directory. */
  profileDir?: string;
}

export interface BrokerChild {
  child: ChildProcess;
  address: string;
  dataDir: string;
  /** Every stdout/stderr line so far (pino JSON), for error messages. */
  output: string[];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts the broker app and resolves once it logged "boot success" and its segment pre-fill settled. */
export async function startBrokerChild(options: BrokerChildOptions, timeoutMs = 60_000): Promise<BrokerChild> {
  const dataDir = freshDirectory(options.dataDir);
  const port = await freePort();
  const conf = path.join(dataDir, 'broker.conf');
  // No namesrvAddr: the producer and consumer talk to the broker directly, so registration is not needed.
  const lines = [
    'brokerClusterName=BenchCluster',
    'brokerName=bench-broker',
    'brokerId=0',
    'brokerRole=ASYNC_MASTER',
    `flushDiskType=${options.flush}`,
    `listenPort=${port}`,
    // A free HA port: listenPort + 1 (the default) may be taken on a shared machine.
    'haListenPort=0',
    'bindAddress=127.0.0.1',
    'brokerIP1=127.0.0.1',
    `storePathRootDir=${path.join(dataDir, 'store')}`,
    'autoCreateTopicEnable=true',
    // info: the "boot success" line is what we wait for; the broker logs nothing per message.
    'logLevel=info',
  ];
  if (options.segmentBytes !== undefined) lines.push(`mappedFileSizeCommitLog=${options.segmentBytes}`);
  fs.writeFileSync(conf, `${lines.join('\n')}\n`);

  const profile = options.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', BROKER_MAIN, '-c', conf], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => output.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const broker: BrokerChild = { child, address: `127.0.0.1:${port}`, dataDir, output };
  try {
    await waitFor(() => output.some((line) => line.includes('boot success')), () => child.exitCode !== null, timeoutMs, broker);
    // The store pre-fills its next segment after open; measuring during that measures the pre-fill.
    await waitForQuietDirectory(path.join(dataDir, 'store', 'commitlog'), 300, timeoutMs);
  } catch (error) {
    await stopBrokerChild(broker);
    throw error;
  }
  return broker;
}

async function waitFor(done: () => boolean, exited: () => boolean, timeoutMs: number, broker: BrokerChild): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (exited()) throw new Error(`the broker child exited (code ${String(broker.child.exitCode)}) before it booted:\n${broker.output.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`the broker child did not boot within ${timeoutMs / 1000} s:\n${broker.output.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** SIGTERM (a clean exit writes the --cpu-prof file), SIGKILL after `timeoutMs`. */
export async function stopBrokerChild(broker: BrokerChild, timeoutMs = 30_000): Promise<void> {
  const { child } = broker;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** UPDATE_AND_CREATE_TOPIC (17) with `queues` read and write queues, perm read+write. */
export async function createTopic(client: RemotingClient, address: string, topic: string, queues: number): Promise<void> {
  const reply = await client.request(
    address,
    createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: String(queues), writeQueueNums: String(queues), perm: '6', topicFilterType: 'SINGLE_TAG' }),
    10_000,
  );
  if (reply.code !== ResponseCode.SUCCESS) throw new Error(`UPDATE_AND_CREATE_TOPIC ${topic} answered code ${reply.code}: ${reply.remark ?? ''}`);
}
