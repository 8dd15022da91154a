import type { CpuSnapshot } from './measure';

/** USER_HZ ticks per second of /proc/stat. */
const TICKS_PER_SECOND = 100;

/**
 * Share of the machine's CPU (0..1) used between two snapshots by neither this process nor the
 * given child processes (`childrenCpuUs`: their user + system time over the same span, µs, e.g.
 * from processCpuUs). measure.otherCpuShare counts only this process as "own"; a benchmark whose
 * brokers are children must not count them as noise.
 */
export function otherShareBesides(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined, childrenCpuUs: number): number | undefined {
  if (!before || !after || !Number.isFinite(childrenCpuUs)) return undefined;
  const total = after.machineTotal - before.machineTotal;
  if (total <= 0) return undefined;
  const childTicks = (childrenCpuUs / 1e6) * TICKS_PER_SECOND;
  const other = after.machineBusy - before.machineBusy - (after.own - before.own) - childTicks;
  return Math.max(0, other / total);
}
