import { parseClusterArgs } from './main';

describe('cluster launcher arguments', () => {
  it('reads --mode and --dir', () => {
    expect(parseClusterArgs(['--mode', '2m-2s-sync', '--dir=/tmp/c'])).toEqual({ mode: '2m-2s-sync', dir: '/tmp/c', timeoutMs: undefined, overrides: {} });
    expect(parseClusterArgs(['-h'])).toBe('help');
  });

  it('collects repeated --set key=value as conf overrides', () => {
    expect(parseClusterArgs(['--mode', '2m', '--dir', 'x', '--set', 'flushDiskType=SYNC_FLUSH', '--set=registerNameServerPeriod=2000'])).toMatchObject({
      overrides: { flushDiskType: 'SYNC_FLUSH', registerNameServerPeriod: '2000' },
    });
    expect(() => parseClusterArgs(['--mode', '2m', '--dir', 'x', '--set', 'novalue'])).toThrow(/unknown or invalid argument --set/);
  });

  it('refuses an unknown mode or a missing dir, naming what to pass', () => {
    expect(() => parseClusterArgs(['--mode', '3m', '--dir', 'x'])).toThrow(/--mode must be one of 1m, 2m, 2m-2s-async, 2m-2s-sync/);
    expect(() => parseClusterArgs(['--mode', '1m'])).toThrow(/--dir is required/);
  });
});
