// The binary header's map layout and the writes its encoders share (binary-header.ts, prepared-fields.ts).

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
