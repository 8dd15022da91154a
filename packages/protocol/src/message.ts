// The user-facing message and its mapping to the stored properties (reference §6.4). The well-known
// fields become system properties; everything in `properties` is the user's and may not take a
// system name (Java `Message.putUserProperty` refuses them the same way).
import { ProtocolError, ProtocolErrorCode } from './errors';
import { KEY_SEPARATOR, MessageConst, SYSTEM_PROPERTY_KEYS } from './message-const';

// Bound once at load (a module-export getter call per use under CommonJS).
const SYSTEM_KEYS = SYSTEM_PROPERTY_KEYS;

export interface Message {
  topic: string;
  body: Buffer;
  /** One tag; the broker filters on its hash code, ali-ons on the exact string. */
  tags?: string;
  /** Keys for lookup; stored space-separated, so a key can't contain a space. */
  keys?: readonly string[];
  /** @default 0 */
  flag?: number;
  /** User properties; names in SYSTEM_PROPERTY_KEYS are refused. */
  properties?: Readonly<Record<string, string>>;
  /** Delay level 1..N (1s 5s 10s 30s 1m ...); 0 or absent means deliver now. */
  delayTimeLevel?: number;
  /** Picks the queue for ordered messages (Apache's `__SHARDINGKEY`). */
  shardingKey?: string;
}

function badProperties(message: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.BAD_PROPERTIES, message);
}

/** The properties to store for `msg` (pass them to encodeProperties). */
export function messageToProperties(msg: Message): Record<string, string> {
  const props: Record<string, string> = {};
  if (msg.tags !== undefined && msg.tags !== '') props[MessageConst.TAGS] = msg.tags;
  if (msg.keys !== undefined) {
    for (const key of msg.keys) {
      // Would be split into two keys when read back, and never found under its own name.
      if (key.includes(KEY_SEPARATOR)) throw badProperties(`message key '${key}' contains a space; keys are stored space-separated, use another character`);
    }
    const keys = msg.keys.filter((key) => key !== '');
    if (keys.length > 0) props[MessageConst.KEYS] = keys.join(KEY_SEPARATOR);
  }
  if (msg.delayTimeLevel !== undefined && msg.delayTimeLevel !== 0) {
    if (!Number.isInteger(msg.delayTimeLevel) || msg.delayTimeLevel < 0) {
      throw badProperties(`delayTimeLevel ${msg.delayTimeLevel} is not a level; use a positive integer (1 = 1s, 2 = 5s, ...) or 0 for no delay`);
    }
    props[MessageConst.DELAY_TIME_LEVEL] = String(msg.delayTimeLevel);
  }
  if (msg.shardingKey !== undefined && msg.shardingKey !== '') props[MessageConst.SHARDING_KEY] = msg.shardingKey;
  const user = msg.properties;
  // A producer builds these per send: no entries array (nor an empty object) when there are none.
  if (user !== undefined) {
    for (const name of Object.keys(user)) {
      if (SYSTEM_KEYS.has(name)) {
        throw badProperties(`user property '${name}' uses a reserved system name; rename it (see SYSTEM_PROPERTY_KEYS) or use the Message field`);
      }
      const value = user[name]!;
      // An assignment to '__proto__' would change the prototype: define it as data instead.
      if (name === '__proto__') Object.defineProperty(props, name, { value, enumerable: true, writable: true, configurable: true });
      else props[name] = value;
    }
  }
  return props;
}

/** The message keys in a KEYS property: split on spaces, empties dropped. */
export function keysOf(properties: Readonly<Record<string, string>>): string[] {
  return splitKeys(properties[MessageConst.KEYS]);
}

/** keysOf for the KEYS property's value itself (or undefined when the message has none). */
export function splitKeys(keys: string | undefined): string[] {
  if (keys === undefined || keys === '') return [];
  // One key is the common case (a consumer builds this per message): no split, no filter.
  if (!keys.includes(KEY_SEPARATOR)) return [keys];
  return keys.split(KEY_SEPARATOR).filter((key) => key !== '');
}

/** What userPropertiesOf returns for a message without user properties (most messages). */
const NO_USER_PROPERTIES: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The properties that are the user's: everything not named in SYSTEM_PROPERTY_KEYS, nor `except`
 * (skipped here rather than deleted after: a delete turns the object into a slow dictionary).
 * A message without any gets one shared frozen empty object: no allocation per message.
 */
export function userPropertiesOf(properties: Readonly<Record<string, string>>, except?: string): Readonly<Record<string, string>> {
  // A plain loop into a plain object: this runs for every message a consumer receives, and the
  // entries/filter/fromEntries chain was 7% of a consumer's CPU when draining a backlog.
  const system = SYSTEM_KEYS;
  let user: Record<string, string> | undefined;
  for (const name in properties) {
    if (!Object.prototype.hasOwnProperty.call(properties, name) || system.has(name) || name === except) continue;
    const value = properties[name]!;
    user ??= {};
    // An assignment to '__proto__' would change the prototype: define it as data instead.
    if (name === '__proto__') Object.defineProperty(user, name, { value, enumerable: true, writable: true, configurable: true });
    else user[name] = value;
  }
  return user ?? NO_USER_PROPERTIES;
}
