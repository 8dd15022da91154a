// Pulsejet's replicated configuration for the peers benchmark: 1 master (SYNC_MASTER: a send is
// answered once the slave acknowledged it) + 1 slave, each the broker app in its own child process,
// both ASYNC_FLUSH, registering with a NameServer served over TCP from this process (the client
// needs routes). The slave is pointed at the master's HA port; measuring starts once it is in sync.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TcpRemotingClient, TcpRemotingServer } from '@pulsejet/remoting';
import { NameServer } from '@pulsejet/routing';
import { startBrokerApp } from './broker-app-child';
import { createTopic, freePort, stopBrokerChild } from './broker-bench-child';
import type { BrokerChild } from './broker-bench-child';
import type { BrokerAccess } from './client-bench-cluster';
import { waitForRoute } from './client-bench-cluster';
import { freshDirectory } from './measure';
import { waitForSlaveInSync } from './replication-bench-pair';

const quiet = (): void => undefined;

/** A running Pulsejet deployment the peers bench drives through the client. */
export interface PulsejetDeployment extends BrokerAccess {
  /** Broker child processes (not noise when counting other processes' CPU). */
  pids: number[];
  close(): Promise<void>;
}

export async function startSyncPair(dir: string, segmentBytes: number): Promise<PulsejetDeployment> {
  const root = freshDirectory(dir);
  const nsServer = new TcpRemotingServer({ host: '127.0.0.1', port: 0 });
  const nameServer = new NameServer();
  nameServer.attach(nsServer);
  await nameServer.start();
  await nsServer.start();
  const namesrvAddr = nsServer.address();
  const admin = new TcpRemotingClient({ log: quiet });
  const brokers: BrokerChild[] = [];
  const close = async (): Promise<void> => {
    await admin.close();
    // The slave first: a master that loses its slave mid-shutdown only logs it.
    for (const broker of [...brokers].reverse()) await stopBrokerChild(broker);
    await nsServer.close();
    await nameServer.close();
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    const [listenPort, haListenPort, slavePort] = [await freePort(), await freePort(), await freePort()];
    const common = {
      brokerClusterName: 'BenchCluster',
      brokerName: 'bench-peers-pair',
      flushDiskType: 'ASYNC_FLUSH',
      bindAddress: '127.0.0.1',
      brokerIP1: '127.0.0.1',
      namesrvAddr,
      autoCreateTopicEnable: 'true',
      logLevel: 'info',
      mappedFileSizeCommitLog: segmentBytes,
    };
    const master = await startBrokerApp({ dataDir: path.join(root, 'master'), conf: { ...common, brokerId: 0, brokerRole: 'SYNC_MASTER', listenPort, haListenPort } });
    brokers.push(master);
    const slave = await startBrokerApp({ dataDir: path.join(root, 'slave'), conf: { ...common, brokerId: 1, brokerRole: 'SLAVE', listenPort: slavePort, haMasterAddress: `127.0.0.1:${haListenPort}` } });
    brokers.push(slave);
    await waitForSlaveInSync(admin, { master, slave, haAddress: `127.0.0.1:${haListenPort}` });
    return {
      namesrvAddr,
      brokerAddress: master.address,
      brokerPid: master.child.pid,
      pids: brokers.map((b) => b.child.pid).filter((pid): pid is number => pid !== undefined),
      newRemotingClient: () => new TcpRemotingClient({ log: quiet }),
      async createTopic(topic, queues) {
        await createTopic(admin, master.address, topic, queues);
        await waitForRoute(admin, namesrvAddr, topic);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
