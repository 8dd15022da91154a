// Registers the processors built beside the controller: PULL_MESSAGE with long polling (./pull) and
// the client manager (./client: HEART_BEAT, UNREGISTER_CLIENT, GET_CONSUMER_LIST_BY_GROUP) with the
// admin views of its tables (./admin/connection-processors), and adapts the broker context to their deps.
import { totalmem } from 'node:os';
import { PERM_READ } from '@pulsejet/core';
import { MASTER_BROKER_ID } from '@pulsejet/protocol';
import type { RemotingServer } from '@pulsejet/remoting';
import { registerConnectionProcessors } from './admin/connection-processors';
import type { BrokerContext } from './broker-context';
import { ConsumerManager } from './client/consumer-manager';
import { ProducerManager } from './client/producer-manager';
import { registerClientProcessors } from './client/register-client-processors';
import { registerPullProcessor } from './pull/register-pull-processor';

export interface PeerProcessorsHandle {
  readonly consumers: ConsumerManager;
  readonly producers: ProducerManager;
  /** Answers held pulls, stops the expiry scans; idempotent. */
  close(): Promise<void>;
}

export function registerPeerProcessors(server: RemotingServer, ctx: BrokerContext): PeerProcessorsHandle {
  const { options, store, topics } = ctx;
  const log = options.log;
  const consumers = new ConsumerManager({ log });
  const producers = new ProducerManager({ log });
  registerClientProcessors(server, {
    consumers,
    producers,
    ensureRetryTopic: async (group) => void (await topics.createRetryTopic(group)),
    log,
  });
  registerConnectionProcessors(server, { consumers, producers });
  const slave = options.brokerRole === 'SLAVE';
  // Read once, as Java's StoreUtil.TOTAL_PHYSICAL_MEMORY_SIZE: os.totalmem() is a syscall, and calling
  // it on every pull cost 7% of the broker's CPU under long polling.
  const inMemoryBytes = Math.floor((totalmem() * options.accessMessageInMemoryMaxRatio) / 100);
  const pull = registerPullProcessor(server, {
    store,
    brokerId: options.brokerId,
    isSlave: () => slave,
    // Both run per pull: the configs are read in place (TopicConfigManager.view), not copied.
    topicReadable: (topic) => {
      const config = topics.view(topic);
      // A slave learns topics at its next metadata sync (up to slaveSynchronizeInterval later), but it
      // has the messages as soon as they are replicated: serve a topic its store holds, so consumers
      // that fail over before the sync still read.
      if (config === undefined && slave && store.queueIdsOf(topic).length > 0) return 'ok';
      if (config === undefined) return 'not-exist';
      return (config.perm & PERM_READ) === 0 ? 'no-permission' : 'ok';
    },
    readQueueNums: (topic) => topics.view(topic)?.readQueueNums,
    findSubscription: (group, topic) => consumers.findSubscription(group, topic)?.subString,
    // Java: a consumer further behind the log's end than accessMessageInMemoryMaxRatio of memory reads
    // from whichBrokerWhenConsumeSlowly (1, a slave), others from the group's brokerId (0, the master).
    suggestBrokerId: (group, pulledUpTo) => {
      if (!options.slaveReadEnable) return MASTER_BROKER_ID;
      const config = store.metadata.getGroup(group);
      const normal = config?.brokerId ?? MASTER_BROKER_ID;
      if (pulledUpTo === undefined) return normal;
      return store.maxPhysicalOffset() - pulledUpTo > inMemoryBytes ? (config?.whichBrokerWhenConsumeSlowly ?? 1) : normal;
    },
    ...(ctx.historyGuard ? { historyGuard: ctx.historyGuard } : {}),
    isBroadcasting: (group) => consumers.groupInfo(group)?.messageModel === 'BROADCASTING',
    longPolling: options.longPolling,
    log,
  });
  consumers.start();
  producers.start();
  let closing: Promise<void> | undefined;
  return {
    consumers,
    producers,
    close: () =>
      (closing ??= (async () => {
        await pull.close();
        await consumers.close();
        await producers.close();
      })()),
  };
}
