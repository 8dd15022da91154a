import fc from 'fast-check';
import { assertTopicName, TOPIC_MAX_LENGTH, validateTopicName } from './topic';
import { ProtocolErrorCode } from './errors';
import { topicArb } from '../test/records';

describe('validateTopicName (Java TopicValidator)', () => {
  it.each(['TopicTest', '%RETRY%group', '%DLQ%group', 'a|b', 'a-b_c', '0', 'x'.repeat(TOPIC_MAX_LENGTH)])('accepts %p', (topic) => {
    expect(validateTopicName(topic)).toBeUndefined();
  });

  it.each(['', 'x y', 'a.b', 'a/b', 'tópico', '\u0000', 'x'.repeat(TOPIC_MAX_LENGTH + 1)])('rejects %p with a message', (topic) => {
    expect(typeof validateTopicName(topic)).toBe('string');
  });

  it('accepts every name from the valid alphabet up to 127 characters', () => {
    fc.assert(fc.property(topicArb, (topic) => expect(validateTopicName(topic)).toBeUndefined()));
  });
});

describe('assertTopicName', () => {
  it('throws INVALID_TOPIC for a bad name and nothing for a good one', () => {
    expect(() => assertTopicName('x y')).toThrow(expect.objectContaining({ code: ProtocolErrorCode.INVALID_TOPIC }));
    expect(() => assertTopicName('TopicTest')).not.toThrow();
  });
});
