import fc from 'fast-check';
import { readInt64, readUInt64, writeInt64, writeUInt64 } from './int64';
import { ProtocolErrorCode } from './errors';

const at = (hex: string): Buffer => Buffer.from(`ff${hex}`, 'hex');

describe('unsigned int64', () => {
  it('writes big-endian bytes', () => {
    const buf = Buffer.alloc(9);
    writeUInt64(buf, 1, 4096);
    expect(buf.toString('hex')).toBe('000000000000001000');
    writeUInt64(buf, 1, Number.MAX_SAFE_INTEGER);
    expect(buf.toString('hex')).toBe('00001fffffffffffff');
  });

  it('reads big-endian bytes and refuses values above 2^53 - 1', () => {
    expect(readUInt64(at('0000000100000002'), 1)).toBe(2 ** 32 + 2);
    expect(readUInt64(at('001fffffffffffff'), 1)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => readUInt64(at('0020000000000000'), 1)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.UNSAFE_INTEGER }));
    expect(() => readUInt64(at('ffffffffffffffff'), 1)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.UNSAFE_INTEGER }));
  });

  it.each([-1, 2 ** 53, 1.5, Number.NaN, Infinity])('refuses to write %p', (value) => {
    expect(() => writeUInt64(Buffer.alloc(8), 0, value)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.UNSAFE_INTEGER }));
  });

  it('round-trips every safe non-negative integer, matching BigInt encoding', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (value) => {
        const buf = Buffer.alloc(8);
        writeUInt64(buf, 0, value);
        expect(buf.readBigUInt64BE(0)).toBe(BigInt(value));
        expect(readUInt64(buf, 0)).toBe(value);
      }),
    );
  });
});

describe('signed int64', () => {
  it('writes two’s complement', () => {
    const buf = Buffer.alloc(8);
    writeInt64(buf, 0, -1);
    expect(buf.toString('hex')).toBe('ffffffffffffffff');
    writeInt64(buf, 0, -2147483648);
    expect(buf.toString('hex')).toBe('ffffffff80000000');
  });

  it('refuses values outside the safe range', () => {
    expect(() => readInt64(Buffer.from('8000000000000000', 'hex'), 0)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.UNSAFE_INTEGER }));
    expect(() => writeInt64(Buffer.alloc(8), 0, -(2 ** 53))).toThrow(expect.objectContaining({ code: ProtocolErrorCode.UNSAFE_INTEGER }));
  });

  it('round-trips every safe integer, matching BigInt encoding', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (value) => {
        const buf = Buffer.alloc(8);
        writeInt64(buf, 0, value);
        expect(buf.readBigInt64BE(0)).toBe(BigInt(value));
        expect(readInt64(buf, 0)).toBe(value);
      }),
    );
  });
});
