// The delivery half of delayed messages (Java ScheduleMessageService): one loop walks each level's
// queue of SCHEDULE_TOPIC_XXXX from its persisted delay offset, re-puts every entry whose delivery
// time (its consume-queue tag code) has come to REAL_TOPIC/REAL_QID without DELAY, and advances the
// level's offset only after the re-put succeeded: at least once across restarts, never lost. A timed
// message (TIMER_OUT_MS) whose target is still ahead hops to another level instead.
//
// The advanced offset is written to the metadata store at once, not left to its periodic offset flush
// (5 s; Java persists delay offsets every 10 s): a crash would otherwise re-deliver everything of the
// last interval. Now a crash between a re-put and its offset write re-delivers just that one message.
import type { MessageStore, PutMessageInput } from '@pulsejet/core';
import { MessageConst, ServiceLoop, decodeStoredRecord, type StoredMessage } from '@pulsejet/protocol';
import type { BrokerLog } from '../broker-options';
import { isStoredStatus } from '../send/put-status';
import { SCHEDULE_TOPIC } from '../topic/system-topics';
import { TIMER_OUT_MS, hopLevel } from './schedule-rewrite';

export interface ScheduleMessageServiceOptions {
  store: MessageStore;
  /** Milliseconds of level n at index n-1. */
  delayLevelsMs: readonly number[];
  log: BrokerLog;
  /** How often the levels are scanned, ms. @default 100 */
  intervalMs?: number;
}

export const DEFAULT_SCHEDULE_INTERVAL_MS = 100;
const BATCH = 32;

export class ScheduleMessageService {
  private readonly loop: ServiceLoop;

  constructor(private readonly options: ScheduleMessageServiceOptions) {
    this.loop = new ServiceLoop({
      name: 'schedule message delivery',
      intervalMs: options.intervalMs ?? DEFAULT_SCHEDULE_INTERVAL_MS,
      task: (signal) => this.deliverDue(signal),
      onError: (error) => options.log('warn', `delayed delivery failed: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Stops delivering and waits for a round in progress. Idempotent. */
  close(): Promise<void> {
    return this.loop.close();
  }

  /** The next schedule-queue offset of a level (what has been delivered up to). */
  offsetOf(level: number): number {
    return this.options.store.metadata.getDelayOffset(level) ?? 0;
  }

  /** One round over every level: delivers what is due at `now`. */
  async deliverDue(signal?: AbortSignal, now = Date.now()): Promise<void> {
    for (let level = 1; level <= this.options.delayLevelsMs.length; level++) {
      if (signal?.aborted) return;
      await this.deliverLevel(level, now, signal);
    }
  }

  private async deliverLevel(level: number, now: number, signal: AbortSignal | undefined): Promise<void> {
    const { store } = this.options;
    const queueId = level - 1;
    let offset = Math.max(this.offsetOf(level), store.getMinOffsetInQueue(SCHEDULE_TOPIC, queueId));
    while (!signal?.aborted && offset < store.getMaxOffsetInQueue(SCHEDULE_TOPIC, queueId)) {
      const result = store.getMessage(SCHEDULE_TOPIC, queueId, offset, { maxMsgNums: BATCH, filter: (deliverAt) => deliverAt <= now });
      // Only the due prefix: the filter skips entries not yet due, and nothing may overtake them.
      let delivered = 0;
      for (const [index, record] of result.messages.entries()) {
        if (result.queueOffsets[index] !== offset) break;
        if (!(await this.redeliver(record, level))) return;
        offset += 1;
        delivered += 1;
        store.metadata.setDelayOffset(level, offset);
        await store.metadata.flush();
      }
      if (delivered === 0 || delivered < result.messages.length || result.messages.length < BATCH) return;
    }
  }

  /** Re-puts one schedule entry; false when the store refused it (retried next round). */
  private async redeliver(record: Buffer, level: number): Promise<boolean> {
    const { store, log } = this.options;
    let message: StoredMessage;
    try {
      message = decodeStoredRecord(record);
    } catch (error) {
      log('error', `skipping an undecodable schedule entry of level ${level}: ${error instanceof Error ? error.message : String(error)}`);
      return true;
    }
    const input = deliveryInputOf(message, this.options.delayLevelsMs);
    if (input === undefined) {
      log('error', `skipping schedule message ${message.msgId} of level ${level}: no valid REAL_TOPIC/REAL_QID`);
      return true;
    }
    const result = await store.putMessage(input);
    if (!isStoredStatus(result.status)) {
      log('warn', `delivering delayed message ${message.msgId} to ${input.topic} failed (${result.status}); will retry`);
      return false;
    }
    return true;
  }
}

/**
 * What a due schedule entry becomes: the copy delivered to the real destination (Java messageTimeup:
 * DELAY removed, REAL_* kept), or, for a timed message whose target is still ahead, its next hop.
 */
export function deliveryInputOf(message: StoredMessage, delayLevelsMs: readonly number[], now = Date.now()): PutMessageInput | undefined {
  const topic = message.properties[MessageConst.REAL_TOPIC];
  const queueId = Number(message.properties[MessageConst.REAL_QUEUE_ID]);
  if (topic === undefined || topic === '' || !Number.isInteger(queueId) || queueId < 0) return undefined;
  const properties = { ...message.properties };
  const target = Number(properties[TIMER_OUT_MS]);
  const hop = Number.isFinite(target) && target > now && delayLevelsMs.length > 0 ? hopLevel(target - now, delayLevelsMs) : 0;
  if (hop > 0) properties[MessageConst.DELAY_TIME_LEVEL] = String(hop);
  else {
    delete properties[MessageConst.DELAY_TIME_LEVEL];
    delete properties[TIMER_OUT_MS];
  }
  return {
    topic: hop > 0 ? SCHEDULE_TOPIC : topic,
    queueId: hop > 0 ? hop - 1 : queueId,
    body: Buffer.from(message.body),
    properties,
    flag: message.flag,
    sysFlag: message.sysFlag,
    bornTimestamp: message.bornTimestamp,
    bornHost: message.bornHost,
    reconsumeTimes: message.reconsumeTimes,
    preparedTransactionOffset: message.preparedTransactionOffset,
    waitStoreMsgOK: false,
  };
}
