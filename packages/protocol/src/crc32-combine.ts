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
