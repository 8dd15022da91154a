// The binary header's fast paths (short strings by a loop, long ones by one native call, ASCII cut
// from a Latin-1 string, keys from a cache) against a plain reference written from the layout in
// reference §1.4 with Buffer.from / toString: same bytes out, same strings in, for strings on both
// sides of the loop/native threshold, non-ASCII text, lone surrogates and invalid UTF-8.
import fc from 'fast-check';
import { binaryHeaderBound, decodeBinaryHeader, rawExtFieldsOf, writeBinaryHeaderAt } from './binary-header';
import { languageCodeOf } from './language-code';
import type { RemotingCommand } from './remoting-command';

/** Reference §1.4, written plainly. */
function referenceHeader(command: RemotingCommand): Buffer {
  const parts: Buffer[] = [];
  const fixed = Buffer.alloc(13);
  fixed.writeInt16BE(command.code, 0);
  fixed.writeUInt8(languageCodeOf(command.language), 2);
  fixed.writeInt16BE(command.version, 3);
  fixed.writeInt32BE(command.opaque, 5);
  fixed.writeInt32BE(command.flag, 9);
  parts.push(fixed, lengthPrefixed(command.remark ? Buffer.from(command.remark, 'utf8') : Buffer.alloc(0), 4));
  const map: Buffer[] = [];
  for (const [key, value] of Object.entries(command.extFields)) {
    map.push(lengthPrefixed(Buffer.from(key, 'utf8'), 2), lengthPrefixed(Buffer.from(value, 'utf8'), 4));
  }
  parts.push(lengthPrefixed(Buffer.concat(map), 4));
  return Buffer.concat(parts);
}

function lengthPrefixed(bytes: Buffer, lengthSize: 2 | 4): Buffer {
  const prefix = Buffer.alloc(lengthSize);
  if (lengthSize === 2) prefix.writeInt16BE(bytes.length, 0);
  else prefix.writeInt32BE(bytes.length, 0);
  return Buffer.concat([prefix, bytes]);
}

const unitArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'Z', '0', '_', '"', '\\', '\u0001', '\u0002', ' ') },
  { weight: 1, arbitrary: fc.constantFrom('é', '中', '😀', '\u007f', '\u0080', '\ud800', '\udfff') },
);
/** Lengths on both sides of the 32-character threshold; lone surrogates included (UTF-8 writes U+FFFD). */
const textArb = fc.string({ unit: unitArb, maxLength: 80 });

function command(remark: string | undefined, extFields: Record<string, string>): RemotingCommand {
  return { code: 310, language: 'JAVA', version: 409, opaque: -7, flag: 1, extFields, serializeType: 'ROCKETMQ', ...(remark ? { remark } : {}) };
}

describe('binary header fast paths', () => {
  it('writes the bytes of the reference layout, within the bound', () => {
    fc.assert(
      fc.property(fc.option(textArb, { nil: undefined }), fc.dictionary(textArb, textArb, { maxKeys: 6, noNullPrototype: true }), fc.nat({ max: 7 }), (remark, fields, offset) => {
        const input = command(remark, fields);
        const bound = binaryHeaderBound(input);
        const out = Buffer.alloc(offset + bound);
        const end = writeBinaryHeaderAt(input, out, offset);
        expect(end - offset).toBeLessThanOrEqual(bound);
        expect(out.subarray(offset, end)).toEqual(referenceHeader(input));
      }),
    );
  });

  it('reads any bytes as Buffer#toString("utf8") reads them (invalid UTF-8 included)', () => {
    const bytesArb = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.uint8Array({ maxLength: 80 }).map((bytes) => bytes.map((b) => b & 0x7f)),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(bytesArb, bytesArb), { maxLength: 6 }), (entries) => {
        const map = Buffer.concat(entries.flatMap(([key, value]) => [lengthPrefixed(Buffer.from(key), 2), lengthPrefixed(Buffer.from(value), 4)]));
        const header = Buffer.concat([referenceHeader(command(undefined, {})).subarray(0, 17), lengthPrefixed(map, 4)]);
        const framed = Buffer.concat([Buffer.from('xx'), header, Buffer.from('yy')]);
        const expected: Record<string, string> = {};
        for (const [key, value] of entries) {
          const name = Buffer.from(key).toString('utf8');
          if (name === '__proto__') Object.defineProperty(expected, name, { value: Buffer.from(value).toString('utf8'), enumerable: true, writable: true, configurable: true });
          else expected[name] = Buffer.from(value).toString('utf8');
        }
        expect(decodeBinaryHeader(framed, 2, 2 + header.length).extFields).toEqual(expected);
      }),
    );
  });

  it('round-trips well-formed text on both sides of the threshold, twice (the second time keys come from the cache)', () => {
    const long = 'TAGS\u0001TagA\u0002KEYS\u0001order-1 user-9\u0002UNIQ_KEY\u00017F0000010001\u0002color\u0001rouge é';
    const input = command('a remark longer than thirty-two characters, with ü', { a: 'group', i: long, queueOffset: '123456', 中: '😀' });
    const out = Buffer.alloc(binaryHeaderBound(input));
    const end = writeBinaryHeaderAt(input, out, 0);
    expect(decodeBinaryHeader(out, 0, end)).toEqual(input);
    expect(decodeBinaryHeader(out, 0, end)).toEqual(input);
  });
});

