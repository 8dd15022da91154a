// PushConsumer (Java DefaultMQPushConsumer): subscribe handlers to topics, start, and messages flow:
// rebalance decides which queues this client owns, a long-polling pull loop per owned queue fills
// a bounded buffer, a consume service runs the handlers (concurrently, or orderly per queue), and
// offsets are committed on a timer, piggybacked on pulls, and on close.
//
//   const consumer = new PushConsumer({ groupName: 'billing', namesrvAddr: 'localhost:9876' });
//   consumer.subscribe('orders', 'created || paid', async (msg) => { ... });
//   await consumer.start();
//   ...
//   await consumer.close();
import { ServiceLoop } from '@pulsejet/protocol';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientError, ClientErrorCode } from '../errors';
import { queueKey } from '../message/message-queue';
import { resolveAllocateStrategy } from './allocate-strategy';
import { consumerInstance } from './consumer-instance';
import { ConcurrentConsumeService } from './consume-concurrently';
import type { ConsumeContext, ConsumeService } from './consume-context';
import { OrderlyConsumeService } from './consume-orderly';
import type { ConsumerStats, MessageHandler } from './consume-types';
import type { ConsumerClient } from './consumer-client';
import { LocalFileOffsetStore } from './local-file-offset-store';
import type { OffsetStore } from './offset-store';
import { runPullLoop } from './pull-loop';
import { resolvePushConsumerOptions, type PushConsumerOptions, type ResolvedPushConsumerOptions } from './push-consumer-options';
import type { QueueEntry } from './queue-entry';
import { Rebalancer } from './rebalance';
import { RemoteBrokerOffsetStore } from './remote-offset-store';
import { retryTopicOf } from './retry-topics';
import { buildSubscription, type ConsumerSubscription } from './subscription';

type State = 'created' | 'starting' | 'running' | 'closing' | 'closed';

export class PushConsumer {
  readonly options: ResolvedPushConsumerOptions;
  private readonly subscriptions = new Map<string, { subscription: ConsumerSubscription; handler: MessageHandler | undefined }>();
  private state: State = 'created';
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private client: ConsumerClient | undefined;
  private ownsClient = false;
  private unregister: (() => Promise<void>) | undefined;
  private rebalancer: Rebalancer | undefined;
  private consumeService: ConsumeService | undefined;
  private offsetStore: OffsetStore | undefined;
  private readonly loops: ServiceLoop[] = [];
  private readonly counters = { consumed: 0, retried: 0 };
  private readonly log;

  /** @param options see PushConsumerOptions; invalid values throw ClientError INVALID_ARGUMENT here. */
  constructor(options: PushConsumerOptions) {
    this.options = resolvePushConsumerOptions(options);
    this.log = this.options.log;
  }

  /** The client id this consumer is known by in its group ("ip@instance"); available after start(). */
  get clientId(): string | undefined {
    return this.client?.clientId;
  }

