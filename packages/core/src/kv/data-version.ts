// A metadata table's version (Java DataVersion): RocketMQ persists it with its table (topics.json
// and subscriptionGroup.json hold "dataVersion" beside the table), so a restart keeps it. Slaves,
// nameservers and admin tools compare versions (Java SlaveSynchronize copies the master's topics or
// groups when the master's version differs; a nameserver re-reads a broker's topics on
// REGISTER_BROKER and answers QUERY_DATA_VERSION by comparing it; DataVersion.compare orders by
// stateVersion, counter, then timestamp), so a version must never move backwards.
import type { DataVersion } from '@pulsejet/protocol';
import { assertNonNegativeInteger } from './validate';

/**
 * The tables the metadata store keeps a version of. Each is one row of the "data-version" sublevel
 * (key: the table's name, value: the version as JSON), written in the same batch as every change
 * of its table.
 */
export type VersionedTable = 'topic' | 'group';

const VERSIONED_TABLES: readonly VersionedTable[] = ['topic', 'group'];

/**
 * Takes the stored rows of the "data-version" sublevel into `versions` (`decode` throws on a
 * damaged row; a key naming no versioned table is left alone). Returns the tables that had no row:
 * on a first open, or on a store from before their version was kept, the caller writes them at
 * once, so a restart without any change gives back the very same version.
 */
export function loadDataVersions(
  rows: ReadonlyArray<[string, string]>,
  decode: (key: string, value: string) => DataVersion,
  versions: Record<VersionedTable, DataVersion>,
): VersionedTable[] {
  const unstored = new Set(VERSIONED_TABLES);
  for (const [key, value] of rows) {
    const table = VERSIONED_TABLES.find((name) => name === key);
    if (table === undefined) continue;
    versions[table] = decode(key, value);
    unstored.delete(table);
  }
  return [...unstored];
}

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
