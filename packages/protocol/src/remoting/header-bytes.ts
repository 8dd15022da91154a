// The binary header's map layout, and the writes the header encoders share (binary-header.ts,
// prepared-fields.ts, json-header-writer.ts).

/** An extFields entry: int16 keyLength, key, int32 valueLength, value (UTF-8). */
export const KEY_LENGTH_SIZE = 2;
export const VALUE_LENGTH_SIZE = 4;
/** Key lengths are a Java short. */
export const MAX_KEY_BYTES = 0x7fff;
/** The most UTF-8 bytes one UTF-16 unit becomes (a lone surrogate: U+FFFD, 3 bytes). */
export const MAX_BYTES_PER_UNIT = 3;

/**
 * Strings longer than this are written by one native call. A native Buffer call costs ~60-75 ns on
 * the development VM whatever the length, a JavaScript loop ~2 ns per character.
 */
export const NATIVE_FROM = 32;

/** UTF-8 of `value` at out[pos]; returns its byte length. Short ASCII by a loop, the rest natively. */
export function writeUtf8(out: Buffer, pos: number, value: string): number {
  const length = value.length;
  if (length > NATIVE_FROM) return out.write(value, pos, 'utf8');
  for (let i = 0; i < length; i += 1) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return out.write(value, pos, 'utf8'); // rewrites the ASCII part too
    out[pos + i] = c;
  }
  return length;
}

export function writeInt32(out: Buffer, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = value >>> 16;
  out[at + 2] = value >>> 8;
  out[at + 3] = value;
}

export function writeInt16(out: Buffer, at: number, value: number): void {
  out[at] = value >>> 8;
  out[at + 1] = value;
}

/**
 * An integer's decimal digits, as String(value) gives them for a safe integer, at out[pos]; returns
 * the offset after them (at most 17 bytes: '-' and 16 digits). Doubles while the rest is past int32,
 * then integer division, which takes about half the time per digit.
 */
export function writeDecimal(out: Buffer, pos: number, value: number): number {
  let p = pos;
  let rest = value;
  if (rest < 0) {
    out[p++] = 0x2d; // '-'
    rest = -rest;
  }
  let digits = 1;
  for (let scale = 10; scale <= rest; scale *= 10) digits += 1;
  const end = p + digits;
  let i = end - 1;
  // (rest - quotient * 10) first: near 2^53, 0x30 + rest would round.
  for (; rest > 0x7fffffff; i -= 1) {
    const quotient = Math.floor(rest / 10);
    out[i] = 0x30 + (rest - quotient * 10);
    rest = quotient;
  }
  for (; i >= p; i -= 1) {
    const quotient = (rest / 10) | 0;
    out[i] = 0x30 + (rest - quotient * 10);
    rest = quotient;
  }
  return end;
}
