import { FlagReader } from './flag-reader';

class TestUsageError extends Error {}

describe('FlagReader', () => {
  const reader = (argv: string[]) => new FlagReader(argv, (message) => new TestUsageError(message));

  it('walks flags, consuming values as they are read', () => {
    const args = reader(['--quick', '--rounds', '3', '--out', 'x.md']);
    const seen: Array<[string, string | number | undefined]> = [];
    for (let flag = args.next(); flag !== undefined; flag = args.next()) {
      if (flag === '--rounds') seen.push([flag, args.positive(args.value())]);
      else if (flag === '--out') seen.push([flag, args.value()]);
      else seen.push([flag, undefined]);
    }
    expect(seen).toEqual([['--quick', undefined], ['--rounds', 3], ['--out', 'x.md']]);
  });

  it("names the flag in the bench's own usage error", () => {
    const missing = reader(['--out']);
    missing.next();
    expect(() => missing.value()).toThrow(new TestUsageError('--out needs a value'));
    const negative = reader(['--rounds', '-1']);
    negative.next();
    expect(() => negative.positive(negative.value())).toThrow(new TestUsageError('--rounds needs a positive number, got -1'));
    expect(() => negative.positive('abc')).toThrow(TestUsageError);
  });
});
