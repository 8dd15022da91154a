import { indexLagReport } from './index-lag-report';

describe('indexLagReport', () => {
  it('warns at the first fall behind, then at most once a minute with the count since', () => {
    const lines: string[] = [];
    let now = 1_000_000;
    const report = indexLagReport((level, message) => lines.push(`${level}: ${message}`), () => now);
    report(100_001);
    now += 10_000;
    report(100_004);
    now += 10_000;
    report(100_002);
    expect(lines).toHaveLength(1);
    now += 40_001;
    report(100_003);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^warn: the key index fell behind: 100,001 keys waited/);
    expect(lines[0]).toMatch(/reads the commit log/);
    expect(lines[1]).toMatch(/^warn: the key index fell behind 3 more times in the 60 s since/);
  });
});
