import { parseProperties } from './properties';

describe('parseProperties', () => {
  it('parses the .properties subset RocketMQ files use', () => {
    expect(parseProperties('# comment\n! also\n\na=1\nb : 2\nc 3\nd=x\\\n  y\ne=\n')).toEqual({ a: '1', b: '2', c: '3', d: 'xy', e: '' });
  });
});
