// The broker runtime (Java BrokerController): opens the store, serves requests, registers with the
// nameservers. One lifecycle: idempotent start() and close() (STYLE.md habit 9).
import { MessageStore } from '@pulsejet/core';
import { RequestCode, type HostAddress } from '@pulsejet/protocol';
import { TcpRemotingClient, TcpRemotingServer, type RemotingClient, type RemotingServer } from '@pulsejet/remoting';
import type { HAMasterService, HASlaveClient } from '@pulsejet/replication';
import { BrokerRegistration, type RegistrationOutcome } from '@pulsejet/routing';
import { registerAdminProcessors } from './admin/admin-processors';
import type { BrokerContext } from './broker-context';
import type { ConsumerManager } from './client/consumer-manager';
import type { ProducerManager } from './client/producer-manager';
import { resolveBrokerOptions, type BrokerOptions, type ResolvedBrokerOptions } from './broker-options';
import { startHA, type HAHandle } from './ha/start-ha';
import { HistoryLossGuard } from './offset/history-loss-guard';
import { registerPeerProcessors, type PeerProcessorsHandle } from './peer-processors';
import { registerLockProcessors } from './lock/lock-processors';
import { RebalanceLockManager } from './lock/rebalance-lock-manager';
import { registerOffsetProcessors } from './offset/offset-processors';
import { createConsumerSendMsgBackProcessor } from './retry/consumer-send-back-processor';
import { ScheduleMessageService } from './schedule/schedule-message-service';
import { scheduleAwareTagsCode } from './schedule/schedule-rewrite';
import { createSendBatchMessageProcessor } from './send/send-batch-processor';
import { SEND_PROCESSOR_OPTIONS, createSendMessageProcessor } from './send/send-message-processor';
import { SlaveSynchronize, type SlaveSyncReport } from './slave/slave-synchronize';
import { TopicConfigManager } from './topic/topic-config-manager';
import { startTransactions, type TransactionsHandle } from './transaction/start-transactions';

export interface BrokerControllerDeps {
  /**
   * A server to serve on instead of TCP on listenPort (e.g. an InProcessRemotingServer). The broker
   * starts it but does not close it: its owner does. Its address() is the broker address.
   */
  server?: RemotingServer;
  /** The client that talks to the nameservers. @default a TcpRemotingClient the broker owns */
  client?: RemotingClient;
}

interface Running {
  server: RemotingServer;
  ownsServer: boolean;
  client: RemotingClient | undefined;
  ownsClient: boolean;
  store: MessageStore;
  topics: TopicConfigManager;
  brokerAddr: string;
  registration: BrokerRegistration | undefined;
  peers: PeerProcessorsHandle;
  schedule: ScheduleMessageService;
  transactions: TransactionsHandle;
  ha: HAHandle;
  slaveSync: SlaveSynchronize | undefined;
  stopWatchingTopics: () => void;
}

export class BrokerController {
  readonly options: ResolvedBrokerOptions;
  private running: Running | undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private registering: Promise<unknown> = Promise.resolve();
  private queuedRound: Promise<RegistrationOutcome[]> | undefined;

  /** haListenPort was left to its default (listenPort + 1). */
  private readonly haListenPortDefaulted: boolean;

  constructor(
    options: BrokerOptions = {},
    private readonly deps: BrokerControllerDeps = {},
  ) {
    this.options = resolveBrokerOptions(options);
    this.haListenPortDefaulted = options.haListenPort === undefined;
  }

  /** Opens the store, starts serving and registers with every nameserver. Idempotent. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('BrokerController is closed; create a new one'));
    this.starting ??= this.doStart();
    return this.starting;
  }

  /** "ip:port" clients dial (brokerIP1 and the bound port). Valid after start(). */
  get brokerAddr(): string {
    return this.state().brokerAddr;
  }

  get store(): MessageStore {
    return this.state().store;
  }

  get topics(): TopicConfigManager {
    return this.state().topics;
  }

  /**
   * One registration round (also run after every topic change). Rounds run one at a time; calls
   * made while a round waits to start share it, so a burst of topic creations costs one round.
   * Empty without nameservers.
   */
  registerBrokerAll(): Promise<RegistrationOutcome[]> {
    const registration = this.state().registration;
    if (!registration) return Promise.resolve([]);
    this.queuedRound ??= this.registering.then(() => {
      this.queuedRound = undefined;
      return registration.registerAll();
    });
    const round = this.queuedRound;
    this.registering = round.catch(() => undefined);
    return round;
  }

