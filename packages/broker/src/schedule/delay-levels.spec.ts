import { DEFAULT_MESSAGE_DELAY_LEVEL, effectiveDelayLevel, parseMessageDelayLevel } from './delay-levels';

describe('parseMessageDelayLevel', () => {
  it('parses the RocketMQ default into 18 levels', () => {
    const levels = parseMessageDelayLevel(DEFAULT_MESSAGE_DELAY_LEVEL);
    expect(levels).toHaveLength(18);
    expect(levels[0]).toBe(1000);
    expect(levels[2]).toBe(10_000);
    expect(levels[17]).toBe(2 * 3_600_000);
  });

  it('knows ms, s, m, h and d', () => {
    expect(parseMessageDelayLevel(' 100ms 2s 3m  1h 1d ')).toEqual([100, 2000, 180_000, 3_600_000, 86_400_000]);
  });

  it('rejects empty lists and unknown items', () => {
    expect(() => parseMessageDelayLevel('  ')).toThrow(RangeError);
    expect(() => parseMessageDelayLevel('1s 5x')).toThrow(/5x/);
    expect(() => parseMessageDelayLevel('1.5s')).toThrow(RangeError);
  });
});

describe('effectiveDelayLevel', () => {
  it('clamps to the highest level and treats absent, zero or junk as no delay', () => {
    expect(effectiveDelayLevel(undefined, 18)).toBe(0);
    expect(effectiveDelayLevel('0', 18)).toBe(0);
    expect(effectiveDelayLevel('-2', 18)).toBe(0);
    expect(effectiveDelayLevel('abc', 18)).toBe(0);
    expect(effectiveDelayLevel('3', 18)).toBe(3);
    expect(effectiveDelayLevel('40', 18)).toBe(18);
  });
});
