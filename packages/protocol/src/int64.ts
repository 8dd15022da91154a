// 64-bit wire fields (offsets, timestamps) as JS numbers. Buffer's BigInt readers would force
// bigint on every caller; offsets and millisecond timestamps stay far below 2^53, so we read two
// uint32 halves and refuse anything that would lose precision instead of rounding it silently.
import { ProtocolError, ProtocolErrorCode } from './errors';

const TWO_POW_32 = 0x1_0000_0000;
// The high word of 2^53 - 1: any larger high word cannot be a safe integer.
const MAX_SAFE_HIGH_WORD = 0x1f_ffff;

function unsafe(what: string): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.UNSAFE_INTEGER,
    `${what}; 64-bit fields are limited to safe JS integers (|n| <= 2^53 - 1), check the writer of this data`,
  );
}

/** Reads a big-endian unsigned int64; throws UNSAFE_INTEGER above Number.MAX_SAFE_INTEGER. */
export function readUInt64(buf: Buffer, off: number): number {
  const high = buf.readUInt32BE(off);
  const low = buf.readUInt32BE(off + 4);
  if (high > MAX_SAFE_HIGH_WORD) throw unsafe(`unsigned int64 at byte ${off} exceeds Number.MAX_SAFE_INTEGER`);
  return high * TWO_POW_32 + low;
}

/** Writes a non-negative safe integer as a big-endian int64. */
export function writeUInt64(buf: Buffer, off: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw unsafe(`${value} is not a non-negative safe integer`);
  const high = Math.floor(value / TWO_POW_32);
  buf.writeUInt32BE(high, off);
  buf.writeUInt32BE(value - high * TWO_POW_32, off + 4);
}

/** Reads a big-endian two's-complement int64 (e.g. a tags hash code); throws UNSAFE_INTEGER outside ±(2^53 - 1). */
export function readInt64(buf: Buffer, off: number): number {
  const high = buf.readInt32BE(off);
  const low = buf.readUInt32BE(off + 4);
  const value = high * TWO_POW_32 + low;
  if (!Number.isSafeInteger(value)) throw unsafe(`signed int64 at byte ${off} is outside the safe integer range`);
  return value;
}

/** Writes a safe integer (possibly negative) as a big-endian two's-complement int64. */
export function writeInt64(buf: Buffer, off: number, value: number): void {
  if (!Number.isSafeInteger(value)) throw unsafe(`${value} is not a safe integer`);
  // floor keeps the low word non-negative: -1 becomes high -1, low 0xFFFFFFFF.
  const high = Math.floor(value / TWO_POW_32);
  buf.writeInt32BE(high, off);
  buf.writeUInt32BE(value - high * TWO_POW_32, off + 4);
}
