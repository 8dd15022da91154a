// The properties string of a stored message (reference §6.3): `key \u0001 value` pairs joined by
// `\u0002`. Encoding follows Java `MessageDecoder.messageProperties2String`; decoding follows
// `MessageDecoder.string2messageProperties`, which must also read what ali-ons writes (a trailing
// `\u0002`, and the literal text "null" for a missing tag).
import { ProtocolError, ProtocolErrorCode } from './errors';
import { propertyName } from './property-names';

export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';

function badProperty(what: string): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.BAD_PROPERTIES,
    `${what}; remove the \\u0001 and \\u0002 characters (they delimit the properties string) and use non-empty names`,
  );
}

/**
 * Java's format, with no trailing separator. Undefined or null values (possible from plain JS
 * callers) are skipped as Java skips nulls; so are empty values, which no Java reader would see
 * (`string2messageProperties` drops them). A key or value that would corrupt the format throws.
 */
export function encodeProperties(props: Readonly<Record<string, string>>): string {
  // String concatenation over Object.keys: this runs for every stored message.
  let encoded = '';
  const keys = Object.keys(props);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    const value: unknown = props[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw badProperty(`property '${key}' has a ${typeof value} value, not a string`);
    if (key === '') throw badProperty('a property has an empty name');
    if (hasSeparator(key)) throw badProperty(`property name ${JSON.stringify(key)} contains a separator character`);
    if (hasSeparator(value)) throw badProperty(`the value of property '${key}' contains a separator character`);
    encoded = encoded.length === 0 ? key + NAME_VALUE_SEPARATOR + value : encoded + PROPERTY_SEPARATOR + key + NAME_VALUE_SEPARATOR + value;
  }
  return encoded;
}

function hasSeparator(s: string): boolean {
  return s.includes(NAME_VALUE_SEPARATOR) || s.includes(PROPERTY_SEPARATOR);
}

/**
 * Tolerant like Java: a segment without a name/value separator, with an empty name or an empty
 * value is ignored, and so is a trailing separator. 'null' stays the literal string, as in Java
 * (ali-ons writes `TAGS\u0001null` for an untagged message). A later duplicate wins (HashMap.put).
 * Never throws.
 */
export function decodeProperties(s: string): Record<string, string> {
  // Straight into a plain object: three times faster than collecting a Map for Object.fromEntries,
  // and this runs for every message the broker receives.
  const properties: Record<string, string> = {};
  let index = 0;
  while (index < s.length) {
    let end = s.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = s.length;
    const sep = s.indexOf(NAME_VALUE_SEPARATOR, index);
    // Java: the segment needs >= 3 chars, a non-empty name and a non-empty value.
    if (sep > index && sep < end - 1) {
      const key = propertyName(s, index, sep);
      const value = s.slice(sep + 1, end);
      // An assignment to '__proto__' would change the prototype: define it as data instead.
      if (key === '__proto__') Object.defineProperty(properties, key, { value, enumerable: true, writable: true, configurable: true });
      else properties[key] = value;
    }
    index = end + 1;
  }
  return properties;
}