  /** Consumer groups known from heartbeats (HEART_BEAT / UNREGISTER_CLIENT). */
  get consumers(): ConsumerManager {
    return this.state().peers.consumers;
  }

  get producers(): ProducerManager {
    return this.state().peers.producers;
  }

  /** The HA service of a master (ASYNC_MASTER or SYNC_MASTER); undefined on a slave. */
  get haMaster(): HAMasterService | undefined {
    return this.state().ha.master;
  }

  /** The HA client of a slave; undefined on a master. */
  get haSlave(): HASlaveClient | undefined {
    return this.state().ha.slave;
  }

  /** "ip:port" of this master's HA service (what REGISTER_BROKER carries); '' on a slave. */
  get haServerAddr(): string {
    return this.state().ha.haServerAddr;
  }

  /** A slave's master (from the latest registration answer); undefined on a master or while the master is away. */
  get masterAddr(): string | undefined {
    return this.state().slaveSync?.master;
  }

  /**
   * A slave copies its master's metadata now instead of waiting for the next period; undefined when
   * this is not a slave or its master is unknown. Rejects when the master does not answer.
   */
  slaveSynchronizeNow(): Promise<SlaveSyncReport | undefined> {
    return this.state().slaveSync?.syncAll() ?? Promise.resolve(undefined);
  }

