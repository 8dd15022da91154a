// PullConsumer (Java DefaultLitePullConsumer): the application asks for messages with poll().
// Queues come from subscribe() (shared with the group by rebalance, like a push consumer) or from
// assign() (fixed, no sharing). Background pull loops fill bounded per-queue buffers; poll() takes
// from them; seek() moves a queue; offsets are committed automatically (autoCommit, on a timer) or
// by commit().
//
//   const consumer = new PullConsumer({ groupName: 'reports', namesrvAddr });
//   consumer.subscribe('orders', '*');
//   await consumer.start();
//   const batch = await consumer.poll(1000);
//   ...
//   await consumer.commit();   // with autoCommit: false
//   await consumer.close();
import { ServiceLoop } from '@pulsejet/protocol';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientError, ClientErrorCode } from '../errors';
import type { ClientInstance } from '../instance/client-instance';
import { queueKey, type MessageQueue } from '../message/message-queue';
import type { ReceivedMessage } from '../message/received-message';
import { resolveAllocateStrategy } from './allocate-strategy';
import { consumerInstance } from './consumer-instance';
import { getMaxOffset, getMinOffset } from './broker-calls';
import type { ConsumeContext } from './consume-context';
import { LocalFileOffsetStore } from './local-file-offset-store';
import type { OffsetStore } from './offset-store';
import { PollBuffer } from './poll-buffer';
import { runPullLoop } from './pull-loop';
import { resolvePushConsumerOptions, type PushConsumerOptions, type ResolvedPushConsumerOptions } from './push-consumer-options';
import { Rebalancer } from './rebalance';
import { RemoteBrokerOffsetStore } from './remote-offset-store';
import { buildSubscription, type ConsumerSubscription } from './subscription';

export interface PullConsumerOptions
  extends Omit<PushConsumerOptions, 'orderly' | 'consumeConcurrency' | 'consumeTimeoutMs' | 'maxReconsumeTimes' | 'lockRenewIntervalMs' | 'suspendCurrentQueueTimeMs' | 'awaitTerminationMs'> {
  /** Offsets of polled messages are committed on the persistOffsetIntervalMs timer and on close. @default true */
  autoCommit?: boolean;
  /** Most messages one poll() returns. @default 32 */
  maxPollMessages?: number;
  /** How long poll() waits for a first message when none is buffered. @default 5000 */
  pollTimeoutMs?: number;
}

export const DEFAULT_MAX_POLL_MESSAGES = 32;
export const DEFAULT_POLL_TIMEOUT_MS = 5_000;

type State = 'created' | 'running' | 'closing' | 'closed';

export class PullConsumer {
  readonly options: ResolvedPushConsumerOptions & { autoCommit: boolean; maxPollMessages: number; pollTimeoutMs: number };
  private readonly subscriptions = new Map<string, ConsumerSubscription>();
  private assigned: MessageQueue[] | undefined;
  private state: State = 'created';
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private client: ClientInstance | undefined;
  private offsetStore: OffsetStore | undefined;
  private rebalancer: Rebalancer | undefined;
  private readonly buffer = new PollBuffer();
  /** Manual commit: the offset after the last polled message of each queue, committed by commit(). */
  private readonly polled = new Map<string, { mq: MessageQueue; offset: number }>();
  private readonly loops: ServiceLoop[] = [];
  private ownsClient = false;
  private unregister: (() => Promise<void>) | undefined;
  private readonly log;

