import { PropertiesTextError, formatPropertiesText, parsePropertiesText } from './properties-text';

const pairs = (text: string): [string, string][] => parsePropertiesText(text).map((e) => [e.key, e.value]);

describe('properties text', () => {
  it('reads the forms java.util.Properties.load reads', () => {
    const text = '# comment\n  ! also a comment\n\na=1\nb : 2\nc 3\n  d=x\\\n    y\ne=\nf\ng=a\\=b\\:c\\\\d\\u00e9\\tz\r\nh = trailing  \n';
    expect(pairs(text)).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', 'xy'],
      ['e', ''],
      ['f', ''],
      ['g', 'a=b:c\\d\u00e9\tz'],
      ['h', 'trailing  '],
    ]);
  });

  it('numbers entries by the line they start on', () => {
    expect(parsePropertiesText('\n# c\nx=1\\\n 2\ny=3').map((e) => [e.key, e.line])).toEqual([
      ['x', 3],
      ['y', 5],
    ]);
  });

  it('writes key=value lines, as Java properties2String does for plain values', () => {
    expect(formatPropertiesText([['listenPort', '9876'], ['kvConfigPath', '/home/u/namesrv/kvConfig.json']])).toBe('listenPort=9876\nkvConfigPath=/home/u/namesrv/kvConfig.json\n');
  });

  it('escapes what Properties.load would misread, and reads it back unchanged', () => {
    const entries: [string, string][] = [
      ['a key=with:odd#chars', ' leading blank, C:\\path\\to, tab\there'],
      ['nl', 'line1\nline2\r\n'],
      ['unicode', 'h\u00e9llo \u4e16\u754c'],
      ['empty', ''],
    ];
    const text = formatPropertiesText(entries);
    expect(text.split('\n')).toHaveLength(entries.length + 1);
    expect(pairs(text)).toEqual(entries);
  });

  it('refuses a malformed \\u escape, naming the line', () => {
    expect(() => parsePropertiesText('a=1\nb=\\u12G4')).toThrow(PropertiesTextError);
    expect(() => parsePropertiesText('a=1\nb=\\u12G4')).toThrow(/line 2/);
  });
});
