// Delay levels (Java MessageStoreConfig.messageDelayLevel, parsed like ScheduleMessageService.parseDelayLevel):
// a space-separated list of durations; level n (1-based) waits the n-th one.

/** RocketMQ's default 18 levels. */
export const DEFAULT_MESSAGE_DELAY_LEVEL = '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of each level, index level-1. Units ms, s, m, h, d (Java knows s, m, h, d).
 * Throws RangeError on an empty list or an unknown item.
 */
export function parseMessageDelayLevel(spec: string): number[] {
  const items = spec.trim().split(/\s+/).filter((item) => item !== '');
  if (items.length === 0) throw new RangeError('messageDelayLevel is empty');
  return items.map((item) => {
    const match = /^(\d+)(ms|s|m|h|d)$/.exec(item);
    const unit = match?.[2] === undefined ? undefined : UNIT_MS[match[2]];
    if (match?.[1] === undefined || unit === undefined) throw new RangeError(`messageDelayLevel item ${JSON.stringify(item)} is not <number><ms|s|m|h|d>`);
    return Number(match[1]) * unit;
  });
}

/** The level a DELAY property asks for, clamped to the highest level; 0 when it asks for none. */
export function effectiveDelayLevel(property: string | undefined, levelCount: number): number {
  if (property === undefined) return 0;
  const level = Number.parseInt(property, 10);
  if (!Number.isFinite(level) || level <= 0) return 0;
  return Math.min(level, levelCount);
}
