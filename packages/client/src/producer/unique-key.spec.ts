import { UniqueKeyGenerator, createUniqueKey, parseUniqueKey } from './unique-key';

describe('UNIQ_KEY (Java MessageClientIDSetter layout)', () => {
  it('packs ip, pid, the random part, the month offset and a counter into 32 uppercase hex chars', () => {
    const now = new Date(2026, 10, 26, 14, 0, 0, 5).getTime(); // local time, like Java's Calendar
    const gen = new UniqueKeyGenerator(Buffer.from([10, 1, 2, 3]), 0x12345, Buffer.from([0xde, 0xad, 0xbe, 0xef]), () => now);
    const first = gen.create();
    expect(first).toMatch(/^[0-9A-F]{32}$/);
    expect(first.slice(0, 20)).toBe('0A0102032345DEADBEEF');
    const parsed = parseUniqueKey(first);
    expect(parsed).toEqual({ ip: '10.1.2.3', pid: 0x2345, monthOffsetMs: now - new Date(2026, 10, 1).getTime(), counter: 0 });
    expect(parseUniqueKey(gen.create())?.counter).toBe(1);
  });

  it('builds the time part once per millisecond and follows the clock', () => {
    let now = new Date(2026, 10, 26, 14, 0, 0, 5).getTime();
    const gen = new UniqueKeyGenerator(Buffer.from([10, 1, 2, 3]), 7, Buffer.alloc(4), () => now);
    const [a, b] = [gen.create(), gen.create()];
    expect(a.slice(0, 28)).toBe(b.slice(0, 28));
    now += 1;
    expect(parseUniqueKey(gen.create())).toEqual({ ip: '10.1.2.3', pid: 7, monthOffsetMs: parseUniqueKey(a)!.monthOffsetMs + 1, counter: 2 });
    // A clock set back gives the earlier time part again, not a stale cached one.
    now -= 2;
    expect(parseUniqueKey(gen.create())?.monthOffsetMs).toBe(parseUniqueKey(a)!.monthOffsetMs - 1);
  });

  it('restarts the time part at a new month and wraps the counter at 16 bits', () => {
    let now = new Date(2026, 0, 31, 23, 59, 59, 999).getTime();
    const gen = new UniqueKeyGenerator(Buffer.from([1, 2, 3, 4]), 1, Buffer.alloc(4), () => now);
    expect(parseUniqueKey(gen.create())?.monthOffsetMs).toBe(now - new Date(2026, 0, 1).getTime());
    now = new Date(2026, 1, 1, 0, 0, 1).getTime();
    expect(parseUniqueKey(gen.create())?.monthOffsetMs).toBe(1000);
    for (let i = 0; i < 0xffff - 1; i++) gen.create();
    expect(parseUniqueKey(gen.create())?.counter).toBe(0);
  });

  it('gives distinct keys in a burst', () => {
    const keys = new Set(Array.from({ length: 10_000 }, () => createUniqueKey()));
    expect(keys.size).toBe(10_000);
    expect(parseUniqueKey('nope')).toBeUndefined();
  });
});
