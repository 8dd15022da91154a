// Keys of the JSON header for the scanner (./json-header-scan): which top-level field a key names,
// and extFields keys as internalized strings, both found from the key's bytes and a hash of them
// without cutting a string out of the frame when the key was seen before.

/** The top-level keys the scanner keeps; serializeTypeCurrentRPC and unknown keys are OTHER. */
export const Key = { OTHER: 0, CODE: 1, LANGUAGE: 2, VERSION: 3, OPAQUE: 4, FLAG: 5, REMARK: 6, EXT_FIELDS: 7 } as const;
export type Key = (typeof Key)[keyof typeof Key];

/**
 * The hash of a key's bytes that cachedKey's callers compute as they read the key: plainKeyEnd
 * (./json-header-scan) while it looks for the closing quote, readKey (./binary-header) while it
 * checks the key is ASCII. A caller hashing differently would only miss the cache.
 */
function hashOf(bytes: Uint8Array): number {
  let hash = 0;
  for (const b of bytes) hash = (Math.imul(hash, 31) + b) | 0;
  return hash;
}

const KNOWN_KEYS: readonly { key: Key; bytes: Buffer; hash: number }[] = (
  [
    ['code', Key.CODE],
    ['opaque', Key.OPAQUE],
    ['flag', Key.FLAG],
    ['extFields', Key.EXT_FIELDS],
    ['version', Key.VERSION],
    ['language', Key.LANGUAGE],
    ['remark', Key.REMARK],
  ] as const
).map(([name, key]) => {
  const bytes = Buffer.from(name, 'latin1');
  return { key, bytes, hash: hashOf(bytes) };
});

/**
 * extFields keys repeat from one header to the next (a..m, msgId, queueOffset...). A key cut fresh
 * out of the header is a new string that V8 looks up in its string table on every property store,
 * which costs several times the store itself; keys come from this table of internalized strings
 * instead, indexed by a hash of their bytes (computed while finding the key's end) and checked
 * byte for byte against a copy, so a collision only costs a fresh key.
 */
const KEY_CACHE_SIZE = 512; // a power of two
const MAX_CACHED_KEY_BYTES = 40;
const keyCache: (string | undefined)[] = new Array<string | undefined>(KEY_CACHE_SIZE).fill(undefined);
/** The bytes of keyCache[slot] at slot * MAX_CACHED_KEY_BYTES: comparing bytes with bytes is the cheapest check. */
const keyCacheBytes = Buffer.alloc(KEY_CACHE_SIZE * MAX_CACHED_KEY_BYTES);

/** Which RemotingCommand field the plain ASCII key at buf[at, at + length) with hash `hash` names. */
export function knownKey(buf: Buffer, at: number, length: number, hash: number): Key {
  for (let k = 0; k < KNOWN_KEYS.length; k += 1) {
    const known = KNOWN_KEYS[k]!;
    if (known.hash === hash && known.bytes.length === length && bytesEqual(buf, at, known.bytes, 0, length)) return known.key;
  }
  return Key.OTHER;
}

/** The extFields key in plain ASCII at buf[at, at + length) whose hash is `hash`, from keyCache. */
export function cachedKey(buf: Buffer, text: string, at: number, length: number, hash: number, start: number): string {
  if (length > MAX_CACHED_KEY_BYTES) return text.slice(at - start, at - start + length);
  const slot = (hash ^ length) & (KEY_CACHE_SIZE - 1);
  const cached = keyCache[slot];
  if (cached !== undefined && cached.length === length && bytesEqual(buf, at, keyCacheBytes, slot * MAX_CACHED_KEY_BYTES, length)) return cached;
  const key = internalize(text.slice(at - start, at - start + length));
  keyCache[slot] = key;
  keyCacheBytes.set(buf.subarray(at, at + length), slot * MAX_CACHED_KEY_BYTES);
  return key;
}

function bytesEqual(a: Buffer, aAt: number, b: Buffer, bAt: number, length: number): boolean {
  for (let k = 0; k < length; k += 1) {
    if (a[aAt + k] !== b[bAt + k]) return false;
  }
  return true;
}

/** The string table's copy of `text`: property names are internalized, and Object.keys returns them. */
function internalize(text: string): string {
  return Object.keys({ [text]: 0 })[0]!;
}
