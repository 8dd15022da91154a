import fc from 'fast-check';
import { plainInt } from './plain-int';

describe('plainInt', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['007', 7],
    ['999999999999999', 999_999_999_999_999],
  ])('reads %j', (text, value) => {
    expect(plainInt(text)).toBe(value);
  });

  it.each([undefined, '', '-', ' 1', '1 ', '+1', '1.0', '1e3', '0x10', '1000000000000000', 'null'])('leaves %j to the full check', (text) => {
    expect(plainInt(text)).toBeUndefined();
  });

  it('agrees with Number() on every plain decimal it reads', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?[0-9]{1,15}$/), (text) => {
        expect(Object.is(plainInt(text), Number(text))).toBe(true);
      }),
    );
  });
});
