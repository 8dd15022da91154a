// A scanner for the JSON headers peers actually send, cheaper than JSON.parse plus normalisation
// (11.7% of broker CPU under SEND_MESSAGE_V2 load) because it builds the RemotingCommand directly.
//
// It accepts a subset of JSON and returns undefined for everything else, so the caller falls back
// to the reference decoder (./json-header-reference) and behaviour stays identical on every input:
//   - an object without whitespace between tokens (fastjson, JSON.stringify and Go's encoder write
//     none) whose top-level values are strings, numbers, true/false/null, or (for extFields only)
//     an object; any key order; duplicate keys (the last wins, as in JSON.parse);
//   - extFields values that are strings, numbers or true/false (null, objects, arrays: fallback);
//   - strings with any escape but \u escapes of surrogates, and with UTF-8 text;
//   - top-level keys in plain ASCII (an escaped or non-ASCII key: fallback).
// Everything it accepts is valid JSON, and it yields the values JSON.parse would, which then go
// through the same rules (./json-header-values) as in the reference, errors included.
//
// The header is read once into a Latin-1 string, one character per byte, and plain ASCII strings
// are cut out of it with String#slice (a V8 builtin, unlike Buffer slicing). Strings with an
// escape or a byte >= 0x80 are decoded from the bytes: a UTF-8 decoder only joins bytes >= 0x80,
// and every delimiter and escape is ASCII, so decoding a string's bytes on their own gives what
// decoding the whole header does, malformed sequences included (U+FFFD each).
//
// The readers return the offset after what they read, or -1 when the input is off the fast path,
// and leave the value in a module variable: nothing is allocated but the strings, the extFields
// object and the command. Offsets may run past `end` on malformed input; the final check that the
// object closes exactly at end - 1 sends every such header to the reference.
import * as slices from './buffer-slices';
import type { SlicingBuffer } from './buffer-slices';
import type { RemotingCommand } from './remoting-command';
import * as keys from './json-header-scan-keys';
import * as values from './json-header-values';

// Bound once at load: under CommonJS every use of an imported name is a getter call (see frame-codec).
const { extFieldsScalarValue, int32Value, languageValue, remarkValue, toJavaString } = values;
const { Key, cachedKey, knownKey } = keys;
/** Without Buffer's slicers every header goes to the reference. */
const { CAN_SLICE } = slices;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_T = 0x74;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_U = 0x75;

/** 1 for the bytes that end a plain string: the quote, a backslash, a control byte, a byte >= 0x80. */
const STRING_STOP = new Uint8Array(256).map((_, b) => (b === QUOTE || b === BACKSLASH || b < 0x20 || b >= 0x80 ? 1 : 0));

/**
 * Digits of an integer literal that a double holds exactly whatever they are (< 2^53), so the
 * scanner adds them up itself instead of cutting the text out for Number().
 */
const EXACT_DIGITS = 15;

/**
 * An escaped string's bytes are unescaped here, then decoded with one slice. Longer escaped strings
 * take the fallback; in practice only message properties are escaped (\u0001 and \u0002
 * separators), and they are a few hundred bytes.
 */
const SCRATCH_SIZE = 16 * 1024;
const scratch = Buffer.allocUnsafeSlow(SCRATCH_SIZE) as SlicingBuffer;

// The readers' results (see the header comment).
let scannedString = '';
let scannedNumber = 0;
let scannedScalar: string | number | boolean | null = null;
let scannedFields: Record<string, string> = {};
let keyHash = 0;