  constructor(options: PullConsumerOptions) {
    const { autoCommit, maxPollMessages, pollTimeoutMs, ...rest } = options;
    const max = maxPollMessages ?? DEFAULT_MAX_POLL_MESSAGES;
    if (!Number.isSafeInteger(max) || max < 1) throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `maxPollMessages must be an integer >= 1, got ${max}`);
    this.options = { ...resolvePushConsumerOptions(rest), autoCommit: autoCommit ?? true, maxPollMessages: max, pollTimeoutMs: pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS };
    this.log = this.options.log;
  }

  get clientId(): string | undefined {
    return this.client?.clientId;
  }

  /** Group-managed queues of `topic` (rebalanced among the group's members). Not with assign(). */
  subscribe(topic: string, expression = '*'): this {
    if (this.assigned) throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, 'subscribe() and assign() cannot be mixed; use one of them');
    this.subscriptions.set(topic, buildSubscription(topic, expression));
    if (this.state === 'running') void this.rebalancer?.rebalance();
    return this;
  }

  /** Exactly these queues, all of them, with no sharing (and no group membership changes). Not with subscribe(). */
  assign(queues: readonly MessageQueue[]): this {
    if (this.subscriptions.size > 0 && !this.assigned) throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, 'subscribe() and assign() cannot be mixed; use one of them');
    this.assigned = queues.map((mq) => ({ topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId }));
    this.subscriptions.clear();
    for (const mq of this.assigned) this.subscriptions.set(mq.topic, buildSubscription(mq.topic, '*'));
    if (this.state === 'running') void this.rebalancer?.rebalance();
    return this;
  }

  /** The readable queues of a topic (to choose what to assign). Needs start(). */
  async fetchQueues(topic: string): Promise<MessageQueue[]> {
    return this.running().subscribeQueues(topic);
  }

  /** The queues this consumer pulls now. */
  assignment(): MessageQueue[] {
    return this.rebalancer?.owned() ?? [];
  }

  start(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return Promise.reject(new ClientError(ClientErrorCode.NOT_RUNNING, 'start() after close(); create a new consumer'));
    this.starting ??= this.doStart().catch(async (error: unknown) => {
      await this.shutdown().catch(() => undefined);
      throw error;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const { options } = this;
    if (this.subscriptions.size === 0) throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, 'call subscribe(topic, expression) or assign(queues) before start()');
    const { client, owned } = consumerInstance(options);
    this.client = client;
    this.ownsClient = owned;
    await client.start();
    const offsetStore: OffsetStore =
      options.messageModel === 'CLUSTERING'
        ? new RemoteBrokerOffsetStore(client, options.groupName)
        : new LocalFileOffsetStore(options.offsetStoreDir ?? join(tmpdir(), 'pulsejet-offsets'), client.clientId, options.groupName);
    this.offsetStore = offsetStore;
    await offsetStore.load();
    const ctx: ConsumeContext = {
      client,
      options,
      offsetStore,
      log: this.log,
      isRunning: () => this.state === 'running',
      subscriptionOf: (topic) => this.subscriptions.get(topic),
      handlerOf: () => undefined,
      counters: { consumed: 0, retried: 0 },
      resetQueue: (entry, offset) => {
        if (this.rebalancer?.table.get(queueKey(entry.mq)) === entry) this.rebalancer.reset(entry.mq, offset);
      },
    };
    this.state = 'running';
    const rebalancer = new Rebalancer(
      ctx,
      resolveAllocateStrategy(options.allocateStrategy),
      this.buffer,
      {
        startPulling: (entry) => {
          entry.loop = runPullLoop(ctx, this.buffer, entry).catch((error: unknown) => this.log('error', `pull loop stopped: ${String(error)}`));
        },
      },
      () => [...this.subscriptions.keys()],
      () => this.assigned,
    );
    this.rebalancer = rebalancer;
    for (const topic of this.subscriptions.keys()) await client.getRoute(topic).catch(() => undefined);
    const rebalanceLoop = new ServiceLoop({
      name: `rebalance of ${options.groupName}`,
      intervalMs: options.rebalanceIntervalMs,
      task: () => rebalancer.rebalance(),
      onError: (error) => this.log('warn', `rebalance failed: ${String(error)}`),
    });
    this.unregister = client.registerConsumer(options.groupName, {
      consumeType: 'CONSUME_ACTIVELY',
      messageModel: options.messageModel,
      consumeFromWhere: options.consumeFromWhere,
      subscriptions: () => (this.assigned ? [] : [...this.subscriptions.values()]),
      onConsumerIdsChanged: () => rebalanceLoop.wakeup(),
    });
    await client.sendHeartbeatToAllBrokers();
    this.loops.push(
      rebalanceLoop,
      new ServiceLoop({
        name: `offset commit of ${options.groupName}`,
        intervalMs: options.persistOffsetIntervalMs,
        task: () => (options.autoCommit ? offsetStore.persistAll(rebalancer.owned()) : undefined),
        onError: (error) => this.log('warn', `offset commit failed: ${String(error)}`),
      }),
    );
    for (const loop of this.loops) loop.start();
    await rebalancer.rebalance();
  }

  private running(): ClientInstance {
    if (this.state !== 'running' || !this.client) throw new ClientError(ClientErrorCode.NOT_RUNNING, 'the pull consumer is not running; call start() first');
    return this.client;
  }

  /**
   * Up to maxPollMessages buffered messages, in queue order per queue; waits up to `timeoutMs` for
   * the first; [] when nothing came. With autoCommit, polled messages count as consumed.
   */
  async poll(timeoutMs = this.options.pollTimeoutMs): Promise<ReceivedMessage[]> {
    this.running();
    const taken = await this.buffer.take(this.options.maxPollMessages, timeoutMs);
    const out: ReceivedMessage[] = [];
    for (const { entry, message } of taken) {
      if (entry.pq.dropped) continue;
      const next = entry.pq.remove([message]);
      entry.signal.notify();
      out.push(message);
      if (this.options.autoCommit) this.offsetStore?.update(entry.mq, next, true);
      else this.polled.set(queueKey(entry.mq), { mq: entry.mq, offset: next });
    }
    return out;
  }

  /** Commits the offsets of what was polled (all queues, or the given ones) to the broker (or file). */
  async commit(queues?: readonly MessageQueue[]): Promise<void> {
    this.running();
    const wanted = queues ? new Set(queues.map(queueKey)) : undefined;
    const store = this.offsetStore!;
    const toPersist: MessageQueue[] = [];
    for (const [key, { mq, offset }] of this.polled) {
      if (wanted && !wanted.has(key)) continue;
      store.update(mq, offset, false);
      toPersist.push(mq);
      this.polled.delete(key);
    }
    if (this.options.autoCommit) toPersist.push(...(this.rebalancer?.owned() ?? []));
    await store.persistAll(toPersist);
  }

  /** The committed offset of a queue (-1 when none). */
  async committed(mq: MessageQueue): Promise<number> {
    this.running();
    return this.offsetStore!.readStore(mq);
  }

  /** The next poll() of this queue starts at `offset`. The queue must be assigned to (or owned by) this consumer. */
  seek(mq: MessageQueue, offset: number): void {
    this.running();
    if (!Number.isSafeInteger(offset) || offset < 0) throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `offset must be an integer >= 0, got ${offset}`);
    this.polled.delete(queueKey(mq));
    if (!this.rebalancer?.reset(mq, offset)) {
      throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `queue ${queueKey(mq)} is not assigned to this consumer; seek only queues of assignment()`);
    }
  }

  async seekToBeginning(mq: MessageQueue): Promise<void> {
    this.seek(mq, await getMinOffset(this.running(), mq));
  }

  async seekToEnd(mq: MessageQueue): Promise<void> {
    this.seek(mq, await getMaxOffset(this.running(), mq));
  }

  /** Stops pulling, commits (autoCommit), leaves the group. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.starting) await this.starting.catch(() => undefined);
      await this.shutdown();
    })();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.state = 'closing';
    await Promise.all(this.loops.map((loop) => loop.close()));
    this.buffer.stop();
    if (this.rebalancer && this.offsetStore && this.options.autoCommit) {
      await this.offsetStore.persistAll(this.rebalancer.owned()).catch((error: unknown) => this.log('warn', `committing offsets on close failed: ${String(error)}`));
    }
    for (const entry of this.rebalancer?.table.values() ?? []) {
      entry.drop();
      entry.pq.clear();
    }
    this.rebalancer?.table.clear();
    if (this.unregister) await this.unregister().catch(() => undefined);
    if (this.ownsClient) await this.client?.close();
    this.state = 'closed';
  }
}
