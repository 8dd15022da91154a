import fc from 'fast-check';
import { plainInt, plainIntAt } from './plain-int';

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

describe('plainIntAt', () => {
  it('reads the bytes of any text as plainInt reads the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^-?[0-9]{0,17}$/), fc.string({ maxLength: 8 })), fc.nat({ max: 3 }), (text, offset) => {
        const bytes = Buffer.concat([Buffer.alloc(offset, 0x31), Buffer.from(text, 'utf8'), Buffer.from('9')]);
        expect(plainIntAt(bytes, offset, bytes.length - offset - 1)).toBe(plainInt(Buffer.from(text, 'utf8').toString('utf8')));
      }),
    );
  });
});