  /**
   * Subscribes `handler` to the messages of `topic` whose tag matches `expression` ("*" or
   * "TagA || TagB"). One subscription per topic: a second call replaces the first. May be called
   * after start(): the new subscription is sent to the brokers and queues are re-shared at once.
   */
  subscribe(topic: string, expression: string, handler: MessageHandler): this {
    if (this.state === 'closing' || this.state === 'closed') throw new ClientError(ClientErrorCode.NOT_RUNNING, 'subscribe() after close(); create a new consumer');
    if (typeof handler !== 'function') throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `the handler of ${topic} must be a function`);
    const subscription = buildSubscription(topic, expression);
    this.subscriptions.set(topic, { subscription, handler });
    if (this.state === 'running') void this.refresh();
    return this;
  }

  /** Stops consuming `topic`: its queues are released (offsets committed) at once when running. */
  unsubscribe(topic: string): this {
    if (topic === retryTopicOf(this.options.groupName)) return this;
    if (this.subscriptions.delete(topic) && this.state === 'running') void this.refresh();
    return this;
  }

  /** Starts consuming. Idempotent; rejects with INVALID_ARGUMENT when nothing is subscribed. */
  start(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return Promise.reject(new ClientError(ClientErrorCode.NOT_RUNNING, 'start() after close(); create a new consumer'));
    this.starting ??= this.doStart().catch(async (error: unknown) => {
      await this.shutdown().catch(() => undefined);
      this.state = 'closed';
      throw error;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const { options } = this;
    if ([...this.subscriptions.values()].every((s) => s.handler === undefined)) {
      throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `consumer ${options.groupName} has no subscription; call subscribe(topic, expression, handler) before start()`);
    }
    this.state = 'starting';
    if (options.messageModel === 'CLUSTERING') {
      const retryTopic = retryTopicOf(options.groupName);
      if (!this.subscriptions.has(retryTopic)) this.subscriptions.set(retryTopic, { subscription: buildSubscription(retryTopic, '*'), handler: undefined });
    }
    const { client, owned } = consumerInstance(options);
    this.client = client;
    this.ownsClient = owned;
    await client.start();
    this.offsetStore =
      options.messageModel === 'CLUSTERING'
        ? new RemoteBrokerOffsetStore(client, options.groupName)
        : new LocalFileOffsetStore(options.offsetStoreDir ?? join(tmpdir(), 'pulsejet-offsets'), client.clientId, options.groupName);
    await this.offsetStore.load();

    const ctx: ConsumeContext = {
      client,
      options,
      offsetStore: this.offsetStore,
      log: this.log,
      isRunning: () => this.state === 'running' || this.state === 'starting',
      subscriptionOf: (topic) => this.subscriptions.get(topic)?.subscription,
      handlerOf: (topic) => this.subscriptions.get(topic)?.handler,
      counters: this.counters,
      resetQueue: (entry, offset) => {
        if (this.rebalancer?.table.get(queueKey(entry.mq)) === entry) this.rebalancer.reset(entry.mq, offset);
      },
    };
    const consume = options.orderly ? new OrderlyConsumeService(ctx) : new ConcurrentConsumeService(ctx);
    this.consumeService = consume;
    const rebalancer = new Rebalancer(
      ctx,
      resolveAllocateStrategy(options.allocateStrategy),
      consume,
      {
        startPulling: (entry: QueueEntry) => {
          entry.loop = runPullLoop(ctx, consume, entry).catch((error: unknown) => {
            this.log('error', `pull loop of ${entry.mq.topic}:${entry.mq.queueId} stopped: ${error instanceof Error ? error.message : String(error)}`);
          });
        },
      },
      () => [...this.subscriptions.keys()],
    );
    this.rebalancer = rebalancer;

    // Learn the brokers of the topics before the first heartbeat (a missing topic is retried by rebalance).
    for (const topic of this.subscriptions.keys()) {
      await client.getRoute(topic).catch((error: unknown) => this.log('debug', `no route for ${topic} yet: ${error instanceof Error ? error.message : String(error)}`));
    }
    const rebalanceLoop = new ServiceLoop({
      name: `rebalance of ${options.groupName}`,
      intervalMs: options.rebalanceIntervalMs,
      task: () => rebalancer.rebalance(),
      onError: (error) => this.log('warn', `rebalance failed: ${String(error)}`),
    });
    this.unregister = client.registerConsumer(options.groupName, {
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: options.messageModel,
      consumeFromWhere: options.consumeFromWhere,
      subscriptions: () => [...this.subscriptions.values()].map((s) => s.subscription),
      onConsumerIdsChanged: () => rebalanceLoop.wakeup(),
    });
    await client.sendHeartbeatToAllBrokers();
    this.loops.push(
      rebalanceLoop,
      new ServiceLoop({
        name: `offset commit of ${options.groupName}`,
        intervalMs: options.persistOffsetIntervalMs,
        task: () => this.persistOffsets(),
        onError: (error) => this.log('warn', `offset commit failed: ${String(error)}`),
      }),
    );
    if (options.orderly) {
      this.loops.push(
        new ServiceLoop({
          name: `queue locks of ${options.groupName}`,
          intervalMs: options.lockRenewIntervalMs,
          task: () => rebalancer.renewLocks(),
          onError: (error) => this.log('warn', `lock renewal failed: ${String(error)}`),
        }),
      );
    }
    this.state = 'running';
    for (const loop of this.loops) loop.start();
    await rebalancer.rebalance();
  }

  /** After a subscription change: tell the brokers, re-share queues. */
  private async refresh(): Promise<void> {
    try {
      for (const topic of this.subscriptions.keys()) await this.client?.getRoute(topic).catch(() => undefined);
      await this.client?.sendHeartbeatToAllBrokers();
      await this.rebalancer?.rebalance();
    } catch (error) {
      this.log('warn', `applying a new subscription failed: ${String(error)}; the next rebalance retries`);
    }
  }

  private async persistOffsets(): Promise<void> {
    if (!this.rebalancer || !this.offsetStore) return;
    await this.offsetStore.persistAll(this.rebalancer.owned());
  }

  /** The consumer's buffers and handlers now (the bounds they respect are the pull thresholds). */
  stats(): ConsumerStats {
    const stats: ConsumerStats = { queues: 0, bufferedMessages: 0, bufferedBytes: 0, maxQueueMessages: 0, maxQueueBytes: 0, inFlight: this.consumeService?.inFlight ?? 0, ...this.counters };
    for (const entry of this.rebalancer?.table.values() ?? []) {
      stats.queues++;
      stats.bufferedMessages += entry.pq.count;
      stats.bufferedBytes += entry.pq.size;
      stats.maxQueueMessages = Math.max(stats.maxQueueMessages, entry.pq.count);
      stats.maxQueueBytes = Math.max(stats.maxQueueBytes, entry.pq.size);
    }
    return stats;
  }

  /** Forces a rebalance now (normally on a timer and when the group changes). */
  async rebalance(): Promise<void> {
    await this.rebalancer?.rebalance();
  }

  /**
   * Graceful shutdown: stops pulling, lets running handlers finish (up to awaitTerminationMs),
   * commits offsets, releases queue locks and leaves the group. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.starting) await this.starting.catch(() => undefined);
      await this.shutdown();
      this.state = 'closed';
    })();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.state = 'closing';
    await Promise.all(this.loops.map((loop) => loop.close()));
    const consume = this.consumeService;
    const rebalancer = this.rebalancer;
    if (consume) {
      // Messages not yet started are dropped (they are redelivered from the committed offset).
      if (!this.options.orderly) consume.stop();
      for (const entry of rebalancer?.table.values() ?? []) entry.signal.notify();
      await consume.drain(this.options.awaitTerminationMs);
      consume.stop();
    }
    if (rebalancer && this.offsetStore) {
      try {
        await this.offsetStore.persistAll(rebalancer.owned());
      } catch (error) {
        this.log('warn', `committing offsets on close failed: ${String(error)}`);
      }
      if (this.options.orderly) {
        await Promise.all([...rebalancer.table.values()].map((entry) => rebalancer.removeQueue(entry)));
      }
      for (const entry of rebalancer.table.values()) {
        entry.drop();
        entry.pq.clear();
      }
      rebalancer.table.clear();
    }
    if (this.unregister) await this.unregister().catch((error: unknown) => this.log('warn', `leaving the group failed: ${String(error)}`));
    if (this.ownsClient) await this.client?.close();
  }
}

