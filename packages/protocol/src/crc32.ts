// CRC-32 (IEEE 802.3, the value of zlib.crc32 and Java's CRC32) for the store's checksums: every
// message's body, and the whole record (./record-crc). @node-rs/crc32 (Rust's crc32fast, folding with
// carry-less multiplication on CPUs that have it) when its prebuilt binary loads, zlib.crc32
// otherwise. Measured on the development VM (Intel Xeon), per call: 1 KiB 186 against 400 ns, 4 KiB
// 322 against 1,086, 128 B 136 against 151; the body's CRC was ~6% of the broker's main thread under
// 1 KiB sends.
import { crc32 as zlibCrc32 } from 'node:zlib';

/** zlib.crc32's signature: the CRC of `data`, continuing from `value` (a previous result) when given. */
export type Crc32 = (data: Uint8Array, value?: number) => number;

function loadCrc32(): { crc32: Crc32; name: string } {
  try {
    // Required, not imported: on a platform without a prebuilt binary the package throws on load.
    const native = (require('@node-rs/crc32') as { crc32: Crc32 }).crc32;
    // A binary that loads but disagrees with zlib must not checksum the log.
    const probe = Buffer.from('pulsejet: the same CRC-32 as zlib and Java');
    if (native(probe) === zlibCrc32(probe) && native(probe, 0x1234_5678) === zlibCrc32(probe, 0x1234_5678)) return { crc32: native, name: '@node-rs/crc32' };
  } catch {
    // No binary for this platform: zlib's.
  }
  return { crc32: zlibCrc32, name: 'zlib' };
}

const loaded = loadCrc32();

export const crc32: Crc32 = loaded.crc32;
/** Which implementation `crc32` is ('@node-rs/crc32' or 'zlib'), for diagnostics and the benchmarks. */
export const CRC32_IMPLEMENTATION = loaded.name;
