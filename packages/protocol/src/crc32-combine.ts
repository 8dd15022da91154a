// zlib's crc32_combine, which Node does not expose: the CRC-32 of A‖B from CRC(A), CRC(B) and B's
// length, in O(log len) without touching B's bytes. The store checksums a message body once when the
// put arrives (the V1 BODYCRC) and needs the whole record's CRC after the writer fixed the position
// fields; combining saves a second pass over the body (the largest part of the record).
//
// Arithmetic is over GF(2) polynomials modulo the CRC-32 polynomial, in zlib's reflected bit order
// (bit 31 holds x^0). Shifting CRC(A) past len(B) zero bytes is multiplying it by x^(8·len(B)).

const POLY = 0xedb88320;
/** x^0 in reflected order. */
const X0 = 0x80000000;

/** a·b mod P. */
function multModP(a: number, b: number): number {
  let m = X0;
  let product = 0;
  for (;;) {
    if ((a & m) !== 0) {
      product ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = (b & 1) !== 0 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return product >>> 0;
}

/** X2N[k] = x^(2^k) mod P. */
const X2N = new Uint32Array(32);
{
  let p = X0 >>> 1; // x^1
  X2N[0] = p;
  for (let k = 1; k < 32; k += 1) X2N[k] = p = multModP(p, p);
}

/** x^(n·2^k) mod P. */
function x2nModP(n: number, k: number): number {
  let p = X0;
  while (n > 0) {
    if (n % 2 === 1) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k += 1;
  }
  return p;
}

/** Bodies of one size repeat (producers send fixed-size payloads): remember the last shift operator. */
let lastLength = -1;
let lastOperator = 0;

/** CRC-32 (zlib.crc32's value) of A‖B, given crcA = CRC(A), crcB = CRC(B) and B's byte length. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (!Number.isSafeInteger(lengthB) || lengthB < 0) throw new RangeError(`crc32Combine: lengthB must be a non-negative safe integer, got ${lengthB}`);
  if (lengthB !== lastLength) {
    lastOperator = x2nModP(lengthB, 3); // x^(8·lengthB)
    lastLength = lengthB;
  }
  return (multModP(lastOperator, crcA >>> 0) ^ crcB) >>> 0;
}

/**
 * Shifting by a fixed length through four byte tables instead of multModP's 32-step loop (~130 ns
 * here even with the operator cached): the shift is linear, so it is the XOR of the shifts of the
 * CRC's four bytes, each looked up (~12 ns). A table costs 1,024 multModP calls (~0.25 ms) to
 * build, so only lengths that keep coming back get one: a producer's fixed-size payloads, not a
 * stream of different sizes. At most SHIFT_TABLES_MAX are kept, 4 KiB each.
 */
const SHIFT_TABLES_MAX = 16;
/** A length is hot once it was asked for this many times in its counter slot without interruption. */
const HOT_AFTER = 64;
/** And at most one table is built per this many asks, whatever the lengths do. */
const BUILD_SPACING = 1024;
const shiftTables = new Map<number, Uint32Array>();
const counterLengths = new Float64Array(256).fill(-1);
const counterHits = new Uint32Array(256);
let asksSinceBuild = BUILD_SPACING;

/**
 * The table that shifts a CRC past `length` zero bytes (for crc32CombineByTable), or undefined while
 * `length` is not yet known to recur. Callers fall back to another way when it is undefined.
 */
export function crc32ShiftTable(length: number): Uint32Array | undefined {
  const table = shiftTables.get(length);
  if (table !== undefined) return table;
  asksSinceBuild += 1;
  const slot = length & 0xff;
  if (counterLengths[slot] !== length) {
    counterLengths[slot] = length;
    counterHits[slot] = 1;
    return undefined;
  }
  counterHits[slot] = counterHits[slot]! + 1;
  if (counterHits[slot]! < HOT_AFTER || asksSinceBuild < BUILD_SPACING) return undefined;
  if (!Number.isSafeInteger(length) || length < 0) return undefined;
  asksSinceBuild = 0;
  const operator = x2nModP(length, 3);
  const built = new Uint32Array(1024);
  for (let byte = 0; byte < 4; byte += 1) {
    for (let value = 0; value < 256; value += 1) built[byte * 256 + value] = multModP(operator, (value << (8 * byte)) >>> 0);
  }
  // Oldest out first (Map keeps insertion order).
  if (shiftTables.size >= SHIFT_TABLES_MAX) shiftTables.delete(shiftTables.keys().next().value!);
  shiftTables.set(length, built);
  return built;
}

/** crc32Combine(crcA, crcB, length) for the `length` whose table crc32ShiftTable returned. */
export function crc32CombineByTable(table: Uint32Array, crcA: number, crcB: number): number {
  return (table[crcA & 0xff]! ^ table[256 + ((crcA >>> 8) & 0xff)]! ^ table[512 + ((crcA >>> 16) & 0xff)]! ^ table[768 + (crcA >>> 24)]! ^ crcB) >>> 0;
}
