import fc from 'fast-check';
import { javaStringHashCode, tagsHashCode } from './tags-hash';

describe('javaStringHashCode (Java String.hashCode)', () => {
  it.each([
    ['', 0],
    ['a', 97],
    ['TagA', 2598919],
    ['hello', 99162322],
    ['Hello World', -862545276],
    // The classic string whose hash is Integer.MIN_VALUE: int32 overflow must wrap, not saturate.
    ['polygenelubricants', -2147483648],
    ['é', 233],
    ['中文', 646394],
    // Over UTF-16 code units: the surrogate pair D83D DE00, not the code point U+1F600.
    ['😀', 1772899],
  ])('hashes %p to %d', (s, hash) => {
    expect(javaStringHashCode(s)).toBe(hash);
  });

  it('always returns an int32', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => expect(javaStringHashCode(s) | 0).toBe(javaStringHashCode(s))));
  });
});

describe('tagsHashCode', () => {
  it('is 0 for no tag and the Java hash otherwise', () => {
    expect(tagsHashCode(undefined)).toBe(0);
    expect(tagsHashCode('')).toBe(0);
    expect(tagsHashCode('TagA')).toBe(2598919);
  });
});
