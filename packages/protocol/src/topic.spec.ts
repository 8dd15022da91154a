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

  it('answers the same in any order: the remembered last valid name never lets another through', () => {
    // Each case is checked right after a valid name, including one of the same length and '' first.
    fc.assert(
      fc.property(fc.array(fc.oneof(topicArb, fc.string({ maxLength: 130 }), fc.constant('')), { maxLength: 20 }), (names) => {
        for (const name of names) {
          const fresh = /^[%|a-zA-Z0-9_-]+$/.test(name) && name.length <= TOPIC_MAX_LENGTH;
          expect(validateTopicName(name) === undefined).toBe(fresh);
          expect(validateTopicName(name) === undefined).toBe(fresh);
        }
      }),
    );
    expect(validateTopicName('abc')).toBeUndefined();
    expect(validateTopicName('ab ')).toEqual(expect.any(String));
    expect(validateTopicName('')).toEqual(expect.any(String));
  });

  it('refuses an empty name as the first check of a process too (nothing remembered yet)', () => {
    jest.isolateModules(() => {
      const fresh = require('./topic') as typeof import('./topic');
      expect(fresh.validateTopicName('')).toEqual(expect.any(String));
    });
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
