import fc from 'fast-check';
import { copyRun, isAsciiRun } from './byte-copy';

describe('byte runs', () => {
  it('copy any run to any offset as Buffer#copy does, by words or natively (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(200), fc.nat(200), fc.nat(16), (bytes, a, b, at) => {
        const source = Buffer.from(bytes);
        const start = Math.min(a, b, source.length);
        const end = Math.min(Math.max(a, b), source.length);
        const target = Buffer.alloc(at + 220, 0xee);
        const expected = Buffer.alloc(at + 220, 0xee);
        source.copy(expected, at, start, end);
        expect(copyRun(source, start, end, target, at)).toBe(at + end - start);
        expect(target.equals(expected)).toBe(true);
      }),
    );
  });

  it('tell ASCII runs from others wherever the high byte is (property)', () => {
    fc.assert(
      // ASCII bytes with at most one high byte, anywhere: a word-aligned or a trailing one alike.
      fc.property(fc.uint8Array({ max: 0x7f, maxLength: 80 }), fc.option(fc.tuple(fc.nat(79), fc.integer({ min: 0x80, max: 0xff }))), fc.nat(80), fc.nat(80), (bytes, high, a, b) => {
        const source = Buffer.from(bytes);
        if (high !== null && high[0] < source.length) source[high[0]] = high[1];
        const start = Math.min(a, b, source.length);
        const end = Math.min(Math.max(a, b), source.length);
        expect(isAsciiRun(source, start, end)).toBe(source.subarray(start, end).every((byte) => byte < 0x80));
      }),
    );
  });
});
