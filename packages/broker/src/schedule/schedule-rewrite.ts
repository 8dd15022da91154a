// The send-side half of delayed delivery (Java CommitLog.asyncPutMessage): a message with a DELAY level
// is stored in SCHEDULE_TOPIC_XXXX, queue level-1, with its destination kept in REAL_TOPIC/REAL_QID;
// the schedule entries' consume-queue tag code is the delivery time (storeTimestamp + the level's delay).
// Delivery at an arbitrary time (TIMER_DELIVER_MS, TIMER_DELAY_MS, TIMER_DELAY_SEC, ali-ons'
// __STARTDELIVERTIME) rides the same levels: the message hops through the largest level that does not
// overshoot the remaining time, carrying its target in TIMER_OUT_MS, until the target has come. It is
// never early and at most the first level's delay late.
import type { PutMessageInput } from '@pulsejet/core';
import * as protocol from '@pulsejet/protocol';
import { SCHEDULE_TOPIC } from '../topic/system-topics';
import { effectiveDelayLevel } from './delay-levels';

// Bound once at load: under CommonJS every use of an imported name is a getter call on the protocol
// barrel's exports, and every send passes through rewriteDelayed.
const { MessageConst, MessageSysFlag, tagsHashCode, transactionType } = protocol;
const { DELAY_TIME_LEVEL, START_DELIVER_TIME, TAGS, TIMER_DELAY_MS, TIMER_DELAY_SEC, TIMER_DELIVER_MS } = MessageConst;
const { TRANSACTION_COMMIT_TYPE, TRANSACTION_NOT_TYPE } = MessageSysFlag;

/** Target time (epoch ms) of a timed message, kept on its schedule copies (RocketMQ 5's name). */
export const TIMER_OUT_MS = 'TIMER_OUT_MS';

/**
 * Rewrites a delayed or timed, non-half message to the schedule topic; other messages pass through
 * unchanged. A DELAY level wins over the timer properties; a timer target already past is delivered now.
 */
export function rewriteDelayed(input: PutMessageInput, delayLevelsMs: readonly number[], now = Date.now()): PutMessageInput {
  const type = transactionType(input.sysFlag ?? 0);
  if (type !== TRANSACTION_NOT_TYPE && type !== TRANSACTION_COMMIT_TYPE) return input;
  const level = effectiveDelayLevel(input.properties[DELAY_TIME_LEVEL], delayLevelsMs.length);
  if (level > 0) return toSchedule(input, level, {});
  if (delayLevelsMs.length === 0) return input;
  const target = timerTargetOf(input.properties, now);
  if (target === undefined || target <= now) return input;
  return toSchedule(input, hopLevel(target - now, delayLevelsMs), { [TIMER_OUT_MS]: String(target) });
}

function toSchedule(input: PutMessageInput, level: number, extra: Record<string, string>): PutMessageInput {
  return {
    ...input,
    topic: SCHEDULE_TOPIC,
    queueId: level - 1,
    // The properties change: the store must encode them, not store the ones the message came with.
    encodedProperties: undefined,
    properties: {
      ...input.properties,
      ...extra,
      [MessageConst.DELAY_TIME_LEVEL]: String(level),
      [MessageConst.REAL_TOPIC]: input.topic,
      [MessageConst.REAL_QUEUE_ID]: String(input.queueId),
    },
  };
}

/**
 * Delivery time asked by TIMER_DELIVER_MS (epoch ms), TIMER_DELAY_MS, TIMER_DELAY_SEC or
 * __STARTDELIVERTIME (epoch ms), first present wins; a value that is not a non-negative integer is
 * ignored here. Sends never carry one (delay-property-check.ts refuses them); re-puts of messages
 * stored before that check still may, and must move on rather than fail.
 */
export function timerTargetOf(properties: Readonly<Record<string, string>>, now: number): number | undefined {
  // Most messages have none of these: four lookups, nothing allocated (every send passes here).
  const deliverMs = timerProperty(properties, TIMER_DELIVER_MS);
  if (deliverMs !== undefined) return deliverMs;
  const delayMs = timerProperty(properties, TIMER_DELAY_MS);
  if (delayMs !== undefined) return now + delayMs;
  const delaySec = timerProperty(properties, TIMER_DELAY_SEC);
  if (delaySec !== undefined) return now + delaySec * 1000;
  return timerProperty(properties, START_DELIVER_TIME);
}

/** A timer property's value when it is a non-negative safe integer (surrounding blanks allowed). */
function timerProperty(properties: Readonly<Record<string, string>>, name: string): number | undefined {
  const raw = properties[name];
  if (raw === undefined) return undefined;
  const value = raw.trim();
  return /^\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
}

/** The largest level whose delay fits in `remainingMs`; level 1 when none does. */
export function hopLevel(remainingMs: number, delayLevelsMs: readonly number[]): number {
  let best = 1;
  let bestDelay = -1;
  for (const [index, delay] of delayLevelsMs.entries()) {
    if (delay <= remainingMs && delay > bestDelay) {
      best = index + 1;
      bestDelay = delay;
    }
  }
  return best;
}

/**
 * The store's tagsCodeOf hook: for schedule entries the delivery time, for everything else the hash
 * of TAGS (the store's default).
 */
export function scheduleAwareTagsCode(delayLevelsMs: readonly number[]) {
  const scheduleTopic = SCHEDULE_TOPIC; // read once: the hook runs for every stored message
  return (topic: string, properties: Readonly<Record<string, string>>, storeTimestamp: number): number => {
    if (topic === scheduleTopic) {
      const level = effectiveDelayLevel(properties[DELAY_TIME_LEVEL], delayLevelsMs.length);
      return storeTimestamp + (level > 0 ? (delayLevelsMs[level - 1] ?? 0) : 0);
    }
    return tagsHashCode(properties[TAGS]);
  };
}
