// The header writer must give exactly the UTF-8 bytes of encodeJsonHeader's JSON.stringify text,
// on its fast path and off it. (frame-codec and json-header specs check the same through whole frames.)
import fc from 'fast-check';
import { encodeJsonHeader } from './json-header';
import { jsonHeaderBound, writeJsonHeaderAt } from './json-header-writer';
import type { RemotingCommand } from './remoting-command';
import { jsonCommandArb } from '../../test/remoting';

/** The header bytes: the fast path's when the command is on it (written at an offset), else the text's. */
function headerBytes(command: RemotingCommand): Buffer {
  const bound = jsonHeaderBound(command);
  if (bound < 0) return Buffer.from(encodeJsonHeader(command), 'utf8');
  const out = Buffer.alloc(7 + bound, 0xee);
  const end = writeJsonHeaderAt(command, out, 7);
  expect(end).toBeLessThanOrEqual(out.length);
  return out.subarray(7, end);
}

function written(command: RemotingCommand): string {
  return headerBytes(command).toString('utf8');
}

function expectSameAsStringify(command: RemotingCommand): void {
  const actual = headerBytes(command);
  const expected = Buffer.from(encodeJsonHeader(command), 'utf8');
  // Jest's diff of large buffers takes seconds; their equality alone is enough there.
  if (expected.length > 10_000) expect(actual.equals(expected)).toBe(true);
  else expect(actual).toEqual(expected);
}

const base: RemotingCommand = { code: 310, language: 'JAVA', version: 409, opaque: 7, flag: 0, extFields: {}, serializeType: 'JSON' };

describe('the JSON header writer', () => {
  it('writes the bytes of the JSON.stringify text for any command', () => {
    fc.assert(fc.property(jsonCommandArb, expectSameAsStringify), { numRuns: 2000 });
  }, 30_000);

  it('escapes every ASCII control character, quote and backslash as JSON.stringify does', () => {
    const ascii = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).join('');
    expectSameAsStringify({ ...base, remark: ascii, extFields: { [ascii]: ascii } });
    expect(written({ ...base, extFields: { k: '\u0001\u001f\b\f\n\r\t"\\' } })).toContain('"k":"\\u0001\\u001f\\b\\f\\n\\r\\t\\"\\\\"');
  });

  it('writes non-ASCII text as UTF-8 and lone surrogates escaped', () => {
    expectSameAsStringify({ ...base, remark: 'é中😀', extFields: { 'ключ': '\ud800x', x: 'a\udfffb' } });
    expect(written({ ...base, extFields: { x: '\ud800' } })).toContain('"x":"\\ud800"');
  });

  it('puts integer-like keys first, in ascending order, as JSON.stringify does', () => {
    const extFields = { b: '1', 10: '2', a: '3', 2: '4' } as Record<string, string>;
    expect(written({ ...base, extFields })).toContain('"extFields":{"2":"4","10":"2","b":"1","a":"3"}');
  });

  it('writes int32 extremes and -0 like JSON.stringify', () => {
    for (const value of [0, -0, 1, 9, 10, 99, 100, -1, -10, 2 ** 31 - 1, -(2 ** 31), 1_000_000_000, -999_999_999]) {
      expectSameAsStringify({ ...base, code: value, version: value, opaque: value, flag: value });
    }
  });

  it('leaves out an undefined remark and undefined extFields values', () => {
    const extFields = { a: undefined, b: 'x', c: undefined } as unknown as Record<string, string>;
    expect(written({ ...base, extFields })).toBe(
      '{"code":310,"language":"JAVA","version":409,"opaque":7,"flag":0,"extFields":{"b":"x"},"serializeTypeCurrentRPC":"JSON"}',
    );
  });

  it('refuses the fast path for values off the declared types (the codec writes the text instead)', () => {
    const odd = [
      { ...base, extFields: { n: 5, t: true, z: null } as unknown as Record<string, string> },
      { ...base, remark: null as unknown as string },
      { ...base, language: 3 as unknown as string },
      { ...base, extFields: null as unknown as Record<string, string> },
      { ...base, extFields: ['a'] as unknown as Record<string, string> },
      { ...base, extFields: new Map([['a', 'b']]) as unknown as Record<string, string> },
      { ...base, extFields: Object.assign(Object.create({ inherited: 'no' }) as object, { own: 'yes' }) as Record<string, string> },
    ];
    for (const command of odd) expect(jsonHeaderBound(command)).toBe(-1);
  });

  it('leaves out undefined extFields, as JSON.stringify does', () => {
    expectSameAsStringify({ ...base, extFields: undefined as unknown as Record<string, string> });
  });

  it('takes a null-prototype extFields on the fast path', () => {
    const extFields = Object.assign(Object.create(null) as Record<string, string>, { a: '1', b: '"' });
    expect(jsonHeaderBound({ ...base, extFields })).toBeGreaterThan(0);
    expectSameAsStringify({ ...base, extFields });
  });

  it('stays within its bound when every character takes its longest form', () => {
    const worst = '\u0001'.repeat(1000) + '\ud800'.repeat(1000) + '中'.repeat(1000);
    expectSameAsStringify({ ...base, language: worst, remark: worst, extFields: { [worst]: worst, '': '' }, code: -(2 ** 31) });
  });
});
