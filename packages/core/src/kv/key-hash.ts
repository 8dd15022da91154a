// Hashes of the key index: two independent 32-bit hashes of (kind, topic, key), computed in one pass
// over the UTF-16 code units without building the joined string. `a` picks the hash slot; `a` and `b`
// together (64 bits) tell entries of different keys apart in a slot's chain, so a lookup rarely reads
// a message that is not a match. The index stays exact anyway: its callers verify every candidate
// against the stored message (as RocketMQ's IndexService does), so a collision costs a read, never a
// wrong answer.

/** What an index entry was written for; part of the hash, so a KEYS value never matches a UNIQ_KEY. */
export const KeyKind = { KEY: 1, UNIQ_KEY: 2 } as const;
export type KeyKind = (typeof KeyKind)[keyof typeof KeyKind];

/** Writes the two hashes of (kind, topic, key) into out[0] (slot hash) and out[1] (check hash). */
export type KeyHasher = (kind: KeyKind, topic: string, key: string, out: Uint32Array) => void;

/**
 * Separator between topic and key. Above every UTF-16 code unit (0..0xffff), so ("a\0", "b") and
 * ("a", "\0b") hash the separator at different places and differ like any other two strings.
 */
const SEPARATOR = 0x10000;

/** FNV-1a for `a`; a multiply-xorshift (MurmurHash2's mixing step) for `b`; both end in fmix32. */
export const hashIndexKey: KeyHasher = (kind, topic, key, out) => {
  let a = 0x811c9dc5 ^ kind;
  let b = 0x9747b28c ^ Math.imul(kind, 0x9e3779b1);
  for (let i = 0; i < topic.length; i++) {
    const c = topic.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a = Math.imul(a ^ SEPARATOR, 0x01000193);
  b = Math.imul(b ^ SEPARATOR, 0x5bd1e995);
  b ^= b >>> 15;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  out[0] = finalMix(a ^ key.length);
  out[1] = finalMix(b ^ topic.length);
};

/** MurmurHash3's fmix32: spreads every input bit over the output, so `a % slots` uses all of them. */
function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
