// A command whose extFields write their own bytes into a binary header, for commands sent once per
// message: a send's reply (msgId, queueId and queueOffset) and a producer's SEND_MESSAGE_V2 request.
// Building a fields object and encoding it walks the object's keys and copies every key and value
// character by character (~2 ns each on the development VM): ~0.5 us per send reply in isolation,
// ~6% of a busy broker's main thread. A PreparedFields writes constant keys as pre-encoded bytes and
// only its values by character.
//
// The binary header's map layout (binary-header.ts): repeated int16 keyLength, key, int32 valueLength,
// value, all UTF-8. A JSON header, or anyone reading `extFields`, gets the same entries as an object.
import * as headerBytes from './header-bytes';
import type { RemotingCommand, SerializeType } from './remoting-command';
import { PULSEJET_REMOTING_VERSION, RemotingCommandFlag } from './remoting-command';

// Bound once at load: under CommonJS every use of an imported name is a getter call (see frame-codec).
const { KEY_LENGTH_SIZE, MAX_BYTES_PER_UNIT, MAX_KEY_BYTES, VALUE_LENGTH_SIZE, writeDecimal, writeInt32, writeUtf8 } = headerBytes;

/** extFields that write their own map bytes when the command is encoded with a binary header. */
export interface PreparedFields {
  /** The most bytes writeTo writes (UTF-8's worst case for values of unknown text). */
  readonly maxBytes: number;
  /** Writes the entries at out[at...] (room for maxBytes); returns the offset after them. */
  writeTo(out: Buffer, at: number): number;
  /** The same entries as an object, in the same order. */
  toRecord(): Record<string, string>;
  /**
   * Whether any value is "": Java reads a zero-length binary string as null, so a client sends such
   * a command with a JSON header instead (the client's applySerializeType asks this, not the object).
   */
  hasEmptyValue(): boolean;
}

/**
 * A command carrying PreparedFields. Reading or assigning `extFields` turns them into an ordinary
 * object, which the encoders then use instead, so a caller that changes the object sends its change.
 * As with a lazily decoded command (binary-header.ts), extFields is an accessor: an object spread or
 * JSON.stringify leaves it out unless named.
 */
export class PreparedFieldsCommand implements RemotingCommand {
  language = 'JAVA';
  version = PULSEJET_REMOTING_VERSION;
  body: Buffer | undefined = undefined;
  private record: Record<string, string> | undefined = undefined;

  constructor(
    public code: number,
    public opaque: number,
    public flag: number,
    public serializeType: SerializeType,
    public remark: string | undefined,
    private readonly prepared: PreparedFields,
  ) {}

  get extFields(): Record<string, string> {
    if (this.record === undefined) this.record = this.prepared.toRecord();
    return this.record;
  }

  set extFields(fields: Record<string, string>) {
    this.record = fields;
  }

  /** The fields to write as they are, or undefined once extFields was read or assigned. */
  unreadFields(): PreparedFields | undefined {
    return this.record === undefined ? this.prepared : undefined;
  }
}

/** As createResponse, with the fields prepared: same opaque and serialize type, RESPONSE flag set. */
export function createPreparedResponse(request: RemotingCommand, code: number, remark: string | undefined, fields: PreparedFields): RemotingCommand {
  return new PreparedFieldsCommand(code, request.opaque, RemotingCommandFlag.RESPONSE, request.serializeType, remark, fields);
}

/** As createRequest, with the fields prepared (opaque 0 until the transport numbers it). */
export function createPreparedRequest(
  code: number,
  fields: PreparedFields,
  body?: Buffer,
  options: { oneway?: boolean; serializeType?: SerializeType } = {},
): RemotingCommand {
  const command = new PreparedFieldsCommand(code, 0, options.oneway ? RemotingCommandFlag.ONEWAY : 0, options.serializeType ?? 'JSON', undefined, fields);
  if (body !== undefined) command.body = body;
  return command;
}

/**
 * `command`, which carries `fields` unread, with another opaque and flag: a transport's copy of a
 * request (the caller's command stays as it was, for a retry) that still writes its fields directly.
 */
