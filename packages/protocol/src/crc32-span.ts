// CRC-32 (zlib.crc32's value) of a byte range, without cutting a subarray for it. zlib is the faster
// loop over long ranges (~5 GB/s here), but each call costs ~50-60 ns, the subarray another ~60, and
// for ranges under ~50 bytes, or the tail of any range, zlib goes byte by byte at ~2 ns per byte.
// A record's header and its topic and properties are such short ranges. Measured on the development
// VM: 64 bytes 89 ns in JavaScript against 305 ns through subarray and zlib, 128 bytes 109 vs 198,
// 290 bytes 316 vs 351, 1,152 bytes 928 vs 445.
import { crc32 } from 'node:zlib';

/** Up to this many bytes the table loop below is used, above it zlib. */
const JS_MAX_BYTES = 256;

/** Slicing-by-8 tables for the reflected polynomial 0xEDB88320: TABLES[k * 256 + b]. */
const TABLES = new Int32Array(8 * 256);
for (let b = 0; b < 256; b += 1) {
  let c = b;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLES[b] = c;
}
for (let b = 0; b < 256; b += 1) {
  let c = TABLES[b]!;
  for (let k = 1; k < 8; k += 1) {
    c = TABLES[c & 0xff]! ^ (c >>> 8);
    TABLES[k * 256 + b] = c;
  }
}

/** zlib.crc32(buf.subarray(start, end), seed), computed in place. */
export function crc32Span(buf: Uint8Array, start: number, end: number, seed = 0): number {
  if (end - start > JS_MAX_BYTES) return crc32(buf.subarray(start, end), seed);
  const t = TABLES;
  let c = ~seed;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    c ^= buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
    c =
      t[1792 + (c & 0xff)]! ^
      t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^
      t[1024 + (c >>> 24)]! ^
      t[768 + buf[i + 4]!]! ^
      t[512 + buf[i + 5]!]! ^
      t[256 + buf[i + 6]!]! ^
      t[buf[i + 7]!]!;
  }
  for (; i < end; i += 1) c = t[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
