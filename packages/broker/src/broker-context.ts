// What request processors share: resolved options, the store, the topic table. Built by the
// controller once the store is open.
import type { MessageStore } from '@pulsejet/core';
import type { ReplicaWaitResult } from '@pulsejet/replication';
import type { ResolvedBrokerOptions } from './broker-options';
import type { HistoryLossGuard } from './offset/history-loss-guard';
import type { TopicConfigManager } from './topic/topic-config-manager';

export interface BrokerContext {
  readonly options: ResolvedBrokerOptions;
  readonly store: MessageStore;
  readonly topics: TopicConfigManager;
  /**
   * SYNC_MASTER only: resolves once a slave has everything below `endOffset` ('OK'), or why not
   * (HAMasterService.waitForReplica bounded by syncFlushTimeout). Absent on ASYNC_MASTER and SLAVE.
   */
  readonly waitForReplica?: (endOffset: number) => Promise<ReplicaWaitResult>;
  /** Replication entries of GET_BROKER_RUNTIME_INFO (masterAddr, slaveFallBehindMuch, haSlaveState, haConnectedSlaves...). */
  readonly haRuntimeInfo?: () => Record<string, string>;
  /** A master's check of consumer offsets once it learns it lost part of its log; absent on a slave. */
  readonly historyGuard?: HistoryLossGuard;
}
