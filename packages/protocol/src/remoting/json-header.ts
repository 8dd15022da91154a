// The JSON header (serializeType 0, reference §1.2 and §1.3). Java writes it with fastjson from
// RemotingCommand's fields; ali-ons writes it with JSON.stringify and reads it with JSON.parse, so
// we write strict JSON:
//
//   {"code":310,"language":"JAVA","version":409,"opaque":7,"flag":0,"remark":"...",
//    "extFields":{"topic":"TopicTest",...},"serializeTypeCurrentRPC":"JSON"}
//
// remark is left out when undefined. On decode, values are normalised the way Java's fastjson
// would read them into RemotingCommand (see toJavaString), since ali-ons sends numbers and booleans.
import { ProtocolError, ProtocolErrorCode } from '../errors';
import { languageName } from './language-code';
import type { RemotingCommand } from './remoting-command';

/** The header JSON text; the caller measures and writes its UTF-8 bytes. */
export function encodeJsonHeader(command: RemotingCommand): string {
  // A fresh literal with a fixed key order; JSON.stringify drops `remark` when it is undefined.
  return JSON.stringify({
    code: command.code,
    language: command.language,
    version: command.version,
    opaque: command.opaque,
    flag: command.flag,
    remark: command.remark,
    extFields: command.extFields,
    // Java's own replies carry it; peers ignore it (reference §1.2).
    serializeTypeCurrentRPC: 'JSON',
  });
}

/** Decodes the JSON header in `frame[start, end)`. The result has no body; the frame codec adds it. */
export function decodeJsonHeader(frame: Buffer, start: number, end: number): RemotingCommand {
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame.toString('utf8', start, end));
  } catch (error) {
    throw badHeader(`the JSON header (${end - start} bytes) is not valid JSON`, error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badHeader(`the JSON header must be an object, got ${describe(parsed)}`);
  }
  const header = parsed as Record<string, unknown>;
  const command: RemotingCommand = {
    code: int32Field(header, 'code', undefined),
    language: languageField(header.language),
    // Java's field defaults (RemotingCommand: version = 0, flag = 0) when a peer leaves them out.
    version: int32Field(header, 'version', 0),
    opaque: int32Field(header, 'opaque', undefined),
    flag: int32Field(header, 'flag', 0),
    extFields: extFieldsField(header.extFields),
    serializeType: 'JSON',
  };
  const remark = header.remark === undefined || header.remark === null ? undefined : toJavaString(header.remark);
  if (remark !== undefined) command.remark = remark;
  return command;
}

function int32Field(header: Record<string, unknown>, key: string, fallback: number | undefined): number {
  const value = header[key];
  // `(v | 0) === v` is true exactly for int32 integers (Java `int`).
  if (typeof value === 'number' && (value | 0) === value) return value | 0;
  if (fallback !== undefined && (value === undefined || value === null)) return fallback;
  throw badHeader(`header field "${key}" must be an int32 integer, got ${describe(value)}`);
}

function languageField(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return 'JAVA'; // Java's field default
  if (typeof value === 'number' && Number.isInteger(value)) return languageName(value);
  throw badHeader(`header field "language" must be a LanguageCode name or number, got ${describe(value)}`);
}

function extFieldsField(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badHeader(`header field "extFields" must be an object, got ${describe(value)}`);
  }
  // Normalised in place: the object is ours (fresh from JSON.parse), and from Java clients every
  // value is already a string, so the common case allocates nothing. Assigning to an own
  // "__proto__" key (JSON.parse makes it an own property) sets the property, not the prototype.
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    const field = fields[key];
    if (typeof field === 'string') continue;
    if (field === null) delete fields[key]; // ali-ons leaves these out; Java treats null as absent
    else fields[key] = toJavaString(field);
  }
  return fields as Record<string, string>;
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

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return typeof value;
}

function badHeader(reason: string, cause?: unknown): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.BAD_HEADER,
    `cannot decode a remoting command: ${reason}; the peer sent a malformed JSON header`,
    cause === undefined ? {} : { cause },
  );
}
