// A queue of a topic on one broker group (Java MessageQueue): the unit producers send to and
// consumers own after a rebalance.

export interface MessageQueue {
  readonly topic: string;
  /** The broker group (master and slaves share the name). */
  readonly brokerName: string;
  readonly queueId: number;
}

/** A string that identifies the queue, for Map keys: "topic@brokerName@queueId". */
export function queueKey(mq: MessageQueue): string {
  return `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
}

/** Java's MessageQueue ordering: topic, then brokerName, then queueId (rebalance strategies sort with it). */
export function compareQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}
