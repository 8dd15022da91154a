import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { CRC32_IMPLEMENTATION, crc32 } from './crc32';

describe('crc32', () => {
  it('uses the native CRC on this platform (linux-x64 has a prebuilt binary)', () => {
    expect(CRC32_IMPLEMENTATION).toBe(process.platform === 'linux' && process.arch === 'x64' ? '@node-rs/crc32' : CRC32_IMPLEMENTATION);
    expect(['@node-rs/crc32', 'zlib']).toContain(CRC32_IMPLEMENTATION);
  });

  it('gives zlib.crc32 of any bytes, continuing from any value (views into a larger buffer included)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat({ max: 16 }), fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }), (bytes, offset, seed) => {
        const view = Buffer.concat([Buffer.alloc(offset, 0xaa), bytes]).subarray(offset);
        // Nothing continues from the value: zlib answers 0 instead when the view has no memory behind
        // it (its NULL-buffer rule); the store never asks for the CRC of nothing with a value.
        if (bytes.length === 0) expect(crc32(view, seed)).toBe(seed ?? 0);
        else expect(crc32(view, seed)).toBe(zlibCrc32(view, seed));
      }),
      { numRuns: 300 },
    );
  });
});
