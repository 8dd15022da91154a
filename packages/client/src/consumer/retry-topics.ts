// Retry and dead-letter topics of a consumer group (Java MixAll.getRetryTopic / getDLQTopic), and
// the view a handler gets of a retry copy: its original topic (RETRY_TOPIC), not %RETRY%<group>.
import { MessageConst } from '@pulsejet/protocol';
import type { ReceivedMessage } from '../message/received-message';

export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';

export function retryTopicOf(group: string): string {
  return `${RETRY_GROUP_TOPIC_PREFIX}${group}`;
}

export function dlqTopicOf(group: string): string {
  return `${DLQ_GROUP_TOPIC_PREFIX}${group}`;
}

export function isRetryTopic(topic: string): boolean {
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
}

/** The topic the user subscribed to: RETRY_TOPIC for a retry copy, else the stored topic. */
export function realTopicOf(message: ReceivedMessage): string {
  return isRetryTopic(message.topic) ? (message.properties[MessageConst.RETRY_TOPIC] ?? message.topic) : message.topic;
}

/**
 * A copy of `message` (same prototype, so text()/json() work; the body buffer is shared) with some
 * fields replaced. A real copy rather than a prototype view, so JSON.stringify and spreading see
 * every field.
 */
export function withFields<T extends ReceivedMessage>(message: T, fields: Partial<Record<keyof ReceivedMessage, unknown>>, methods: Record<string, () => void> = {}): T {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(message) as object) as T, message, fields);
  for (const [name, fn] of Object.entries(methods)) Object.defineProperty(copy, name, { value: fn });
  return copy;
}

/**
 * The message as handlers see it: the real topic, and a reconsume count that includes local
 * re-deliveries (a failed send-back is consumed again locally, as Java does). The original stays
 * the one the consumer tracks offsets with.
 */
export function handlerView<T extends ReceivedMessage>(message: T, reconsumeTimes: number): T {
  const topic = realTopicOf(message);
  if (topic === message.topic && reconsumeTimes === message.reconsumeTimes) return message;
  return withFields(message, { topic, reconsumeTimes });
}
