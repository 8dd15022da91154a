// What the key index is given per message, and the checks of a batch of them: dispatch hands them
// over in commit-log order, and a batch is refused whole if one entry is malformed.
import type { HashedKeys } from './hashed-keys';
import * as validate from './validate';
// Bound once at load: validateHashedKeys checks every key the index writes, and under CommonJS each use
// of an imported name is a module-export getter call.
// (Annotated: TypeScript calls an assertion function only through a name with a declared type.)
const assertNonEmptyString: typeof validate.assertNonEmptyString = validate.assertNonEmptyString;
const assertNonNegativeInteger: typeof validate.assertNonNegativeInteger = validate.assertNonNegativeInteger;

/** One stored message as the index sees it (RocketMQ's IndexService input from dispatch). */
export interface KeyIndexEntry {
  topic: string;
  /** The message's KEYS, already split (RocketMQ separates them by spaces). Empty strings are skipped. */
  keys: readonly string[];
  /** The UNIQ_KEY property (client-generated message id); absent or empty: not indexed. */
  uniqKey?: string;
  physicalOffset: number;
  storeTimestamp: number;
}

/** A message's key is indexed once: empty keys and repeats of an earlier key of the same message are not. */
export function isIndexedKey(keys: readonly string[], i: number): boolean {
  const key = keys[i]!;
  return key !== '' && (i === 0 || keys.indexOf(key) === i);
}

export function validateEntries(entries: readonly KeyIndexEntry[], indexedUpTo: number): void {
  const where = 'KeyIndex.writeBatch';
  let previous = 0;
  for (const entry of entries) {
    assertNonEmptyString(where, 'entry.topic', entry.topic);
    assertNonNegativeInteger(where, 'entry.physicalOffset', entry.physicalOffset);
    assertNonNegativeInteger(where, 'entry.storeTimestamp', entry.storeTimestamp);
    if (!Array.isArray(entry.keys) || !entry.keys.every((key) => typeof key === 'string')) {
      throw new TypeError(`${where}: entry.keys must be an array of strings (topic "${entry.topic}", offset ${entry.physicalOffset})`);
    }
    if (entry.uniqKey !== undefined && typeof entry.uniqKey !== 'string') {
      throw new TypeError(`${where}: entry.uniqKey must be a string when present (offset ${entry.physicalOffset})`);
    }
    if (entry.physicalOffset >= indexedUpTo) {
      throw new RangeError(
        `${where}: entry at offset ${entry.physicalOffset} is not below indexedUpTo ${indexedUpTo}; ` +
          'indexedUpTo is the exclusive end of the dispatched range (the next offset to index).',
      );
    }
    if (entry.physicalOffset < previous) {
      throw new RangeError(`${where}: entries must come in commit-log order, but offset ${entry.physicalOffset} follows ${previous}`);
    }
    previous = entry.physicalOffset;
  }
}

/** The same checks for keys hashed ahead (KeyIndex.writeHashed): offsets and timestamps, in order. */
export function validateHashedKeys(keys: HashedKeys, indexedUpTo: number): void {
  const where = 'KeyIndex.writeHashed';
  const { offsets, timestamps, length } = keys;
  let previous = 0;
  for (let i = 0; i < length; i++) {
    const offset = offsets[i]!;
    assertNonNegativeInteger(where, 'key offset', offset);
    assertNonNegativeInteger(where, 'key timestamp', timestamps[i]);
    if (offset >= indexedUpTo) throw new RangeError(`${where}: key at offset ${offset} is not below indexedUpTo ${indexedUpTo}`);
    if (offset < previous) throw new RangeError(`${where}: keys must come in commit-log order, but offset ${offset} follows ${previous}`);
    previous = offset;
  }
}
