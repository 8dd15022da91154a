// A metadata table's version (Java DataVersion): RocketMQ persists it with its table
// (subscriptionGroup.json holds "dataVersion" beside "subscriptionGroupTable"), so a restart keeps
// it. Slaves and admin tools compare versions (Java SlaveSynchronize copies the master's groups
// when the master's version differs; DataVersion.compare orders by stateVersion, counter, then
// timestamp), so a version must never move backwards.
import type { DataVersion } from '@pulsejet/protocol';
import { assertNonNegativeInteger } from './validate';

/** A fresh table's version: counter 0, stamped now. */
export function initialDataVersion(now: number = Date.now()): DataVersion {
  return { stateVersion: 0, timestamp: now, counter: 0 };
}

/**
 * The version after a change (Java nextVersion): counter + 1, stamped now. Unlike Java, the
 * timestamp never goes below the previous one, so a clock stepped back cannot order it earlier.
 */
export function nextDataVersion(previous: DataVersion, now: number = Date.now()): DataVersion {
  return { stateVersion: previous.stateVersion, timestamp: Math.max(now, previous.timestamp), counter: previous.counter + 1 };
}

/** A validated copy; throws RangeError naming the field (each must be a non-negative safe integer). */
export function copyDataVersion(value: DataVersion, where: string): DataVersion {
  if (typeof value !== 'object' || value === null) throw new RangeError(`${where}: the data version must be an object`);
  const { stateVersion, timestamp, counter } = value;
  assertNonNegativeInteger(where, 'dataVersion.stateVersion', stateVersion);
  assertNonNegativeInteger(where, 'dataVersion.timestamp', timestamp);
  assertNonNegativeInteger(where, 'dataVersion.counter', counter);
  return { stateVersion, timestamp, counter };
}
