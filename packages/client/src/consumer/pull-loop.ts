// The long-polling pull loop of one owned queue (Java PullMessageService + DefaultMQPushConsumerImpl
// .pullMessage): pull, buffer, hand to the consume service, repeat. It pauses while the queue's
// buffer is at its bound (count or bytes) and resumes when handlers make room, so memory is bounded
// by the thresholds plus one pull batch, however slow the handlers are.
import { ClientError } from '../errors';
import type { ConsumeContext, ConsumeService } from './consume-context';
import { lockValid } from './consume-orderly';
import { pullMessage } from './pull-api';
import { sleep, type QueueEntry } from './queue-entry';

/** How long a paused loop sleeps before re-checking (it is normally woken earlier by the consume service). */
const FLOW_CONTROL_RECHECK_MS = 1_000;
/** Orderly: how long to wait for the queue's lock before checking again (Java: 3 s; the renewal wakes us). */
const LOCK_WAIT_MS = 1_000;

export async function runPullLoop(ctx: ConsumeContext, consume: ConsumeService, entry: QueueEntry): Promise<void> {
  const { options, offsetStore, log } = ctx;
  const { pq, mq } = entry;
  const clustering = options.messageModel === 'CLUSTERING';
  while (!pq.dropped && ctx.isRunning()) {
    if (options.orderly && !lockValid(entry)) {
      await sleep(LOCK_WAIT_MS, entry.signal);
      continue;
    }
    if (pq.isFull(options.pullThresholdForQueue, options.pullThresholdSizeForQueue)) {
      await sleep(FLOW_CONTROL_RECHECK_MS, entry.signal);
      continue;
    }
    const subscription = ctx.subscriptionOf(mq.topic);
    if (subscription === undefined) return; // unsubscribed; rebalance drops the queue
    let result;
    try {
      result = await pullMessage(ctx.client, {
        group: options.groupName,
        mq,
        subscription,
        offset: entry.nextOffset,
        maxMsgNums: options.pullBatchSize,
        commitOffset: clustering ? offsetStore.readMemory(mq) : 0,
        suspendTimeoutMs: options.brokerSuspendMaxTimeMs,
        timeoutMs: options.pullTimeoutMs,
        brokerId: entry.brokerId,
      });
    } catch (error) {
      if (pq.dropped || !ctx.isRunning()) return;
      const what = ClientError.is(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      log('warn', `pull of ${mq.topic}:${mq.queueId}@${mq.brokerName} failed (${what}); retrying in ${options.pullDelayOnErrorMs} ms`);
      await sleep(options.pullDelayOnErrorMs, entry.signal);
      continue;
    }
    if (pq.dropped || !ctx.isRunning()) return;
    entry.brokerId = result.suggestWhichBrokerId;
    switch (result.status) {
      case 'FOUND': {
        entry.nextOffset = result.nextBeginOffset;
        const added = pq.put(result.messages);
        // Everything filtered out on the client (tag hash collision): the range counts as consumed.
        if (pq.count === 0) offsetStore.update(mq, result.nextBeginOffset, true);
        if (added.length > 0) consume.submit(entry, added);
        break;
      }
      case 'NO_NEW_MSG':
      case 'NO_MATCHED_MSG':
        entry.nextOffset = result.nextBeginOffset;
        // Java correctTagsOffset: with nothing buffered, the offset may jump over filtered messages.
        if (pq.count === 0) offsetStore.update(mq, result.nextBeginOffset, true);
        break;
      case 'OFFSET_ILLEGAL':
        // The queue no longer holds our offset (expired, or truncated on the broker). What is
        // buffered may overlap what comes next, so the queue restarts with an empty buffer at the
        // broker's suggestion, which is committed at once (Java drops the ProcessQueue likewise).
        log('warn', `offset ${entry.nextOffset} of ${mq.topic}:${mq.queueId} is illegal (queue holds ${result.minOffset}..${result.maxOffset}); moving to ${result.nextBeginOffset}`);
        offsetStore.update(mq, result.nextBeginOffset, false);
        await offsetStore.persist(mq).catch((error: unknown) => log('warn', `committing offset ${result.nextBeginOffset} of ${mq.topic}:${mq.queueId} failed: ${String(error)}`));
        if (!pq.dropped && ctx.isRunning()) ctx.resetQueue(entry, result.nextBeginOffset);
        return;
    }
  }
}