/** A RemotingCommand's fields as a plain object (a lazy command's extFields is an accessor). */
function plain(decoded: RemotingCommand): RemotingCommand {
  const { code, language, version, opaque, flag, remark, extFields, body, serializeType } = decoded;
  return { code, language, version, opaque, flag, remark, extFields, body, serializeType };
}

describe('binary header, lazy extFields', () => {
  const input = command('why', { a: 'group', b: 'Topic', i: 'TAGS\u0001TagA\u0002', 中: '😀' });
  const header = Buffer.alloc(binaryHeaderBound(input));
  const end = writeBinaryHeaderAt(input, header, 0);

  it('decodes to what the eager decode gives, extFields built on first read', () => {
    const lazy = decodeBinaryHeader(header, 0, end, true);
    expect(rawExtFieldsOf(lazy)).toBeDefined();
    expect(plain(lazy)).toEqual(plain(decodeBinaryHeader(header, 0, end)));
    expect(lazy.extFields).toBe(lazy.extFields);
    // Read once, the bytes are no longer offered: the object is what callers see (and may change).
    expect(rawExtFieldsOf(lazy)).toBeUndefined();
  });

  it('offers the bytes of the extFields block: every entry, nothing else', () => {
    const raw = rawExtFieldsOf(decodeBinaryHeader(header, 0, end, true))!;
    const expected = referenceHeader(input);
    // The block is the reference header's last bytes, after its int32 length.
    expect(raw.rawBuffer.subarray(raw.rawStart, raw.rawEnd)).toEqual(expected.subarray(expected.length - (raw.rawEnd - raw.rawStart)));
    expect(raw.rawEnd).toBe(end);
  });

  it('lets go of the frame once extFields are read (a held request must not keep its read chunk alive)', () => {
    const lazy = decodeBinaryHeader(header, 0, end, true);
    const holdsFrame = (command: RemotingCommand): boolean => Object.values(command).some((value) => value === header);
    expect(holdsFrame(lazy)).toBe(true);
    void lazy.extFields;
    expect(holdsFrame(lazy)).toBe(false);
    expect(lazy.extFields).toEqual(decodeBinaryHeader(header, 0, end).extFields);
  });

  it('takes assigned extFields instead of decoding them', () => {
    const lazy = decodeBinaryHeader(header, 0, end, true);
    lazy.extFields = { x: 'y' };
    expect(lazy.extFields).toEqual({ x: 'y' });
    expect(rawExtFieldsOf(lazy)).toBeUndefined();
  });

  it('offers no bytes for an eagerly decoded command or a plain object', () => {
    expect(rawExtFieldsOf(decodeBinaryHeader(header, 0, end))).toBeUndefined();
    expect(rawExtFieldsOf(input)).toBeUndefined();
  });

  it('refuses every malformed header the eager decode refuses, with the same error (fuzz)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: end - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat({ max: end }), (edits, cut) => {
        const bytes = Buffer.from(header.subarray(0, end));
        for (const [at, value] of edits) bytes[at] = value;
        const outcome = (lazy: boolean): unknown => {
          try {
            return plain(decodeBinaryHeader(bytes, 0, Math.max(cut, 0) || end, lazy));
          } catch (error) {
            return (error as Error).message;
          }
        };
        expect(outcome(true)).toEqual(outcome(false));
      }),
    );
  });
});
