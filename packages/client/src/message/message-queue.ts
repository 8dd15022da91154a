// A queue of a topic on one broker group (Java MessageQueue): the unit producers send to and
// consumers own after a rebalance.

export interface MessageQueue {
  readonly topic: string;
  /** The broker group (master and slaves share the name). */
  readonly brokerName: string;
  readonly queueId: number;
}

interface CachedKey {
  topic: string;
  brokerName: string;
  queueId: number;
  key: string;
}

/** Keys already built, per queue object: offsets are updated per consumed message with the same one. */
const keys = new WeakMap<MessageQueue, CachedKey>();

/**
 * A string that identifies the queue, for Map keys: "topic@brokerName@queueId". Remembered per
 * queue object, and rebuilt if a caller changed its fields since (the type says readonly, plain
 * JavaScript need not care): a cached string also keeps its hash, so the Map lookup that follows
 * does not hash a fresh string either.
 */
export function queueKey(mq: MessageQueue): string {
  const cached = keys.get(mq);
  if (cached !== undefined && cached.topic === mq.topic && cached.brokerName === mq.brokerName && cached.queueId === mq.queueId) return cached.key;
  const key = `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
  keys.set(mq, { topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, key });
  return key;
}

/** Java's MessageQueue ordering: topic, then brokerName, then queueId (rebalance strategies sort with it). */
export function compareQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}
