import fc from 'fast-check';
import { NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR, decodeProperties, encodeProperties } from './properties';
import { PropertyPicker } from './property-picker';
import { propertiesArb } from '../test/records';

const NAMES = ['TAGS', 'KEYS', 'UNIQ_KEY', 'DELAY', 'A', 'AB', 'X_Y'];

/** What decodeProperties says the picked names hold. */
function expected(bytes: Buffer, names: readonly string[]): (string | undefined)[] {
  const all = decodeProperties(bytes.toString('utf8'));
  return names.map((name) => (Object.prototype.hasOwnProperty.call(all, name) ? all[name] : undefined));
}

function picked(picker: PropertyPicker, bytes: Buffer, start = 0, end = bytes.length): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  picker.pick(bytes, start, end, out);
  return out;
}

describe('PropertyPicker', () => {
  const picker = new PropertyPicker(NAMES);

  it('reads the named values and leaves the others undefined', () => {
    const bytes = Buffer.from(encodeProperties({ TAGS: 'TagA', WAIT: 'true', UNIQ_KEY: 'C0A8', KEYS: 'k1 k2' }));
    expect(picked(picker, bytes)).toEqual(['TagA', 'k1 k2', 'C0A8', undefined, undefined, undefined, undefined]);
  });

  it('reads only [start, end) of a larger buffer', () => {
    const inner = Buffer.from('TAGS\u0001x\u0002A\u00011');
    const bytes = Buffer.concat([Buffer.from('A\u0001outside\u0002'), inner, Buffer.from('\u0002KEYS\u0001outside')]);
    expect(picked(picker, bytes, 10, 10 + inner.length)).toEqual(['x', undefined, undefined, undefined, '1', undefined, undefined]);
  });

  it('clears what an earlier pick left in the output array', () => {
    const out: (string | undefined)[] = [];
    picker.pick(Buffer.from('TAGS\u0001a'), 0, 6, out);
    picker.pick(Buffer.from('KEYS\u0001b'), 0, 6, out);
    expect(out).toEqual([undefined, 'b', undefined, undefined, undefined, undefined, undefined]);
  });

  it.each<[string, string]>([
    ['a trailing separator (ali-ons)', 'TAGS\u0001a\u0002'],
    ['segments without a name/value separator', 'junk\u0002TAGS\u0001a\u0002\u0002'],
    ['an empty name', '\u0001v\u0002A\u0001a'],
    ['an empty value', 'A\u0001\u0002KEYS\u0001b'],
    ['a value holding a second \\u0001', 'A\u0001x\u0001y'],
    ['a duplicate name (last wins)', 'A\u00011\u0002A\u00012'],
    ['a name that only starts like a picked one', 'TAGSX\u00011\u0002TAG\u00012\u0002AB\u00013'],
    ['non-ASCII values', 'TAGS\u0001caf\u00e9\u0002KEYS\u0001\u{1F600} k'],
    ['a non-ASCII name beside picked ones', '\u00e9\u0001v\u0002A\u0001a'],
  ])('reads %s as decodeProperties does', (_name, text) => {
    const bytes = Buffer.from(text, 'utf8');
    expect(picked(picker, bytes)).toEqual(expected(bytes, NAMES));
  });

  it('agrees with decodeProperties on encoded properties', () => {
    fc.assert(
      fc.property(propertiesArb, fc.subarray(NAMES), (props, present) => {
        const all = { ...props };
        for (const name of present) all[name] = `v-${name}`;
        const bytes = Buffer.from(encodeProperties(all), 'utf8');
        expect(picked(picker, bytes)).toEqual(expected(bytes, NAMES));
      }),
    );
  });

  it('agrees with decodeProperties on arbitrary bytes, invalid UTF-8 and stray separators included', () => {
    const piece = fc.oneof(
      fc.constantFrom(...NAMES, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR, 'v', '\u00e9', '\u{1F600}').map((s) => Buffer.from(s, 'utf8')),
      fc.uint8Array({ maxLength: 4 }).map((bytes) => Buffer.from(bytes)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), fc.nat(3), fc.nat(3), (pieces, cutStart, cutEnd) => {
        const bytes = Buffer.concat(pieces);
        const start = Math.min(cutStart, bytes.length);
        const end = Math.max(start, bytes.length - cutEnd);
        expect(picked(picker, bytes, start, end)).toEqual(expected(bytes.subarray(start, end), NAMES));
      }),
      { numRuns: 2000 },
    );
  });

  it.each<[string, string[]]>([
    ['an empty name', ['']],
    ['a name with a separator', ['A\u0001B']],
    ['a non-ASCII name', ['\u00e9']],
    ['a name twice', ['A', 'A']],
  ])('refuses %s', (_name, names) => {
    expect(() => new PropertyPicker(names)).toThrow(/property name/);
  });
});

/** pickText's value for one name. */
function pickedText(text: string, name: string): string | undefined {
  const out: (string | undefined)[] = [];
  new PropertyPicker([name]).pickText(text, out);
  return out[0];
}

describe('PropertyPicker.pickText (properties already decoded to a string)', () => {
  it.each<[string, string, string, string | undefined]>([
    ['a property in the middle', 'TAGS\u0001TagA\u0002UNIQ_KEY\u0001AB12\u0002KEYS\u0001k1', 'UNIQ_KEY', 'AB12'],
    ['a missing property', 'TAGS\u0001TagA', 'KEYS', undefined],
    ['a name that only ends like the wanted one', 'XKEYS\u0001a\u0002KEYSX\u0001b', 'KEYS', undefined],
    ['the name inside a value', 'A\u0001x\u0001KEYS\u0001k', 'KEYS', undefined],
    ['a duplicate name (last wins)', 'KEYS\u00011\u0002KEYS\u00012\u0002', 'KEYS', '2'],
    ['a later empty duplicate (skipped, as decodeProperties skips it)', 'KEYS\u00011\u0002KEYS\u0001', 'KEYS', '1'],
    ['a value holding a second \\u0001', 'KEYS\u0001x\u0001y', 'KEYS', 'x\u0001y'],
  ])('reads %s', (_name, input, name, expected) => {
    expect(pickedText(input, name)).toBe(expected);
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
        expect(pickedText(s, wanted)).toBe(decodeProperties(s)[wanted]);
      }),
      { numRuns: 2000 },
    );
  });
});