/** The command for the header in `frame[start, end)`, or undefined when the reference decoder must decide. */
export function scanJsonHeader(frame: Buffer, start: number, end: number): RemotingCommand | undefined {
  const buf = frame as SlicingBuffer;
  if (!CAN_SLICE || end - start < 2 || buf[start] !== OPEN_BRACE || buf[end - 1] !== CLOSE_BRACE) return undefined;
  const text = buf.latin1Slice(start, end);
  // The raw top-level values, as JSON.parse would give them; undefined when absent.
  let code: unknown;
  let language: unknown;
  let version: unknown;
  let opaque: unknown;
  let flag: unknown;
  let remark: unknown;
  let extFieldsScalar: unknown;
  /** Normalised already when extFields was an object; otherwise extFieldsScalar is used. */
  let extFields: Record<string, string> | undefined;
  let p = start + 1;
  if (buf[p] !== CLOSE_BRACE) {
    for (;;) {
      if (buf[p] !== QUOTE) return undefined;
      const keyEnd = plainKeyEnd(buf, p + 1, end);
      if (keyEnd < 0) return undefined;
      const key = knownKey(buf, p + 1, keyEnd - p - 1, keyHash);
      p = keyEnd + 1;
      if (buf[p] !== COLON) return undefined;
      p += 1;
      if (key === Key.EXT_FIELDS && buf[p] === OPEN_BRACE) {
        p = readFields(buf, text, start, p, end);
        if (p < 0) return undefined;
        extFields = scannedFields;
        extFieldsScalar = undefined;
      } else {
        p = readScalar(buf, text, start, p, end);
        if (p < 0) return undefined;
        const value = scannedScalar;
        switch (key) {
          case Key.CODE:
            code = value;
            break;
          case Key.LANGUAGE:
            language = value;
            break;
          case Key.VERSION:
            version = value;
            break;
          case Key.OPAQUE:
            opaque = value;
            break;
          case Key.FLAG:
            flag = value;
            break;
          case Key.REMARK:
            remark = value;
            break;
          case Key.EXT_FIELDS:
            extFields = undefined;
            extFieldsScalar = value;
            break;
          default:
            break; // serializeTypeCurrentRPC and unknown keys: parsed, then ignored, as in the reference
        }
      }
      if (buf[p] !== COMMA) break;
      p += 1;
    }
  }
  // The object must end exactly at the header's end (checked above to be a `}`).
  if (p !== end - 1) return undefined;

  // The same fields, defaults, checks and check order as decodeJsonHeaderReference.
  const command: RemotingCommand = {
    code: int32Value('code', code, undefined),
    language: languageValue(language),
    version: int32Value('version', version, 0),
    opaque: int32Value('opaque', opaque, undefined),
    flag: int32Value('flag', flag, 0),
    extFields: extFields ?? extFieldsScalarValue(extFieldsScalar),
    serializeType: 'JSON',
  };
  const remarkText = remarkValue(remark);
  if (remarkText !== undefined) command.remark = remarkText;
  return command;
}

/** The extFields object at its `{`, normalised as the reference does, into scannedFields; -1 for null or nested values. */
function readFields(buf: SlicingBuffer, text: string, start: number, p: number, end: number): number {
  const fields: Record<string, string> = {};
  p += 1;
  if (buf[p] === CLOSE_BRACE) {
    scannedFields = fields;
    return p + 1;
  }
  for (;;) {
    if (buf[p] !== QUOTE) return -1;
    let key: string;
    const keyEnd = plainKeyEnd(buf, p + 1, end);
    if (keyEnd >= 0) {
      key = cachedKey(buf, text, p + 1, keyEnd - p - 1, keyHash, start);
      p = keyEnd + 1;
    } else {
      p = decodeString(buf, text, start, p + 1, end);
      if (p < 0) return -1;
      key = scannedString;
    }
    if (buf[p] !== COLON) return -1;
    p += 1;
    const c = buf[p]!;
    let value: string;
    if (c === QUOTE) {
      const valueEnd = plainStringEnd(buf, p + 1, end);
      if (valueEnd >= 0) {
        value = text.slice(p + 1 - start, valueEnd - start);
        p = valueEnd + 1;
      } else {
        p = decodeString(buf, text, start, p + 1, end);
        if (p < 0) return -1;
        value = scannedString;
      }
    } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      p = readNumber(buf, text, start, p, end);
      if (p < 0) return -1;
      value = toJavaString(scannedNumber);
    } else if (c === LOWER_T && text.startsWith('true', p - start)) {
      value = 'true';
      p += 4;
    } else if (c === LOWER_F && text.startsWith('false', p - start)) {
      value = 'false';
      p += 5;
    } else {
      return -1; // null (deleted by the reference), objects and arrays (JSON text), invalid JSON
    }
    // A plain assignment to "__proto__" would replace the prototype instead of adding a field.
    if (key === '__proto__') Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
    else fields[key] = value;
    const next = buf[p];
    p += 1;
    if (next === CLOSE_BRACE) break;
    if (next !== COMMA) return -1;
  }
  scannedFields = fields;
  return p;
}

