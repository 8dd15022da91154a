import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { crc32Span } from './crc32-span';

describe('crc32Span', () => {
  it('equals zlib.crc32 of the subarray, with or without a seed, on both sides of the JavaScript limit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(), fc.nat(), fc.option(fc.nat({ max: 0xffffffff })), (bytes, a, b, seed) => {
        const buf = Buffer.from(bytes);
        const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
        const end = start + (bytes.length - start === 0 ? 0 : b % (bytes.length - start + 1));
        // zlib answers 0 for an empty buffer without memory behind it, whatever the seed; an empty
        // continuation's CRC is the seed, which crc32Span returns.
        const expected = seed === null ? crc32(buf.subarray(start, end)) : start === end ? seed : crc32(buf.subarray(start, end), seed);
        expect(seed === null ? crc32Span(buf, start, end) : crc32Span(buf, start, end, seed)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
