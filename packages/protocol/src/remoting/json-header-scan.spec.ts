// The byte scanner must decide exactly like the JSON.parse reference: the same command (fields,
// extFields entries in the same order, remark present or not) or the same error (code, message,
// whether it carries the JSON.parse cause). Checked on random valid headers written the ways peers
// write them and stranger ways, on mutated ones and on random bytes; plus which headers the scanner
// takes itself, so the properties can't pass by always falling back.
import fc from 'fast-check';
import { ProtocolError } from '../errors';
import { decodeJsonHeader } from './json-header';
import { decodeJsonHeaderReference } from './json-header-reference';
import { scanJsonHeader } from './json-header-scan';
import type { RemotingCommand } from './remoting-command';

type Decode = (frame: Buffer, start: number, end: number) => RemotingCommand | undefined;

/** Everything observable about a decode, in a form toStrictEqual compares completely. */
function outcome(decode: Decode, frame: Buffer, start: number, end: number): unknown {
  try {
    const command = decode(frame, start, end);
    if (command === undefined) return 'fallback';
    const { extFields, ...rest } = command;
    return {
      fields: rest,
      keys: Object.keys(command),
      extFields: Object.entries(extFields),
      plainPrototype: Object.getPrototypeOf(extFields) === Object.prototype,
    };
  } catch (error) {
    if (!ProtocolError.is(error)) throw error;
    return { code: error.code, message: error.message, hasCause: error.cause !== undefined };
  }
}

/** Checks decodeJsonHeader against the reference with the header between unrelated bytes. */
function expectSameAsReference(header: Buffer, before: Uint8Array = new Uint8Array(0), after: Uint8Array = new Uint8Array(0)): void {
  const frame = Buffer.concat([before, header, after]);
  const start = before.length;
  const end = start + header.length;
  expect(outcome(decodeJsonHeader, frame, start, end)).toStrictEqual(outcome(decodeJsonHeaderReference, frame, start, end));
}

const scannerDecides = (text: string): boolean => {
  const bytes = Buffer.from(text, 'utf8');
  try {
    return scanJsonHeader(bytes, 0, bytes.length) !== undefined;
  } catch {
    return true; // a field-rule error: the scanner parsed the JSON and decided
  }
};

// --- Arbitraries: JSON text, written out by hand so keys repeat, order varies and escapes differ.

/** Characters that stress strings: quotes, backslashes, controls, UTF-8 of every length, lone surrogates. */
const unitArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'Z', '0', ' ', '_', '%', '/', '~', '\u007f') },
  { weight: 2, arbitrary: fc.constantFrom('"', '\\', '\n', '\t', '\u0000', '\u0001', '\u0002', '\u001f') },
  { weight: 2, arbitrary: fc.constantFrom('é', 'ß', '中', '\u2028', '😀', '\ud800', '\udfff', '\ufeff') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) },
);
const textArb = fc.string({ unit: unitArb, maxLength: 24 });

/** A JSON string literal for `value`, with some characters escaped in ways JSON.stringify doesn't. */
const stringLiteralArb = fc.oneof(
  { weight: 4, arbitrary: textArb.map((value) => JSON.stringify(value)) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.tuple(unitArb, fc.constantFrom('plain', 'u-lower', 'u-upper', 'slash')), { maxLength: 12 })
      .map((parts) =>
        [
          '"',
          ...parts.map(([unit, style]) => {
            const hex = unit.charCodeAt(0).toString(16).padStart(4, '0');
            if (style === 'u-lower') return `\\u${hex}`;
            if (style === 'u-upper') return `\\u${hex.toUpperCase()}`;
            if (style === 'slash' && unit === '/') return '\\/';
            return JSON.stringify(unit).slice(1, -1);
          }),
          '"',
        ].join(''),
      ),
  },
);

const numberLiteralArb = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map(String),
  fc.constantFrom('0', '-0', '1.0', '-1.5', '1e2', '1E+2', '2e-3', '0.000001', '1e21', '2147483648', '-2147483649', '4294967296'),
  fc.constantFrom('1795689639895', '9007199254740993', '123456789012345678901234567890', '0.1e-400', '1e400'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
);

const scalarLiteralArb = fc.oneof(
  { weight: 4, arbitrary: stringLiteralArb },
  { weight: 3, arbitrary: numberLiteralArb },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null') },
);
const nestedLiteralArb = fc.constantFrom('{}', '[]', '{"x":1}', '[1,"b",null]', '{"a":{"b":[]}}');
const valueLiteralArb = fc.oneof({ weight: 8, arbitrary: scalarLiteralArb }, { weight: 1, arbitrary: nestedLiteralArb });

