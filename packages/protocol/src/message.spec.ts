import { keysOf, messageToProperties, userPropertiesOf, type Message } from './message';
import { KEY_SEPARATOR, MessageConst, SYSTEM_PROPERTY_KEYS } from './message-const';
import { decodeProperties, encodeProperties } from './properties';
import { ProtocolErrorCode } from './errors';

const base: Message = { topic: 'TopicTest', body: Buffer.from('Hello') };

describe('MessageConst and SYSTEM_PROPERTY_KEYS', () => {
  it('reserves every system name but CONTENT_TYPE', () => {
    expect(KEY_SEPARATOR).toBe(' ');
    expect(SYSTEM_PROPERTY_KEYS.has('TAGS')).toBe(true);
    expect(SYSTEM_PROPERTY_KEYS.has('__SHARDINGKEY')).toBe(true);
    expect(SYSTEM_PROPERTY_KEYS.has('__SHARDING_KEY')).toBe(true);
    expect(SYSTEM_PROPERTY_KEYS.has(MessageConst.CONTENT_TYPE)).toBe(false);
    expect(SYSTEM_PROPERTY_KEYS.size).toBe(Object.keys(MessageConst).length - 1);
  });
});

describe('messageToProperties', () => {
  it('maps the well-known fields to system properties and keeps user properties', () => {
    const msg: Message = {
      ...base,
      tags: 'TagA',
      keys: ['k1', 'k2'],
      delayTimeLevel: 3,
      shardingKey: 'order-1',
      properties: { color: 'red', [MessageConst.CONTENT_TYPE]: 'application/json' },
    };
    expect(messageToProperties(msg)).toEqual({
      TAGS: 'TagA',
      KEYS: 'k1 k2',
      DELAY: '3',
      __SHARDINGKEY: 'order-1',
      color: 'red',
      CONTENT_TYPE: 'application/json',
    });
  });

  it('leaves out empty and zero fields', () => {
    expect(messageToProperties({ ...base, tags: '', keys: ['', ''], delayTimeLevel: 0, shardingKey: '' })).toEqual({});
    expect(messageToProperties({ ...base, keys: ['', 'k'] })).toEqual({ KEYS: 'k' });
  });

  it.each([
    ['a user property with a system name', { properties: { TAGS: 'x' } }],
    ['a user property named like the ali-ons sharding key', { properties: { __SHARDING_KEY: 'x' } }],
    ['a key containing a space', { keys: ['a b'] }],
    ['a negative delay level', { delayTimeLevel: -1 }],
    ['a fractional delay level', { delayTimeLevel: 1.5 }],
  ])('refuses %s with BAD_PROPERTIES', (_name, patch) => {
    expect(() => messageToProperties({ ...base, ...patch })).toThrow(expect.objectContaining({ code: ProtocolErrorCode.BAD_PROPERTIES }));
  });

  it('keeps a __proto__ user property as data', () => {
    const props = messageToProperties({ ...base, properties: JSON.parse('{"__proto__":"x"}') as Record<string, string> });
    expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
    expect(Object.keys(props)).toEqual(['__proto__']);
  });

  it('survives encodeProperties and decodeProperties', () => {
    const props = messageToProperties({ ...base, tags: 'TagA', keys: ['k1'], properties: { a: '1' } });
    expect(decodeProperties(encodeProperties(props))).toEqual(props);
  });
});

describe('keysOf and userPropertiesOf', () => {
  it('splits KEYS on spaces and drops empties', () => {
    expect(keysOf({ KEYS: 'k1 k2' })).toEqual(['k1', 'k2']);
    expect(keysOf({ KEYS: ' k1  k2 ' })).toEqual(['k1', 'k2']);
    expect(keysOf({ TAGS: 'x' })).toEqual([]);
    expect(keysOf({ KEYS: 'only' })).toEqual(['only']);
    expect(keysOf({ KEYS: '' })).toEqual([]);
    expect(keysOf({ KEYS: ' ' })).toEqual([]);
  });

  it('leaves out the one extra name it is told to, without deleting it afterwards', () => {
    const user = userPropertiesOf({ TAGS: 'a', color: 'red', CRC: '1', size: 'L' }, 'CRC');
    expect(user).toEqual({ color: 'red', size: 'L' });
    expect(Object.keys(user)).toEqual(['color', 'size']);
  });

  it('keeps only the non-system properties', () => {
    expect(userPropertiesOf({ TAGS: 'a', KEYS: 'k', REAL_TOPIC: 't', color: 'red', CONTENT_TYPE: 'text/plain' })).toEqual({
      color: 'red',
      CONTENT_TYPE: 'text/plain',
    });
  });

  it('gives messages without user properties one shared frozen empty object', () => {
    const none = userPropertiesOf({ TAGS: 'a', KEYS: 'k', UNIQ_KEY: 'u' });
    expect(none).toEqual({});
    expect(Object.isFrozen(none)).toBe(true);
    expect(userPropertiesOf({ CRC: '1' }, 'CRC')).toBe(none);
    expect(userPropertiesOf({})).toBe(none);
    // One with user properties gets an object of its own.
    expect(Object.isFrozen(userPropertiesOf({ color: 'red' }))).toBe(false);
  });
});
