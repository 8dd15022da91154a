// The broker's side of @pulsejet/replication (docs/replication.md, "Wiring it into the broker"):
// a master (ASYNC_MASTER or SYNC_MASTER) serves its commit log on haListenPort; a slave follows the
// master whose HA address it is given (haMasterAddress) or told by the nameserver.
import type { MessageStore } from '@pulsejet/core';
import { HAMasterService, HASlaveClient, type ReplicaWaitResult, type SlaveAheadEvent } from '@pulsejet/replication';
import type { ResolvedBrokerOptions } from '../broker-options';

export interface HAHandle {
  readonly master: HAMasterService | undefined;
  readonly slave: HASlaveClient | undefined;
  /** "ip:port" slaves connect to (REGISTER_BROKER's haServerAddr); '' on a slave. */
  readonly haServerAddr: string;
  /** SYNC_MASTER's wait for a slave, bounded by the store's syncFlushTimeout; undefined otherwise. */
  readonly waitForReplica: ((endOffset: number) => Promise<ReplicaWaitResult>) | undefined;
  /** Entries for GET_BROKER_RUNTIME_INFO. */
  runtimeInfo(): Record<string, string>;
  /** A REGISTER_BROKER answer named the master's HA address: follow it unless haMasterAddress is fixed. */
  masterHaAddressLearned(address: string): void;
  /** Master: stops listening, answers pending waits. Slave: disconnects. Before the store closes. */
  close(): Promise<void>;
}

/** Where a master's HA service listens. */
export interface HAListen {
  port: number;
  host: string;
}

/** What a master's HA service reports to the rest of the broker. */
export interface HAMasterHooks {
  /** A slave holds log this master never had in this run: the master lost messages (HAMasterOptions.onSlaveAhead). */
  onSlaveAhead?: (event: SlaveAheadEvent) => void;
}

export async function startHA(
  options: ResolvedBrokerOptions,
  store: MessageStore,
  listen: HAListen = { port: options.haListenPort, host: options.bindAddress },
  hooks: HAMasterHooks = {},
): Promise<HAHandle> {
  const log = options.log;
  if (options.brokerRole === 'SLAVE') {
    const slave = new HASlaveClient({
      store,
      ...(options.haMasterAddress !== undefined ? { masterAddress: options.haMasterAddress } : {}),
      reportIntervalMs: options.haSendHeartbeatInterval,
      housekeepingIntervalMs: options.haHousekeepingInterval,
      log,
    });
    slave.on('refused', (error) => log('error', `replication from the master stopped: ${error.message}`));
    slave.start();
    return {
      master: undefined,
      slave,
      haServerAddr: '',
      waitForReplica: undefined,
      // Java reports masterAddr and slaveFallBehindMuch on a slave; haSlaveState is ours.
      runtimeInfo: () => {
        const stats = slave.stats();
        return {
          haMasterAddress: stats.masterAddress ?? '',
          haSlaveState: stats.state,
          haSlaveMaxOffset: String(stats.maxOffset),
        };
      },
      masterHaAddressLearned: (address) => {
        // Java: updateMasterHAServerAddrPeriodically only when haMasterAddress is not configured.
        if (options.haMasterAddress === undefined) slave.updateMasterAddress(address);
      },
      close: () => slave.close(),
    };
  }
  const master = new HAMasterService({
    store,
    listenPort: listen.port,
    host: listen.host,
    heartbeatIntervalMs: options.haSendHeartbeatInterval,
    housekeepingIntervalMs: options.haHousekeepingInterval,
    transferBatchSize: options.haTransferBatchSize,
    maxGapNotInSync: options.haMaxGapNotInSync,
    ...(hooks.onSlaveAhead ? { onSlaveAhead: hooks.onSlaveAhead } : {}),
    log,
  });
  await master.start();
  const port = master.address()?.port ?? listen.port;
  const timeoutMs = store.options.syncFlushTimeout;
  return {
    master,
    slave: undefined,
    haServerAddr: `${options.brokerIP1}:${port}`,
    waitForReplica: options.brokerRole === 'SYNC_MASTER' ? (endOffset) => master.waitForReplica(endOffset, timeoutMs) : undefined,
    runtimeInfo: () => {
      const slaves = master.connectedSlaves();
      return {
        haConnectedSlaves: String(slaves.length),
        haSlaveAckOffset: String(master.slaveAckOffset),
        slaveFallBehindMuch: String(master.slaveAckOffset < 0 ? -1 : Math.max(0, store.maxPhysicalOffset() - master.slaveAckOffset)),
      };
    },
    masterHaAddressLearned: () => undefined,
    close: () => master.close(),
  };
}