/** Short keys repeat, as in real headers and to make duplicates. */
const fieldKeyLiteralArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'i', 'msgId', 'queueId', 'topic', '0', '7', '__proto__', '').map((key) => JSON.stringify(key)) },
  { weight: 2, arbitrary: stringLiteralArb },
);
const fieldValueLiteralArb = fc.oneof({ weight: 12, arbitrary: fc.oneof(stringLiteralArb, numberLiteralArb, fc.constantFrom('true', 'false')) }, { weight: 1, arbitrary: valueLiteralArb });
const extFieldsLiteralArb = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.tuple(fieldKeyLiteralArb, fieldValueLiteralArb), { maxLength: 14 }).map((entries) => `{${entries.map(([key, value]) => `${key}:${value}`).join(',')}}`) },
  { weight: 1, arbitrary: valueLiteralArb },
);

const int32LiteralArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map(String) },
  { weight: 1, arbitrary: valueLiteralArb },
);
const topLevelMemberArb = fc.oneof(
  fc.tuple(fc.constant('"code"'), int32LiteralArb),
  fc.tuple(fc.constant('"opaque"'), int32LiteralArb),
  fc.tuple(fc.constant('"version"'), int32LiteralArb),
  fc.tuple(fc.constant('"flag"'), int32LiteralArb),
  fc.tuple(fc.constant('"language"'), fc.oneof(fc.constantFrom('"JAVA"', '"GO"', '9', '99', '1.5', 'null'), valueLiteralArb)),
  fc.tuple(fc.constant('"remark"'), valueLiteralArb),
  fc.tuple(fc.constant('"extFields"'), extFieldsLiteralArb),
  fc.tuple(fc.constant('"serializeTypeCurrentRPC"'), fc.oneof(fc.constant('"JSON"'), valueLiteralArb)),
  fc.tuple(fc.oneof(fc.constantFrom('"__proto__"', '"cod\\u0065"', '"other"', '"codes"'), stringLiteralArb), valueLiteralArb),
);

/** JSON whitespace, usually none (no peer writes any). */
const spaceArb = fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', '\n', '\r\n', '\t ') });

/** A whole header: members in any order (code and opaque usually present), maybe with whitespace. */
const headerTextArb = fc
  .tuple(
    fc.array(topLevelMemberArb, { maxLength: 10 }),
    fc.option(int32LiteralArb, { nil: undefined }),
    fc.option(int32LiteralArb, { nil: undefined }),
    fc.nat(),
    // Most headers have no whitespace at all, as peers write them.
    fc.oneof({ weight: 4, arbitrary: fc.constant(['']) }, { weight: 1, arbitrary: fc.array(spaceArb, { minLength: 40, maxLength: 40 }) }),
  )
  .map(([members, code, opaque, seed, spaces]) => {
    const all = [...members];
    if (code !== undefined) all.splice(seed % (all.length + 1), 0, ['"code"', code]);
    if (opaque !== undefined) all.splice((seed >> 4) % (all.length + 1), 0, ['"opaque"', opaque]);
    const space = (k: number): string => spaces[k % spaces.length]!;
    const body = all.map(([key, value], k) => `${space(k * 3)}${key}${space(k * 3 + 1)}:${space(k * 3 + 2)}${value}`).join(',');
    return `${space(38)}{${body}${space(39)}}${space(37)}`;
  });

/** A valid header's bytes with a few bytes replaced, inserted or removed, or cut short. */
const interestingByteArb = fc.oneof(
  fc.constantFrom(...Buffer.from('"\\{}[],:.-+eE0179tfnu \n\t')),
  fc.constantFrom(0x00, 0x01, 0x1f, 0x7f, 0x80, 0xbf, 0xc3, 0xe2, 0xed, 0xf0, 0xf4, 0xff),
  fc.integer({ min: 0, max: 255 }),
);
const editArb = fc.tuple(fc.constantFrom('replace', 'insert', 'delete', 'truncate'), fc.nat(), interestingByteArb);
const mutatedHeaderArb = fc.tuple(headerTextArb, fc.array(editArb, { minLength: 1, maxLength: 4 })).map(([text, edits]) => {
  const bytes = [...Buffer.from(text, 'utf8')];
  for (const [kind, at, byte] of edits) {
    const i = bytes.length === 0 ? 0 : at % bytes.length;
    if (kind === 'replace' && bytes.length > 0) bytes[i] = byte;
    else if (kind === 'insert') bytes.splice(i, 0, byte);
    else if (kind === 'delete') bytes.splice(i, 1);
    else bytes.length = i;
  }
  return Buffer.from(bytes);
});

const surroundingArb = fc.uint8Array({ maxLength: 6 });

