// Shared test data for the remoting frame codec: fast-check arbitraries for commands and a helper
// that frames raw header bytes by hand (so bad-input tests don't depend on the encoder).
// Test-only; not part of the package's API.
import fc from 'fast-check';
import { LanguageCode } from '../src/remoting/language-code';
import type { RemotingCommand, SerializeType } from '../src/remoting/remoting-command';

/** prefix | headerWord | header | body, with the lengths computed here. */
export function rawFrame(serializeTypeByte: number, header: Buffer | string, body: Buffer = Buffer.alloc(0)): Buffer {
  const headerBytes = typeof header === 'string' ? Buffer.from(header, 'utf8') : header;
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32BE(4 + headerBytes.length + body.length, 0);
  prefix.writeUInt32BE(serializeTypeByte * 2 ** 24 + headerBytes.length, 4);
  return Buffer.concat([prefix, headerBytes, body]);
}

/** Any UTF-16 code unit, lone surrogates included: JSON.stringify escapes those, so JSON round-trips them. */
const codeUnitArb = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
/** Text with quotes, backslashes, control characters, newlines, astral characters. */
const nastyUnitArb = fc.oneof(
  fc.constantFrom('"', '\\', '\n', '\r', '\t', '\u0000', '\u0001', '\u0002', '\u2028', 'é', '中', '😀', '{', '}'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
/** Well-formed Unicode: the binary header writes UTF-8, which can't carry lone surrogates. */
const wellFormedTextArb = fc.string({ unit: nastyUnitArb, maxLength: 30 });
const anyTextArb = fc.string({ unit: fc.oneof(nastyUnitArb, codeUnitArb), maxLength: 30 });

const int32Arb = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const int16Arb = fc.integer({ min: -(2 ** 15), max: 2 ** 15 - 1 });
const flagArb = fc.oneof(fc.constantFrom(0, 1, 2, 3), int32Arb);
const bodyArb = fc.option(fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), { nil: undefined });

function commandArb(serializeType: SerializeType): fc.Arbitrary<RemotingCommand> {
  const binary = serializeType === 'ROCKETMQ';
  const text = binary ? wellFormedTextArb : anyTextArb;
  return fc
    .record({
      code: binary ? int16Arb : int32Arb,
      // JSON carries any language string; binary only the LanguageCode byte.
      language: binary ? fc.constantFrom(...Object.keys(LanguageCode)) : fc.oneof(fc.constantFrom(...Object.keys(LanguageCode)), text),
      version: binary ? int16Arb : int32Arb,
      opaque: int32Arb,
      flag: flagArb,
      // The binary header writes an empty remark as length 0, which reads back as no remark.
      remark: fc.option(binary ? wellFormedTextArb.filter((s) => s !== '') : text, { nil: undefined }),
      extFields: fc.dictionary(text, text, { maxKeys: 8, noNullPrototype: true }),
      body: bodyArb,
    })
    .map(({ remark, body, ...rest }) => ({
      ...rest,
      ...(remark !== undefined ? { remark } : {}),
      // An empty body is not on the wire: it decodes as no body.
      ...(body !== undefined && body.length > 0 ? { body } : {}),
      serializeType,
    }));
}

export const jsonCommandArb = commandArb('JSON');
export const binaryCommandArb = commandArb('ROCKETMQ');
export const anyCommandArb = fc.oneof(jsonCommandArb, binaryCommandArb);
