import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { crc32Combine } from './crc32-combine';

describe('crc32Combine', () => {
  it('gives the CRC of the concatenation from the CRCs of the parts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 3000 }), (a, b) => {
        expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(Buffer.concat([a, b])));
      }),
      { numRuns: 500 },
    );
  });

  it('continues into zlib.crc32 with an initial value, as the record seal uses it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ maxLength: 200 }), (a, b, c) => {
        const combined = crc32(c, crc32Combine(crc32(a), crc32(b), b.length));
        expect(combined).toBe(crc32(Buffer.concat([a, b, c])));
      }),
      { numRuns: 300 },
    );
  });

  it('handles an empty second part and lengths with many bits set (large bodies)', () => {
    const a = Buffer.from('header');
    expect(crc32Combine(crc32(a), crc32(Buffer.alloc(0)), 0)).toBe(crc32(a));
    for (const length of [1, 255, 1023, 1024, 65_535, 4 * 1024 * 1024 - 1]) {
      const b = Buffer.alloc(length, 0x5a);
      expect(crc32Combine(crc32(a), crc32(b), length)).toBe(crc32(Buffer.concat([a, b])));
    }
  });

  it('refuses a length that is not a non-negative safe integer', () => {
    expect(() => crc32Combine(0, 0, -1)).toThrow(RangeError);
    expect(() => crc32Combine(0, 0, 1.5)).toThrow(RangeError);
  });
});