  /** Unregisters, stops serving, flushes and closes the store. Idempotent; waits for a start in progress. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      const running = this.running;
      if (!running) return;
      running.stopWatchingTopics();
      await running.transactions.close();
      await running.registration?.close();
      await this.registering;
      await running.slaveSync?.close();
      await running.peers.close();
      await running.schedule.close();
      // Before the server: sends waiting for a slave are answered (SLAVE_NOT_AVAILABLE), not dropped.
      await running.ha.close();
      if (running.ownsServer) await running.server.close();
      if (running.ownsClient) await running.client?.close();
      await running.store.close();
      this.options.log('info', `broker ${this.options.brokerName} at ${running.brokerAddr} closed`);
    })();
    return this.closing;
  }

  private state(): Running {
    if (!this.running) throw new Error('BrokerController is not started; await start() first');
    return this.running;
  }

  private async doStart(): Promise<void> {
    const { options } = this;
    const log = options.log;
    const ownsServer = this.deps.server === undefined;
    const server = this.deps.server ?? new TcpRemotingServer({ host: options.bindAddress, port: options.listenPort, log });
    await server.start();
    const { brokerAddr, storeHost } = this.addressOf(server, ownsServer);

    let store: MessageStore;
    try {
      store = await MessageStore.open({
        ...options.store,
        ...(options.storePathRootDir !== undefined ? { storePathRootDir: options.storePathRootDir } : { memory: true }),
        storeHost,
        flushDiskType: options.flushDiskType,
        maxMessageSize: options.maxMessageSize,
        log,
      }, { tagsCodeOf: scheduleAwareTagsCode(options.delayLevelsMs) });
    } catch (error) {
      if (ownsServer) await server.close();
      throw error;
    }
    // Where each queue ends before this process writes anything: offsets past it may number messages a
    // master lost, should a slave turn out to be ahead of it (HistoryLossGuard). Slaves never move consumers.
    const historyGuard = options.brokerRole === 'SLAVE' ? undefined : HistoryLossGuard.atStartup(store.queueEnds(), store.metadata, log);
    // A master listens for slaves before it registers, so the nameserver can hand its HA address to them.
    let ha: HAHandle;
    try {
      // On an injected (in-process) server, listenPort is not a real port, so listenPort + 1 would
      // claim a fixed TCP port for nothing: without an explicit haListenPort, take a free loopback one.
      const inProcessDefault = !ownsServer && this.haListenPortDefaulted;
      const listen = inProcessDefault ? { port: 0, host: '127.0.0.1' } : { port: options.haListenPort, host: options.bindAddress };
      ha = await startHA(options, store, listen, {
        onSlaveAhead: ({ slaveAddress, slaveEnd, masterStartEnd }) =>
          historyGuard?.historyLost(`slave ${slaveAddress} holds a commit log up to ${slaveEnd}; this master's ended at ${masterStartEnd} when it started`),
      });
    } catch (error) {
      await store.close();
      if (ownsServer) await server.close();
      throw error;
    }
    const topics = new TopicConfigManager(store.metadata, options);
    await topics.init();
    const ctx: BrokerContext = {
      options,
      store,
      topics,
      haRuntimeInfo: () => ha.runtimeInfo(),
      ...(ha.waitForReplica ? { waitForReplica: ha.waitForReplica } : {}),
      ...(historyGuard ? { historyGuard } : {}),
    };

    server.registerProcessor(RequestCode.SEND_MESSAGE, createSendMessageProcessor(ctx, false), SEND_PROCESSOR_OPTIONS);
    server.registerProcessor(RequestCode.SEND_MESSAGE_V2, createSendMessageProcessor(ctx, true), SEND_PROCESSOR_OPTIONS);
    server.registerProcessor(RequestCode.SEND_BATCH_MESSAGE, createSendBatchMessageProcessor(ctx), SEND_PROCESSOR_OPTIONS);
    server.registerProcessor(RequestCode.CONSUMER_SEND_MSG_BACK, createConsumerSendMsgBackProcessor(ctx));
    registerOffsetProcessors(server, ctx);
    registerAdminProcessors(server, ctx);
    registerLockProcessors(server, new RebalanceLockManager({ maxLiveTimeMs: options.rebalanceLockMaxLiveTime }));
    const peers = registerPeerProcessors(server, ctx);
    const transactions = await startTransactions(server, ctx, peers.producers);

    let client: RemotingClient | undefined;
    let registration: BrokerRegistration | undefined;
    let slaveSync: SlaveSynchronize | undefined;
    const ownsClient = this.deps.client === undefined;
    if (options.namesrvAddr.length > 0) {
      client = this.deps.client ?? new TcpRemotingClient({ log });
      if (options.brokerRole === 'SLAVE') {
        slaveSync = new SlaveSynchronize({ client, topics, metadata: store.metadata, intervalMs: options.slaveSynchronizeInterval, log });
      }
      const sync = slaveSync;
      registration = new BrokerRegistration({
        client,
        namesrvAddrs: options.namesrvAddr,
        broker: { clusterName: options.brokerClusterName, brokerName: options.brokerName, brokerId: options.brokerId, brokerAddr, haServerAddr: ha.haServerAddr },
        topicConfigs: () => topics.serializeWrapper(),
        registerNameServerPeriodMs: options.registerNameServerPeriod,
        compressed: options.compressedRegister,
        // A slave learns its master here (Java registerBrokerAll): the HA address to replicate from and
        // the broker address to copy metadata from. No answer at all (nameservers down) changes nothing;
        // an answer without a master (it is away) pauses the metadata copy, so offsets consumers
        // commit to this slave meanwhile are not overwritten.
        ...(sync
          ? {
              onRegistered: (outcomes: RegistrationOutcome[]) => {
                const answers = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.result] : []));
                if (answers.length === 0) return;
                const withMaster = answers.find((answer) => answer.masterAddr !== undefined);
                if (withMaster?.haServerAddr) ha.masterHaAddressLearned(withMaster.haServerAddr);
                sync.setMasterAddr(withMaster?.masterAddr);
              },
            }
          : {}),
        log,
      });
    }
    // Java registers the increment at once when a topic is created or deleted.
    const stopWatchingTopics = topics.onChange(() => {
      if (this.closing || !registration) return;
      this.registerBrokerAll().catch((error: unknown) => log('warn', `re-registration after a topic change failed: ${String(error)}`));
    });
    const schedule = new ScheduleMessageService({ store, delayLevelsMs: options.delayLevelsMs, log });
    // Only a master re-puts due delayed messages; a slave's store is written by replication alone.
    if (options.brokerRole !== 'SLAVE') schedule.start();
    this.running = { server, ownsServer, client, ownsClient, store, topics, brokerAddr, registration, peers, schedule, transactions, ha, slaveSync, stopWatchingTopics };
    await registration?.start();
    slaveSync?.start();
    log('info', `broker ${options.brokerName} (${options.brokerClusterName}, id ${options.brokerId}) serving at ${brokerAddr}`);
  }

  /** The address clients dial and the host written into msgIds: they must agree (reference §6.2). */
  private addressOf(server: RemotingServer, ownsServer: boolean): { brokerAddr: string; storeHost: HostAddress } {
    const { brokerIP1, listenPort } = this.options;
    const bound = server.address();
    if (ownsServer) {
      const port = Number(bound.slice(bound.lastIndexOf(':') + 1));
      return { brokerAddr: `${brokerIP1}:${port}`, storeHost: { address: brokerIP1, port } };
    }
    const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(bound);
    if (match) return { brokerAddr: bound, storeHost: { address: match[1]!, port: Number(match[2]) } };
    return { brokerAddr: bound, storeHost: { address: brokerIP1, port: listenPort } };
  }
}
