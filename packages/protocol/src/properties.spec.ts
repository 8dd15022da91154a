import fc from 'fast-check';
import { decodeProperties, encodeProperties, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from './properties';
import { ProtocolErrorCode } from './errors';
import { propertiesArb } from '../test/records';

describe('encodeProperties', () => {
  it('writes the Java format with no trailing separator', () => {
    expect(encodeProperties({ TAGS: 'TagA', KEYS: 'k1 k2' })).toBe('TAGS\u0001TagA\u0002KEYS\u0001k1 k2');
    expect(encodeProperties({})).toBe('');
  });

  it('skips undefined, null and empty values', () => {
    const loose = { A: 'a', B: undefined, C: null, D: '' } as unknown as Record<string, string>;
    expect(encodeProperties(loose)).toBe('A\u0001a');
  });

  it.each([
    ['a name with \\u0001', { 'A\u0001': 'v' }],
    ['a name with \\u0002', { 'A\u0002': 'v' }],
    ['a value with \\u0001', { A: 'v\u0001' }],
    ['a value with \\u0002', { A: 'v\u0002w' }],
    ['an empty name', { '': 'v' }],
    ['a non-string value', { A: 5 } as unknown as Record<string, string>],
  ])('refuses %s', (_name, props) => {
    expect(() => encodeProperties(props)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.BAD_PROPERTIES }));
  });
});

describe('decodeProperties (tolerant like Java string2messageProperties)', () => {
  it.each<[string, string, Record<string, string>]>([
    ['the Java format', 'TAGS\u0001TagA\u0002KEYS\u0001k1 k2', { TAGS: 'TagA', KEYS: 'k1 k2' }],
    ['a trailing separator (ali-ons)', 'A\u0001a\u0002', { A: 'a' }],
    ["ali-ons' TAGS=null, kept as the literal string", 'TAGS\u0001null\u0002', { TAGS: 'null' }],
    ['an empty string', '', {}],
    ['segments without a name/value separator', 'junk\u0002A\u0001a\u0002\u0002', { A: 'a' }],
    ['an empty name', '\u0001v\u0002A\u0001a', { A: 'a' }],
    ['an empty value', 'A\u0001\u0002B\u0001b', { B: 'b' }],
    ['a value holding a second \\u0001', 'A\u0001x\u0001y', { A: 'x\u0001y' }],
    ['a duplicate name (last wins)', 'A\u00011\u0002A\u00012', { A: '2' }],
    ['a __proto__ name, as data', '__proto__\u0001x', JSON.parse('{"__proto__":"x"}') as Record<string, string>],
  ])('reads %s', (_name, input, expected) => {
    const decoded = decodeProperties(input);
    expect(decoded).toEqual(expected);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });

  it('round-trips any properties without separator characters', () => {
    fc.assert(fc.property(propertiesArb, (props) => expect(decodeProperties(encodeProperties(props))).toEqual(props)));
  });

  it('never throws on arbitrary strings, separators included', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR, '\u00e9') });
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), text), (s) => void decodeProperties(s)));
  });
});