/** A string, number, true, false or null, as JSON.parse gives it, into scannedScalar. */
function readScalar(buf: SlicingBuffer, text: string, start: number, p: number, end: number): number {
  const c = buf[p]!;
  if (c === QUOTE) {
    const close = plainStringEnd(buf, p + 1, end);
    if (close >= 0) {
      scannedScalar = text.slice(p + 1 - start, close - start);
      return close + 1;
    }
    p = decodeString(buf, text, start, p + 1, end);
    scannedScalar = scannedString;
    return p;
  }
  if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
    p = readNumber(buf, text, start, p, end);
    scannedScalar = scannedNumber;
    return p;
  }
  const at = p - start;
  if (c === LOWER_T && text.startsWith('true', at)) {
    scannedScalar = true;
    return p + 4;
  }
  if (c === LOWER_F && text.startsWith('false', at)) {
    scannedScalar = false;
    return p + 5;
  }
  if (c === LOWER_N && text.startsWith('null', at)) {
    scannedScalar = null;
    return p + 4;
  }
  return -1;
}

/** The offset of the closing quote of a string of plain ASCII from `p`; -1 at an escape, a control or non-ASCII byte, or the end. */
function plainStringEnd(buf: Buffer, p: number, end: number): number {
  for (; p < end; p += 1) {
    const b = buf[p]!;
    if (STRING_STOP[b] !== 0) return b === QUOTE ? p : -1;
  }
  return -1;
}

/** plainStringEnd for a key, which also leaves a hash of the key's bytes in keyHash (hashOf in ./json-header-scan-keys). */
function plainKeyEnd(buf: Buffer, p: number, end: number): number {
  let hash = 0;
  for (; p < end; p += 1) {
    const b = buf[p]!;
    if (STRING_STOP[b] !== 0) {
      keyHash = hash;
      return b === QUOTE ? p : -1;
    }
    hash = (Math.imul(hash, 31) + b) | 0;
  }
  return -1;
}

/** A string from its bytes after the opening quote at `first`, into scannedString; -1 off the fast path. */
function decodeString(buf: SlicingBuffer, text: string, start: number, first: number, end: number): number {
  let ascii = true;
  let i = first;
  for (;;) {
    if (i >= end) return -1;
    const b = buf[i]!;
    if (b === QUOTE) break;
    if (b === BACKSLASH) return unescapeString(buf, first, i, end, ascii);
    if (b < 0x20) return -1; // a raw control character: invalid JSON
    if (b >= 0x80) ascii = false;
    i += 1;
  }
  scannedString = ascii ? text.slice(first - start, i - start) : buf.utf8Slice(first, i);
  return i + 1;
}

