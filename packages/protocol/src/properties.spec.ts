import fc from 'fast-check';
import { decodeProperties, encodeProperties, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR, propertyValue } from './properties';
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

describe('propertyValue (one property, without decoding the rest)', () => {
  it.each<[string, string, string, string | undefined]>([
    ['a property in the middle', 'TAGS\u0001TagA\u0002UNIQ_KEY\u0001AB12\u0002KEYS\u0001k1', 'UNIQ_KEY', 'AB12'],
    ['a missing property', 'TAGS\u0001TagA', 'KEYS', undefined],
    ['a name that only ends like the wanted one', 'XKEYS\u0001a\u0002KEYSX\u0001b', 'KEYS', undefined],
    ['the name inside a value', 'A\u0001x\u0001KEYS\u0001k', 'KEYS', undefined],
    ['a duplicate name (last wins)', 'KEYS\u00011\u0002KEYS\u00012\u0002', 'KEYS', '2'],
    ['a later empty duplicate (skipped, as decodeProperties skips it)', 'KEYS\u00011\u0002KEYS\u0001', 'KEYS', '1'],
    ['a value holding a second \\u0001', 'KEYS\u0001x\u0001y', 'KEYS', 'x\u0001y'],
  ])('reads %s', (_name, input, name, expected) => {
    expect(propertyValue(input, name)).toBe(expected);
  });

  it('gives what decodeProperties gives, for any string and name', () => {
    const unit = fc.constantFrom('K', 'E', 'Y', 'S', 'a', NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR);
    const name = fc.constantFrom('KEYS', 'K', 'KE', 'EY', 'UNIQ_KEY', 'a');
    // Segments made of the wanted names, separators and noise, so that matches, near misses,
    // duplicates and empty values all come up often.
    const segment = fc
      .tuple(fc.oneof(name, fc.string({ unit })), fc.constantFrom('', NAME_VALUE_SEPARATOR), fc.string({ unit, maxLength: 4 }))
      .map(([n, separator, value]) => n + separator + value);
    const text = fc.oneof(
      fc.string({ unit }),
      fc.array(segment, { maxLength: 6 }).map((segments) => segments.join(PROPERTY_SEPARATOR)),
      propertiesArb.map((props) => encodeProperties(props)),
    );
    fc.assert(
      fc.property(text, name, (s, wanted) => {
        expect(propertyValue(s, wanted)).toBe(decodeProperties(s)[wanted]);
      }),
      { numRuns: 2000 },
    );
  });
});
