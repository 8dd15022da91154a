import { cpuSpeedSince, cpuSpeedSuffix, probeCpuSpeed } from './cpu-probe';

describe('probeCpuSpeed', () => {
  it('returns a positive, finite rate of the fixed workload', () => {
    const rate = probeCpuSpeed();
    expect(Number.isFinite(rate)).toBe(true);
    expect(rate).toBeGreaterThan(0);
  });
});

describe('cpuSpeedSince', () => {
  it('keeps the start figure and probes again for the end', () => {
    const speed = cpuSpeedSince(123);
    expect(speed.atStart).toBe(123);
    expect(speed.atEnd).toBeGreaterThan(0);
  });
});

describe('cpuSpeedSuffix', () => {
  it('is a sentence after a space: both probes, rounded, and how to use them', () => {
    const sentence = cpuSpeedSuffix({ atStart: 1234.4, atEnd: 987.6 });
    expect(sentence).toContain('1,234 at the start, 988 at the end');
    expect(sentence).toContain('compare runs by it');
    expect(sentence.startsWith(' CPU speed probe')).toBe(true);
  });

  it('is empty when the run did not probe', () => {
    expect(cpuSpeedSuffix(undefined)).toBe('');
  });
});
