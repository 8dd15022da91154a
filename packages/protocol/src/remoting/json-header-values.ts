// The rules that turn JSON header values into RemotingCommand fields (reference §1.2 and §1.3),
// shared by the JSON.parse reference decoder (./json-header-reference) and the byte scanner
// (./json-header-scan), so both accept, normalise and reject exactly the same values with the same
// errors. Each takes the value JSON.parse would have produced for its key (undefined when absent).
import { ProtocolError, ProtocolErrorCode } from '../errors';
import { languageName } from './language-code';

/** code, version, opaque or flag: a Java `int`; `fallback` is Java's field default, if it has one. */
export function int32Value(key: string, value: unknown, fallback: number | undefined): number {
  // `(v | 0) === v` is true exactly for int32 integers (Java `int`).
  if (typeof value === 'number' && (value | 0) === value) return value | 0;
  if (fallback !== undefined && (value === undefined || value === null)) return fallback;
  throw badHeader(`header field "${key}" must be an int32 integer, got ${describe(value)}`);
}

export function languageValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return 'JAVA'; // Java's field default
  if (typeof value === 'number' && Number.isInteger(value)) return languageName(value);
  throw badHeader(`header field "language" must be a LanguageCode name or number, got ${describe(value)}`);
}

export function remarkValue(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : toJavaString(value);
}

/** extFields when it is not an object: absent or null is empty, anything else is an error. */
export function extFieldsScalarValue(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  throw badHeader(`header field "extFields" must be an object, got ${describe(value)}`);
}

/**
 * What fastjson yields for a JSON value read into a Java String (StringCodec): integer literals
 * verbatim, decimals through BigDecimal.toString() (exponent as "E"), booleans "true"/"false",
 * objects and arrays as JSON text. We only have the parsed double, but String(n) reproduces any
 * literal JSON.stringify wrote, and JS clients are the only ones that send numbers here. Literals
 * from other writers that a double can't hold exactly (2^53 + 1, 1.50) come out as the double's text.
 */
export function toJavaString(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number': {
      const text = String(value);
      return text.includes('e') ? text.replace('e', 'E') : text;
    }
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return JSON.stringify(value);
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return typeof value;
}

export function badHeader(reason: string, cause?: unknown): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.BAD_HEADER,
    `cannot decode a remoting command: ${reason}; the peer sent a malformed JSON header`,
    cause === undefined ? {} : { cause },
  );
}