/** The rest of a string from its first backslash at `i`: bytes are unescaped into `scratch`. */
function unescapeString(buf: Buffer, first: number, i: number, end: number, asciiSoFar: boolean): number {
  let ascii = asciiSoFar;
  if (i - first > SCRATCH_SIZE) return -1;
  let o = 0;
  for (let j = first; j < i; j += 1) scratch[o++] = buf[j]!;
  for (;;) {
    if (i >= end || o > SCRATCH_SIZE - 3) return -1; // room for a 3-byte character
    const b = buf[i]!;
    i += 1;
    if (STRING_STOP[b] === 0) {
      scratch[o++] = b;
      continue;
    }
    if (b === QUOTE) break;
    if (b === BACKSLASH) {
      if (i >= end) return -1;
      const e = buf[i]!;
      i += 1;
      let unit = simpleEscape(e);
      if (unit === -1) {
        if (e !== LOWER_U || i + 4 > end) return -1; // only \u is left; it needs four hex digits
        unit = hexValue(buf, i);
        if (unit === -1 || (unit >= 0xd800 && unit <= 0xdfff)) return -1; // surrogates have no UTF-8
        i += 4;
      }
      if (unit < 0x80) {
        scratch[o++] = unit;
      } else if (unit < 0x800) {
        ascii = false;
        scratch[o++] = 0xc0 | (unit >> 6);
        scratch[o++] = 0x80 | (unit & 0x3f);
      } else {
        ascii = false;
        scratch[o++] = 0xe0 | (unit >> 12);
        scratch[o++] = 0x80 | ((unit >> 6) & 0x3f);
        scratch[o++] = 0x80 | (unit & 0x3f);
      }
      continue;
    }
    if (b < 0x20) return -1;
    if (b >= 0x80) ascii = false;
    scratch[o++] = b;
  }
  scannedString = ascii ? scratch.latin1Slice(0, o) : scratch.utf8Slice(0, o);
  return i;
}

/** A number with JSON's grammar (-?int frac? exp?) at `p`, into scannedNumber. */
function readNumber(buf: Buffer, text: string, start: number, p: number, end: number): number {
  const first = p;
  const negative = buf[p] === MINUS;
  if (negative) p += 1;
  let value = 0;
  if (p < end && buf[p] === DIGIT_0) {
    p += 1;
  } else {
    const digits = p;
    for (; p < end; p += 1) {
      const b = buf[p]!;
      if (b < DIGIT_0 || b > DIGIT_9) break;
      value = value * 10 + (b - DIGIT_0);
    }
    if (p === digits) return -1;
    if (p - digits > EXACT_DIGITS) value = Number.NaN; // parsed from the text below
  }
  let integer = true;
  if (p < end && buf[p] === DOT) {
    integer = false;
    p = skipDigits(buf, p + 1, end);
    if (p < 0) return -1;
  }
  if (p < end && (buf[p] === LOWER_E || buf[p] === UPPER_E)) {
    integer = false;
    p += 1;
    if (p < end && (buf[p] === PLUS || buf[p] === MINUS)) p += 1;
    p = skipDigits(buf, p, end);
    if (p < 0) return -1;
  }
  // Number() and JSON.parse both round a literal to the nearest double.
  scannedNumber = integer && !Number.isNaN(value) ? (negative ? -value : value) : Number(text.slice(first - start, p - start));
  return p;
}

/** The offset past one or more digits from `p`, or -1 when there is none. */
function skipDigits(buf: Buffer, p: number, end: number): number {
  const first = p;
  while (p < end && buf[p]! >= DIGIT_0 && buf[p]! <= DIGIT_9) p += 1;
  return p === first ? -1 : p;
}

/** The code unit of a one-letter escape (\" \\ \/ \b \f \n \r \t), or -1. */
function simpleEscape(e: number): number {
  switch (e) {
    case 0x22:
      return 0x22;
    case 0x5c:
      return 0x5c;
    case 0x2f:
      return 0x2f;
    case 0x62:
      return 0x08;
    case 0x66:
      return 0x0c;
    case 0x6e:
      return 0x0a;
    case 0x72:
      return 0x0d;
    case 0x74:
      return 0x09;
    default:
      return -1;
  }
}

/** The value of the four hex digits at `i`, or -1. */
function hexValue(buf: Buffer, i: number): number {
  let unit = 0;
  for (let k = 0; k < 4; k += 1) {
    const b = buf[i + k]!;
    let digit: number;
    if (b >= 0x30 && b <= 0x39) digit = b - 0x30;
    else if (b >= 0x61 && b <= 0x66) digit = b - 0x57;
    else if (b >= 0x41 && b <= 0x46) digit = b - 0x37;
    else return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}
