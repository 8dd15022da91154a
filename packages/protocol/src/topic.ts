// Topic names as RocketMQ accepts them (Java common/.../topic/TopicValidator.java). The recovery
// scanner uses the same check to tell a record from garbage, so the encoder enforces it too.
import { ProtocolError, ProtocolErrorCode } from './errors';

/** Java `TopicValidator.TOPIC_MAX_LENGTH`; also keeps a topic inside the 1-byte TOPICLEN field. */
export const TOPIC_MAX_LENGTH = 127;

// Java's VALID_CHAR_BIT_MAP: letters, digits, '%', '|', '_' and '-'. '%' is in the alphabet for
// %RETRY% and %DLQ% topics.
const VALID_TOPIC = /^[%|a-zA-Z0-9_-]+$/;

// Long or binary names are shown shortened and escaped so the message stays readable.
function show(topic: string): string {
  const shown = topic.length > 64 ? `${topic.slice(0, 64)}...` : topic;
  return JSON.stringify(shown).slice(1, -1);
}

/**
 * The last name found valid. A send checks its topic several times (the processor, the store, the
 * record encoder) and a batch's messages share one, so a repeat skips the regular expression.
 */
let lastValid: string | undefined;

/** undefined when `topic` is a valid name, else a message saying what is wrong and what to do. */
export function validateTopicName(topic: string): string | undefined {
  if (topic === lastValid) return undefined;
  if (topic.length === 0) return 'topic is empty; give the message a topic name';
  if (!VALID_TOPIC.test(topic)) {
    return `topic '${show(topic)}' contains characters outside [%|a-zA-Z0-9_-]; use letters, digits, %, |, _ or -`;
  }
  if (topic.length > TOPIC_MAX_LENGTH) {
    return `topic '${show(topic)}' is ${topic.length} characters long; use at most ${TOPIC_MAX_LENGTH}`;
  }
  lastValid = topic;
  return undefined;
}

/** Throws ProtocolError INVALID_TOPIC when `topic` is not a valid name. */
export function assertTopicName(topic: string): void {
  const problem = validateTopicName(topic);
  if (problem !== undefined) throw new ProtocolError(ProtocolErrorCode.INVALID_TOPIC, problem);
}
