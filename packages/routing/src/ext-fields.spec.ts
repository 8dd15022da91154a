import { BadRequestError, optionalBoolean, optionalInteger, requireInteger, requireString } from './ext-fields';

describe('extFields readers', () => {
  it('reads required strings, allowing empty only when asked', () => {
    expect(requireString({ a: 'x' }, 'a')).toBe('x');
    expect(requireString({ a: '' }, 'a', { allowEmpty: true })).toBe('');
    expect(() => requireString({}, 'a')).toThrow(BadRequestError);
    expect(() => requireString({ a: '' }, 'a')).toThrow(/extFields.a is empty/);
  });

  it('reads Java Long fields strictly', () => {
    expect(requireInteger({ id: '0' }, 'id')).toBe(0);
    expect(requireInteger({ id: '-3' }, 'id')).toBe(-3);
    for (const bad of ['abc', '1.5', '01', '', ' 1', '9007199254740993']) {
      expect(() => requireInteger({ id: bad }, 'id')).toThrow(BadRequestError);
    }
    expect(optionalInteger({}, 'n', 7)).toBe(7);
  });

  it('reads booleans as true/false only', () => {
    expect(optionalBoolean({ b: 'true' }, 'b', false)).toBe(true);
    expect(optionalBoolean({}, 'b', true)).toBe(true);
    expect(() => optionalBoolean({ b: 'yes' }, 'b', false)).toThrow(/must be true or false/);
  });
});
