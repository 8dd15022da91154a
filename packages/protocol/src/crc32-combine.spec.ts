import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { crc32Combine, crc32CombineByTable, crc32ShiftTable } from './crc32-combine';

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

  it('builds a shift table only for a length that keeps coming back, and combines through it alike', () => {
    // A length asked for once in a while gets no table.
    expect(crc32ShiftTable(777)).toBeUndefined();
    let table: Uint32Array | undefined;
    for (let ask = 0; ask < 5000 && table === undefined; ask += 1) table = crc32ShiftTable(1_000);
    expect(table).toBeDefined();
    expect(crc32ShiftTable(1_000)).toBe(table);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 1_000, maxLength: 1_000 }), (a, b) => {
        expect(crc32CombineByTable(table!, crc32(a), crc32(b))).toBe(crc32(Buffer.concat([a, b])));
      }),
      { numRuns: 300 },
    );
  });
});