export function copyWithPreparedFields(command: RemotingCommand, fields: PreparedFields, opaque: number, flag: number): RemotingCommand {
  const copy = new PreparedFieldsCommand(command.code, opaque, flag, command.serializeType, command.remark, fields);
  copy.language = command.language;
  copy.version = command.version;
  copy.body = command.body;
  return copy;
}

/** The PreparedFields a binary header should write for `command`, if any. */
export function preparedFieldsOf(command: RemotingCommand): PreparedFields | undefined {
  return command instanceof PreparedFieldsCommand ? command.unreadFields() : undefined;
}

/** The most bytes of a safe integer in decimal: '-' and 16 digits. */
const MAX_DECIMAL_DIGITS = 17;

/** A key's bytes as the map holds them (int16 length, UTF-8), made once for writeEncoded to copy. */
export function encodeFieldKey(key: string): Uint8Array {
  const keyBytes = Buffer.from(key, 'utf8');
  if (keyBytes.length > MAX_KEY_BYTES) throw new RangeError(`extFields key "${key.slice(0, 40)}..." is ${keyBytes.length} bytes; the binary header allows ${MAX_KEY_BYTES}`);
  const out = new Uint8Array(KEY_LENGTH_SIZE + keyBytes.length);
  out[0] = keyBytes.length >>> 8;
  out[1] = keyBytes.length;
  out.set(keyBytes, KEY_LENGTH_SIZE);
  return out;
}

/** Whole entries whose values never change (e.g. a reply's MSG_REGION), made once, written by one set. */
export function encodeFieldEntries(entries: Readonly<Record<string, string>>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [key, value] of Object.entries(entries)) {
    const valueBytes = Buffer.from(value, 'utf8');
    const valueLength = Buffer.alloc(VALUE_LENGTH_SIZE);
    valueLength.writeInt32BE(valueBytes.length);
    parts.push(encodeFieldKey(key), valueLength, valueBytes);
  }
  return Uint8Array.from(Buffer.concat(parts));
}

/**
 * Up to this many bytes are copied by a loop. On the development VM (host at half speed) a
 * TypedArray#set of a standalone array cost ~48 ns whatever its length, a loop ~14 ns plus ~3.5 ns
 * a byte: 25 ns for 3 bytes (a one-letter key, as SEND_MESSAGE_V2 has nine), 42 for 8, 58 for 13.
 */
const LOOP_COPY_BYTES = 8;

/** Copies pre-encoded bytes (a key, constant entries) to out[at]; returns the offset after them. */
export function writeEncoded(out: Buffer, at: number, encoded: Uint8Array): number {
  const length = encoded.length;
  if (length > LOOP_COPY_BYTES) {
    out.set(encoded, at);
    return at + length;
  }
  for (let i = 0; i < length; i += 1) out[at + i] = encoded[i]!;
  return at + length;
}

/** The most bytes writeStringValue writes for `value`. */
export function stringValueMaxBytes(value: string): number {
  return VALUE_LENGTH_SIZE + value.length * MAX_BYTES_PER_UNIT;
}

/** A value's int32 length and UTF-8 bytes at out[at]; returns the offset after them. */
export function writeStringValue(out: Buffer, at: number, value: string): number {
  const start = at + VALUE_LENGTH_SIZE;
  const length = writeUtf8(out, start, value);
  writeInt32(out, at, length);
  return start + length;
}

/** The most bytes writeDecimalValue writes. */
export const DECIMAL_VALUE_MAX_BYTES = VALUE_LENGTH_SIZE + MAX_DECIMAL_DIGITS;

/**
 * A safe integer's decimal digits as a value (what String(value) gives) at out[at]; returns the offset
 * after them. Throws RangeError for anything else: String() of it could be longer than the bound.
 */
export function writeDecimalValue(out: Buffer, at: number, value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a safe integer`);
  const end = writeDecimal(out, at + VALUE_LENGTH_SIZE, value);
  writeInt32(out, at, end - at - VALUE_LENGTH_SIZE);
  return end;
}
