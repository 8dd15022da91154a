// The broker app (`apps/broker/src/main.ts`) as a child process with any broker.conf keys: what a
// benchmark needs when one broker with fixed keys (./broker-bench-child) is not enough, e.g. a master
// and its slave. Shares BrokerChild and stopBrokerChild with ./broker-bench-child; every wait has a timeout.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './bench-config';
import { stopBrokerChild } from './broker-bench-child';
import type { BrokerChild } from './broker-bench-child';
import { freshDirectory, sleep, waitForQuietDirectory } from './measure';

const BROKER_MAIN = path.join('apps', 'broker', 'src', 'main.ts');

export interface BrokerAppOptions {
  /** Fresh data directory (removed and recreated); broker.conf and the store go inside. */
  dataDir: string;
  /** broker.conf keys; listenPort is required. storePathRootDir defaults to `<dataDir>/store`. */
  conf: Record<string, string | number>;
  /** Run the broker under `node --cpu-prof` writing into this directory (written on a clean exit). */
  profileDir?: string;
}

/** Starts the broker app and resolves once it logged "boot success" and its segment pre-fill settled. */
export async function startBrokerApp(options: BrokerAppOptions, timeoutMs = 60_000): Promise<BrokerChild> {
  const dataDir = freshDirectory(options.dataDir);
  const listenPort = options.conf['listenPort'];
  if (listenPort === undefined) throw new Error('startBrokerApp needs conf.listenPort (a free port)');
  const storeDir = String(options.conf['storePathRootDir'] ?? path.join(dataDir, 'store'));
  const conf = path.join(dataDir, 'broker.conf');
  const keys = { storePathRootDir: storeDir, ...options.conf };
  fs.writeFileSync(conf, `${Object.entries(keys).map(([key, value]) => `${key}=${value}`).join('\n')}\n`);

  const profile = options.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', BROKER_MAIN, '-c', conf], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => output.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const broker: BrokerChild = { child, address: `127.0.0.1:${listenPort}`, dataDir, output };
  try {
    const deadline = Date.now() + timeoutMs;
    while (!output.some((line) => line.includes('boot success'))) {
      if (child.exitCode !== null) throw new Error(`the broker child exited (code ${String(child.exitCode)}) before it booted:\n${output.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`the broker child did not boot within ${timeoutMs / 1000} s:\n${output.join('\n')}`);
      await sleep(25);
    }
    // The store pre-fills its next segment after open; measuring during that measures the pre-fill.
    await waitForQuietDirectory(path.join(storeDir, 'commitlog'), 300, timeoutMs);
  } catch (error) {
    await stopBrokerChild(broker);
    throw error;
  }
  return broker;
}
