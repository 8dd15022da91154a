// Rebalance (Java RebalanceImpl): which queues this client owns. Clustering shares each topic's
// readable queues among the group's live members with the allocate strategy; broadcasting owns
// them all. New queues get a start offset (committed offset, else consumeFromWhere) and a pull
// loop; queues no longer owned stop pulling, commit their offset and (orderly) release their lock.
import { queueKey, type MessageQueue } from '../message/message-queue';
import { ClientError, ClientErrorCode } from '../errors';
import { sortCids, sortQueues, type AllocateStrategy } from './allocate-strategy';
import { getMaxOffset, lockBatch, searchOffset, unlockBatch } from './broker-calls';
import type { ConsumeContext, ConsumeService } from './consume-context';
import { QueueEntry } from './queue-entry';
import { isRetryTopic } from './retry-topics';

/** Start-offset lookups (QUERY_CONSUMER_OFFSET and the like) a rebalance runs at once. */
const OFFSET_LOOKUPS_AT_ONCE = 8;

export interface RebalanceHooks {
  /** Starts the pull loop of a newly owned queue. */
  startPulling(entry: QueueEntry): void;
}

export class Rebalancer {
  readonly table = new Map<string, QueueEntry>();
  /** Rebalances run one at a time (timer, NOTIFY, start and subscription changes may overlap). */
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ConsumeContext,
    private readonly strategy: AllocateStrategy,
    private readonly consume: ConsumeService,
    private readonly hooks: RebalanceHooks,
    private readonly topics: () => string[],
    /** Manual assignment (lite pull consumer's assign()): these queues are owned, nothing is shared. */
    private readonly assignment?: () => MessageQueue[] | undefined,
  ) {}

  /** One pass over every subscribed topic; a failing topic is logged and retried next time. */
  rebalance(): Promise<void> {
    const run = this.last.then(() => this.rebalanceAll());
    this.last = run.catch(() => undefined);
    return run;
  }

  private async rebalanceAll(): Promise<void> {
    const topics = this.topics();
    for (const topic of topics) {
      if (!this.ctx.isRunning()) return;
      try {
        await this.rebalanceTopic(topic);
      } catch (error) {
        const level = ClientError.is(error) && error.code === ClientErrorCode.NO_ROUTE && isRetryTopic(topic) ? 'debug' : 'warn';
        this.ctx.log(level, `rebalance of ${topic} failed: ${error instanceof Error ? error.message : String(error)}; retrying at the next rebalance`);
      }
    }
    // Topics no longer subscribed.
    const wanted = new Set(topics);
    await Promise.all([...this.table.values()].filter((e) => !wanted.has(e.mq.topic)).map((e) => this.removeQueue(e)));
  }

  private async rebalanceTopic(topic: string): Promise<void> {
    const { client, options } = this.ctx;
    const assigned = this.assignment?.();
    const all = assigned ? sortQueues(assigned.filter((mq) => mq.topic === topic)) : sortQueues(await client.subscribeQueues(topic));
    let mine: MessageQueue[];
    if (assigned || options.messageModel === 'BROADCASTING') {
      mine = all;
    } else {
      const cids = sortCids(await client.findConsumerIdList(topic, options.groupName));
      // Not (yet) in the broker's list, e.g. before our first heartbeat reached it: keep what we
      // own rather than drop everything and take it back a moment later (Java would drop).
      if (!cids.includes(client.clientId)) {
        this.ctx.log('debug', `${client.clientId} is not in the consumer list of ${options.groupName} for ${topic} yet; keeping its queues until the next rebalance`);
        return;
      }
      mine = this.strategy.allocate(client.clientId, all, cids);
    }
    if (!this.ctx.isRunning()) return;
    const mineKeys = new Set(mine.map(queueKey));
    const removals = [...this.table.values()].filter((entry) => entry.mq.topic === topic && !mineKeys.has(queueKey(entry.mq)));
    await Promise.all(removals.map((entry) => this.removeQueue(entry)));

    let added = mine.filter((mq) => !this.table.has(queueKey(mq)));
    if (added.length === 0 || !this.ctx.isRunning()) return;
    if (options.orderly) added = await this.lockQueues(added);
    // Start offsets are looked up several at a time, and each queue starts pulling as soon as its own
    // answer is in (Java looks them up one after another, so the last of n queues waited n round
    // trips); bounded so a consumer taking hundreds of queues doesn't flood the broker's processor.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < added.length) await this.takeQueue(added[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(OFFSET_LOOKUPS_AT_ONCE, added.length) }, worker));
  }

  /** Starts owning `mq`: its start offset, its entry in the table, its pull loop. */
  private async takeQueue(mq: MessageQueue): Promise<void> {
    const { options } = this.ctx;
    if (!this.ctx.isRunning()) return; // closing: no more lookups (they would fail and log)
    let offset: number;
    try {
      offset = await this.computePullFromWhere(mq);
    } catch (error) {
      this.ctx.log('warn', `no start offset for ${mq.topic}:${mq.queueId}@${mq.brokerName}: ${error instanceof Error ? error.message : String(error)}; retrying at the next rebalance`);
      return;
    }
    if (!this.ctx.isRunning() || this.table.has(queueKey(mq))) return;
    const entry = new QueueEntry(mq, offset);
    if (options.orderly) {
      entry.pq.locked = true;
      entry.pq.lastLockTimestamp = Date.now();
    }
    this.ctx.offsetStore.update(mq, offset, false);
    this.table.set(queueKey(mq), entry);
    this.ctx.log('debug', `now own ${mq.topic}:${mq.queueId}@${mq.brokerName} from offset ${offset}`);
    this.hooks.startPulling(entry);
  }

  /** Java computePullFromWhere: the committed offset wins; else where consumeFromWhere says. */
  async computePullFromWhere(mq: MessageQueue): Promise<number> {
    const { client, options, offsetStore } = this.ctx;
    const stored = await offsetStore.readStore(mq);
    if (stored >= 0) return stored;
    switch (options.consumeFromWhere) {
      case 'CONSUME_FROM_FIRST_OFFSET':
        return 0;
      case 'CONSUME_FROM_TIMESTAMP':
        return isRetryTopic(mq.topic) ? getMaxOffset(client, mq) : searchOffset(client, mq, options.consumeTimestamp);
      case 'CONSUME_FROM_LAST_OFFSET':
        return isRetryTopic(mq.topic) ? 0 : getMaxOffset(client, mq);
    }
  }

  /** Orderly: a queue is only taken once its broker lock is ours. */
  private async lockQueues(mqs: MessageQueue[]): Promise<MessageQueue[]> {
    const locked: MessageQueue[] = [];
    for (const group of groupByBroker(mqs)) {
      try {
        const ok = new Set((await lockBatch(this.ctx.client, this.ctx.options.groupName, group)).map(queueKey));
        locked.push(...group.filter((mq) => ok.has(queueKey(mq))));
      } catch (error) {
        this.ctx.log('warn', `locking ${group.length} queue(s) failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return locked;
  }

  /** Renews the locks of every owned queue (orderly); a queue whose lock is lost stops consuming. */
  async renewLocks(): Promise<void> {
    const entries = [...this.table.values()];
    for (const group of groupByBroker(entries.map((e) => e.mq))) {
      let ok: Set<string>;
      try {
        ok = new Set((await lockBatch(this.ctx.client, this.ctx.options.groupName, group)).map(queueKey));
      } catch (error) {
        this.ctx.log('warn', `renewing queue locks failed: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      for (const mq of group) {
        const entry = this.table.get(queueKey(mq));
        if (!entry) continue;
        if (ok.has(queueKey(mq))) {
          entry.pq.locked = true;
          entry.pq.lastLockTimestamp = Date.now();
          entry.signal.notify();
          if (entry.pq.count > 0) this.consume.submit(entry, []);
        } else {
          entry.pq.locked = false;
        }
      }
    }
  }

  /** Stops a queue: no more pulls, in-flight handlers finish (bounded), its offset is committed, its lock released. */
  async removeQueue(entry: QueueEntry): Promise<void> {
    const key = queueKey(entry.mq);
    if (this.table.get(key) !== entry) return;
    this.table.delete(key);
    entry.drop();
    const { ctx } = this;
    if (ctx.options.orderly) await this.consume.drain(ctx.options.awaitTerminationMs, entry);
    try {
      if (ctx.options.messageModel === 'CLUSTERING') await ctx.offsetStore.persist(entry.mq);
      else await ctx.offsetStore.persistAll([entry.mq]);
    } catch (error) {
      ctx.log('warn', `committing the offset of ${key} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    ctx.offsetStore.remove(entry.mq);
    if (ctx.options.orderly) {
      try {
        await unlockBatch(ctx.client, ctx.options.groupName, [entry.mq]);
      } catch (error) {
        ctx.log('warn', `unlocking ${key} failed: ${error instanceof Error ? error.message : String(error)}; the broker lock expires on its own`);
      }
    }
    entry.pq.clear();
    ctx.log('debug', `released ${key}`);
  }

  /** Restarts an owned queue at `offset` (seek): its buffer is dropped and a new pull loop starts. Returns false when not owned. */
  reset(mq: MessageQueue, offset: number): boolean {
    const key = queueKey(mq);
    const old = this.table.get(key);
    if (!old) return false;
    old.drop();
    old.pq.clear();
    const entry = new QueueEntry(old.mq, offset);
    this.table.set(key, entry);
    this.ctx.offsetStore.update(old.mq, offset, false);
    this.hooks.startPulling(entry);
    return true;
  }

  owned(): MessageQueue[] {
    return [...this.table.values()].map((e) => e.mq);
  }
}

function groupByBroker(mqs: readonly MessageQueue[]): MessageQueue[][] {
  const groups = new Map<string, MessageQueue[]>();
  for (const mq of mqs) {
    const group = groups.get(mq.brokerName);
    if (group) group.push(mq);
    else groups.set(mq.brokerName, [mq]);
  }
  return [...groups.values()];
}
