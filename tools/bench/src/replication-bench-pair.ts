// A master and its slave, each the broker app in its own child process with a fresh data directory
// and free ports. No nameserver: the slave is pointed at the master's HA port (haMasterAddress).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RemotingClient } from '@pulsejet/remoting';
import { startBrokerApp } from './broker-app-child';
import { freePort, stopBrokerChild } from './broker-bench-child';
import type { BrokerChild } from './broker-bench-child';
import { sleep } from './measure';
import type { ReplicationCase } from './replication-bench-config';
import { offsetsOf, runtimeInfo } from './replication-bench-lag';

export interface BrokerPair {
  master: BrokerChild;
  slave: BrokerChild;
  /** Where the slave connects, "127.0.0.1:port". */
  haAddress: string;
}

export interface PairOptions {
  /** The pair's directories go under this one (removed by stopPair). */
  dir: string;
  segmentBytes: number | undefined;
  /** Run both brokers under `node --cpu-prof`, into `<profileDir>/master` and `<profileDir>/slave`. */
  profileDir?: string;
}

export async function startPair(c: ReplicationCase, options: PairOptions): Promise<BrokerPair> {
  const [listenPort, haListenPort, slavePort] = [await freePort(), await freePort(), await freePort()];
  const common = {
    brokerClusterName: 'BenchCluster',
    brokerName: 'bench-replication',
    flushDiskType: c.flush,
    bindAddress: '127.0.0.1',
    brokerIP1: '127.0.0.1',
    autoCreateTopicEnable: 'true',
    // info: "boot success" is what startBrokerApp waits for; nothing is logged per message.
    logLevel: 'info',
    ...(options.segmentBytes !== undefined ? { mappedFileSizeCommitLog: options.segmentBytes } : {}),
  };
  const master = await startBrokerApp({
    dataDir: path.join(options.dir, 'master'),
    conf: { ...common, brokerId: 0, brokerRole: c.role, listenPort, haListenPort },
    ...(options.profileDir !== undefined ? { profileDir: path.join(options.profileDir, 'master') } : {}),
  });
  try {
    const slave = await startBrokerApp({
      dataDir: path.join(options.dir, 'slave'),
      conf: { ...common, brokerId: 1, brokerRole: 'SLAVE', listenPort: slavePort, haMasterAddress: `127.0.0.1:${haListenPort}` },
      ...(options.profileDir !== undefined ? { profileDir: path.join(options.profileDir, 'slave') } : {}),
    });
    return { master, slave, haAddress: `127.0.0.1:${haListenPort}` };
  } catch (error) {
    await stopBrokerChild(master);
    throw error;
  }
}

export async function stopPair(pair: BrokerPair, dir: string): Promise<void> {
  // The slave first: a master that loses its slave mid-shutdown only logs it.
  await stopBrokerChild(pair.slave);
  await stopBrokerChild(pair.master);
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Polls the master's runtime info until a slave is connected and has acknowledged everything the
 * master holds (the pair starts a window in sync). Throws with both brokers' logs after `timeoutMs`.
 */
export async function waitForSlaveInSync(client: RemotingClient, pair: BrokerPair, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const offsets = offsetsOf(await runtimeInfo(client, pair.master.address));
    last = JSON.stringify(offsets);
    if (offsets.connectedSlaves >= 1 && offsets.slaveAckOffset >= offsets.masterOffset) return;
    if (pair.slave.child.exitCode !== null) throw new Error(`the slave exited (code ${String(pair.slave.child.exitCode)}):\n${pair.slave.output.join('\n')}`);
    if (Date.now() > deadline) {
      throw new Error(
        `the slave did not catch up with the master within ${timeoutMs / 1000} s (last ${last}).\nmaster log:\n${pair.master.output.join('\n')}\nslave log:\n${pair.slave.output.join('\n')}`,
      );
    }
    await sleep(25);
  }
}
