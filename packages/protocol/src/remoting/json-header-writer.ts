// Writes the JSON header (./json-header) as UTF-8 bytes without building its text first: the same
// bytes as Buffer.from(encodeJsonHeader(command), 'utf8'), for every command (the spec checks it
// with a property test against JSON.stringify).
//
// Why: encodeJsonHeader was the largest single cost of a remoting round trip on both sides (15% of
// the client's and 11% of the server's CPU in bench:remoting at 64 in flight): JSON.stringify builds
// a string, Buffer.byteLength measures it and Buffer#write copies it. Header text is almost all
// ASCII, which a JavaScript loop copies into a Buffer faster than those three calls.
//
// The fast path writes strings character by character and escapes them as JSON.stringify does
// (\" \\ \b \f \n \r \t, other control characters as lowercase \u00XX); a string with any character
// >= 0x80 is written as JSON.stringify(string) in UTF-8 (that also escapes lone surrogates the way
// JSON.stringify does). A command whose fields aren't what RemotingCommand declares (a non-string
// extFields value, a null remark, ...) is written from encodeJsonHeader's text, so the output never
// differs from the reference.
//
// The frame codec writes the header straight into the frame's place: it asks jsonHeaderBound for
// room (a bound, so the header is never measured before it is written) and writes the length after.
import * as headerBytes from './header-bytes';
import type { RemotingCommand } from './remoting-command';

// Bound once at load: under CommonJS every use of an imported name is a getter call (see frame-codec).
// writeDecimal writes a JSON integer as JSON.stringify writes an int32 (no sign for 0 and -0).
const { writeDecimal } = headerBytes;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DIGIT_0 = 0x30;
const LOWER_U = 0x75;

/** For each ASCII code: 0 copied as is, -1 escaped as \u00XX, else the letter after the backslash. */
const ESCAPE = new Int8Array(128).map((_, c) => {
  if (c === QUOTE || c === BACKSLASH) return c;
  if (c >= 0x20) return 0;
  const short = { 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0c: 'f', 0x0d: 'r' }[c];
  return short === undefined ? -1 : short.charCodeAt(0);
});
const HEX = Buffer.from('0123456789abcdef', 'latin1');

// Constant pieces, in the order encodeJsonHeader's literal gives the keys.
const CODE = Buffer.from('{"code":', 'latin1');
const LANGUAGE = Buffer.from(',"language":', 'latin1');
const VERSION = Buffer.from(',"version":', 'latin1');
const OPAQUE = Buffer.from(',"opaque":', 'latin1');
const FLAG = Buffer.from(',"flag":', 'latin1');
const REMARK = Buffer.from(',"remark":', 'latin1');
const EXT_FIELDS = Buffer.from(',"extFields":{', 'latin1');
const TAIL = Buffer.from(',"serializeTypeCurrentRPC":"JSON"}', 'latin1');
/**
 * Everything but the strings' characters: the pieces above, extFields' closing brace, the quotes of
 * language and remark, 11 bytes per number (-2147483648).
 */
const FIXED_BYTES = CODE.length + LANGUAGE.length + VERSION.length + OPAQUE.length + FLAG.length + REMARK.length + EXT_FIELDS.length + 1 + TAIL.length + 4 + 4 * 11;
/** Per extFields entry: two pairs of quotes, a colon, a comma. */
const ENTRY_BYTES = 6;
/** The most bytes one UTF-16 unit can take once escaped (\u001f) or encoded (3 bytes in UTF-8). */
const MAX_BYTES_PER_UNIT = 6;

/**
 * How many bytes writeJsonHeaderAt may need for `command` (an upper bound: every character counted
 * at its longest escape), or -1 when the command is off the fast path and the caller must write
 * encodeJsonHeader's text instead. The integers must already be checked to be int32.
 */
export function jsonHeaderBound(command: RemotingCommand): number {
  if (typeof command.language !== 'string') return -1;
  let units = command.language.length;
  const remark = command.remark;
  if (remark !== undefined) {
    if (typeof remark !== 'string') return -1;
    units += remark.length;
  }
  let bytes = FIXED_BYTES;
  const fields = command.extFields;
  if (fields !== undefined) {
    if (typeof fields !== 'object' || fields === null || !isPlainObject(fields)) return -1;
    for (const key in fields) {
      const value = fields[key];
      if (typeof value === 'string') units += key.length + value.length;
      else if (value !== undefined) return -1;
      else units += key.length;
      bytes += ENTRY_BYTES;
    }
  }
  return bytes + units * MAX_BYTES_PER_UNIT;
}

/**
 * Writes the header at `out[start]` and returns the offset after it. `out` must have
 * jsonHeaderBound(command) bytes from `start`, and that bound must not be -1. Offsets are threaded
 * through locals rather than module variables: V8 keeps locals in registers.
 */
export function writeJsonHeaderAt(command: RemotingCommand, out: Buffer, start: number): number {
  let pos = writeConstant(out, start, CODE);
  pos = writeDecimal(out, pos, command.code);
  pos = writeConstant(out, pos, LANGUAGE);
  pos = writeString(out, pos, command.language);
  pos = writeConstant(out, pos, VERSION);
  pos = writeDecimal(out, pos, command.version);
  pos = writeConstant(out, pos, OPAQUE);
  pos = writeDecimal(out, pos, command.opaque);
  pos = writeConstant(out, pos, FLAG);
  pos = writeDecimal(out, pos, command.flag);
  if (command.remark !== undefined) {
    pos = writeConstant(out, pos, REMARK);
    pos = writeString(out, pos, command.remark);
  }
  const fields = command.extFields;
  if (fields !== undefined) {
    pos = writeConstant(out, pos, EXT_FIELDS);
    let first = true;
    for (const key in fields) {
      // for-in gives Object.keys' order (integer-like keys first), which JSON.stringify follows;
      // jsonHeaderBound made sure there are no inherited enumerable keys and only string values.
      const value = fields[key];
      if (value === undefined) continue; // JSON.stringify leaves the entry out
      if (!first) out[pos++] = 0x2c;
      first = false;
      pos = writeString(out, pos, key);
      out[pos++] = 0x3a;
      pos = writeString(out, pos, value);
    }
    out[pos++] = 0x7d;
  }
  return writeConstant(out, pos, TAIL);
}

/**
 * A literal or a null-prototype object: for-in then walks exactly its own keys (unless someone made
 * a property of Object.prototype enumerable, which nothing here does), so no Object.keys array.
 */
function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function writeConstant(out: Buffer, pos: number, bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i += 1) out[pos + i] = bytes[i]!;
  return pos + bytes.length;
}

/** A JSON string literal, escaped as JSON.stringify escapes it. */
function writeString(out: Buffer, start: number, value: string): number {
  let pos = start;
  out[pos++] = QUOTE;
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) {
      // Non-ASCII: JSON.stringify's text in UTF-8 (lone surrogates come out escaped).
      return start + out.write(JSON.stringify(value), start, 'utf8');
    }
    const escape = ESCAPE[c]!;
    if (escape === 0) {
      out[pos++] = c;
    } else if (escape > 0) {
      out[pos++] = BACKSLASH;
      out[pos++] = escape;
    } else {
      out[pos++] = BACKSLASH;
      out[pos++] = LOWER_U;
      out[pos++] = DIGIT_0;
      out[pos++] = DIGIT_0;
      out[pos++] = HEX[c >> 4]!;
      out[pos++] = HEX[c & 0xf]!;
    }
  }
  out[pos++] = QUOTE;
  return pos;
}