describe('JSON header scanner against the JSON.parse reference', () => {
  it('decodes random valid headers (any key order, escapes, UTF-8, numbers, nulls, duplicates) the same way', () => {
    let decided = 0;
    let runs = 0;
    fc.assert(
      fc.property(headerTextArb, surroundingArb, surroundingArb, (text, before, after) => {
        runs += 1;
        if (scannerDecides(text)) decided += 1;
        expectSameAsReference(Buffer.from(text, 'utf8'), before, after);
      }),
      { numRuns: 3000 },
    );
    // Not vacuous: the scanner itself decided a good share of the headers.
    expect(decided / runs).toBeGreaterThan(0.2);
  });

  it('decides mutated headers the same way, errors included', () => {
    fc.assert(
      fc.property(mutatedHeaderArb, surroundingArb, surroundingArb, (header, before, after) => {
        expectSameAsReference(header, before, after);
      }),
      { numRuns: 3000 },
    );
  });

  it('decides random bytes the same way', () => {
    const randomHeaderArb = fc.oneof(
      fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes)),
      fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.concat([Buffer.from('{"code":1,"opaque":2,"extFields":{"a":"'), bytes, Buffer.from('"}}')])),
      // ASCII only, so plain-string scanning meets raw control characters.
      fc.uint8Array({ max: 0x7f, maxLength: 30 }).map((bytes) => Buffer.concat([Buffer.from('{"code":1,"opaque":2,"extFields":{"a":"'), bytes, Buffer.from('"}}')])),
    );
    fc.assert(
      fc.property(randomHeaderArb, surroundingArb, (header, after) => {
        expectSameAsReference(header, new Uint8Array(0), after);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('JSON header scanner coverage', () => {
  const PROPERTIES = JSON.stringify('KEYS\u0001k0 kk0\u0002UNIQ_KEY\u00017F0000010001761B2B5C1F0A00000000\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002');
  it.each([
    ['ali-ons SEND_MESSAGE_V2 (numbers, booleans, properties escapes)', `{"code":310,"language":"JAVA","opaque":1,"flag":0,"version":121,"extFields":{"a":"PID_test","b":"TopicTest","c":"TBW102","d":4,"e":0,"f":0,"g":1795689639895,"h":0,"i":${PROPERTIES},"j":0,"k":false}}`],
    ['Java SEND_MESSAGE_V2 (sorted keys, string values)', `{"code":310,"extFields":{"a":"g","b":"t","d":"4","i":${PROPERTIES},"k":"false"},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":409}`],
    ['Java SEND_MESSAGE reply', '{"code":0,"extFields":{"msgId":"7F00000100002A9F0000000000000080","queueId":"1","queueOffset":"5"},"flag":1,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":409}'],
    ['a remark with escapes and UTF-8', '{"code":1,"opaque":1,"remark":"line1\\nline2 \\"q\\" é 中\\u00e9"}'],
    ['UTF-8 keys and values, decimals and exponents', '{"code":1,"opaque":1,"extFields":{"clé":"値😀","x":1.5e-7,"y":-0,"__proto__":"p"}}'],
    ['a field rule broken (the scanner throws the reference error)', '{"code":"310","opaque":1}'],
  ])('takes %s itself', (_name, text) => {
    expect(scannerDecides(text)).toBe(true);
    expectSameAsReference(Buffer.from(text, 'utf8'));
  });

  it('keeps keys apart when more keys are seen than its key cache has slots', () => {
    // 2000 distinct keys over 512 slots: some share a slot, and each decode alternates them.
    const keys = Array.from({ length: 2000 }, (_, k) => `key${k}`);
    for (const order of [keys, [...keys].reverse(), keys]) {
      const text = `{"code":1,"opaque":1,"extFields":{${order.map((key, k) => `"${key}":"${k}"`).join(',')}}}`;
      expect(scannerDecides(text)).toBe(true);
      expectSameAsReference(Buffer.from(text, 'utf8'));
    }
  });

  it.each([
    ['whitespace between tokens', '{"code": 1, "opaque": 1}'],
    ['a null extFields value', '{"code":1,"opaque":1,"extFields":{"a":null}}'],
    ['a nested extFields value', '{"code":1,"opaque":1,"extFields":{"a":{"b":1}}}'],
    ['an escaped top-level key', '{"cod\\u0065":1,"opaque":1}'],
    ['an escaped surrogate', '{"code":1,"opaque":1,"remark":"\\ud83d\\ude00"}'],
    ['invalid JSON', '{"code":1,"opaque":1,}'],
  ])('hands %s to the reference', (_name, text) => {
    expect(scannerDecides(text)).toBe(false);
    expectSameAsReference(Buffer.from(text, 'utf8'));
  });
});
