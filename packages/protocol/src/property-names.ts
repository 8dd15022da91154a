// Names the properties string usually carries, for decodeProperties: a property name found here is
// used as the constant (an internalized string) instead of a slice of the text. That saves a string
// per property and the hashing an object key made of a fresh string costs; a broker decodes the
// properties of every message it stores, a consumer of every message it receives.
import { MessageConst } from './message-const';

/** RocketMQ 5's whole-record CRC property (record-crc.ts, which imports properties.ts, so spelled here too). */
const RECORD_CRC_NAME = '__CRC32#';

/** Names longer than this are never looked up. */
const MAX_LENGTH = 63;

/** The names looked up (system properties and the record CRC). */
export const KNOWN_PROPERTY_NAMES: ReadonlySet<string> = new Set([...Object.values(MessageConst), RECORD_CRC_NAME]);

/** Candidates by length and first character code (7 bits; others never match). */
const byLengthAndFirst = new Map<number, string[]>();
for (const name of KNOWN_PROPERTY_NAMES) {
  if (name.length > MAX_LENGTH || name.charCodeAt(0) > 127) continue;
  const slot = name.length * 128 + name.charCodeAt(0);
  const names = byLengthAndFirst.get(slot) ?? [];
  names.push(name);
  byLengthAndFirst.set(slot, names);
}
const table: (readonly string[] | undefined)[] = new Array<readonly string[] | undefined>((MAX_LENGTH + 1) * 128).fill(undefined);
for (const [slot, names] of byLengthAndFirst) table[slot] = names;

/** The text of s[start, end): a well-known property name as its constant, anything else sliced. */
export function propertyName(s: string, start: number, end: number): string {
  const length = end - start;
  const first = s.charCodeAt(start);
  if (length <= MAX_LENGTH && first < 128) {
    const names = table[length * 128 + first];
    if (names !== undefined) {
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        if (s.startsWith(name, start)) return name;
      }
    }
  }
  return s.slice(start, end);
}
