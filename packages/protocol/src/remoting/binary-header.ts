// The binary "ROCKETMQ" header (serializeType 1, reference §1.4; Java RocketMQSerializable).
// Big-endian throughout:
//
//   int16  code
//   int8   language (LanguageCode byte)
//   int16  version
//   int32  opaque
//   int32  flag
//   int32  remarkLength, then that many bytes of UTF-8 (0 = no remark)
//   int32  extFieldsLength: byte length of the map block that follows (0 = none)
//     repeated until extFieldsLength is used up:
//       int16 keyLength,   key bytes (UTF-8)
//       int32 valueLength, value bytes (UTF-8)
//
// Java reads a zero-length string as null; we read an empty remark as "no remark" and an empty
// key or value as "", so our own empty values survive a round trip. Every length is checked
// against what remains of its block before anything is read or allocated.
//
// Speed: this is the header Pulsejet's own clients send (ClientInstanceOptions.serializeType), so it is
// on every request and reply path. A native Buffer call (write, toString) costs ~60-75 ns here
// whatever the length, a JavaScript loop ~2 ns per character: short strings (most keys and values)
// are copied by a loop, long ones (message properties) by one native call. The writer asks for room
// by a bound (3 bytes per UTF-16 unit, UTF-8's most) and back-fills each length after the string,
// so nothing is measured before it is written. The reader cuts ASCII strings out of one Latin-1
// string of the whole header (String#slice is a builtin, not a native call) and takes extFields keys
// from the JSON scanner's cache of internalized keys, as property stores want them.
import { ProtocolError, ProtocolErrorCode } from '../errors';
import * as byteRuns from '../byte-copy';
import * as slices from './buffer-slices';
import type { SlicingBuffer } from './buffer-slices';
import * as headerBytes from './header-bytes';
import * as jsonKeys from './json-header-scan-keys';
import * as languages from './language-code';
import * as preparedFields from './prepared-fields';
import type { RemotingCommand, SerializeType } from './remoting-command';

// Bound once at load: under CommonJS every use of an imported name is a getter call (see frame-codec).
const { cachedKey } = jsonKeys;
const { languageCodeOf, languageName } = languages;
const { CAN_SLICE } = slices;
const { isAsciiRun } = byteRuns;
const { KEY_LENGTH_SIZE, MAX_BYTES_PER_UNIT, MAX_KEY_BYTES, NATIVE_FROM, VALUE_LENGTH_SIZE, writeInt16, writeInt32 } = headerBytes;
const writeString = headerBytes.writeUtf8;
const { preparedFieldsOf } = preparedFields;

const CODE = 0;
const LANGUAGE = 2;
const VERSION = 3;
const OPAQUE = 5;
const FLAG = 9;
const REMARK_LENGTH = 13;
/** Fields up to and including remarkLength. */
const FIXED_SIZE = 17;
const EXT_FIELDS_LENGTH_SIZE = 4;

/**
 * Upper bound of the header's bytes for `command` (each string counted at 3 bytes per UTF-16 unit):
 * the room writeBinaryHeaderAt needs.
 */
export function binaryHeaderBound(command: RemotingCommand): number {
  let units = 0;
  let bytes = FIXED_SIZE + EXT_FIELDS_LENGTH_SIZE;
  if (command.remark) units += command.remark.length;
  const prepared = preparedFieldsOf(command);
  if (prepared !== undefined) return bytes + prepared.maxBytes + units * MAX_BYTES_PER_UNIT;
  const fields = command.extFields;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null) continue; // Java skips null values too
    units += key.length + (typeof value === 'string' ? value.length : String(value).length);
    bytes += KEY_LENGTH_SIZE + VALUE_LENGTH_SIZE;
  }
  return bytes + units * MAX_BYTES_PER_UNIT;
}

/** Exact byte length of the header for `command`. Throws BAD_LENGTH for a key over 32767 bytes. */
export function binaryHeaderLength(command: RemotingCommand): number {
  let length = FIXED_SIZE + EXT_FIELDS_LENGTH_SIZE;
  if (command.remark) length += Buffer.byteLength(command.remark, 'utf8');
  // Measured from the object: prepared fields know only their bound (the object is then what is written).
  const fields = command.extFields;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    const keyBytes = Buffer.byteLength(key, 'utf8');
    if (keyBytes > MAX_KEY_BYTES) throw keyTooLong(key, keyBytes);
    length += KEY_LENGTH_SIZE + keyBytes + VALUE_LENGTH_SIZE + Buffer.byteLength(String(value), 'utf8');
  }
  return length;
}

/**
 * Writes the header at `out[start]` and returns the offset after it. `out` must have
 * binaryHeaderBound(command) (or binaryHeaderLength) bytes from `start`. code and version must fit
 * an int16, opaque and flag an int32 (the frame codec checks). Throws BAD_LENGTH for a key over
 * 32767 bytes, after writing part of the header.
 */
export function writeBinaryHeaderAt(command: RemotingCommand, out: Buffer, start: number): number {
  writeInt16(out, start + CODE, command.code);
  out[start + LANGUAGE] = languageCodeOf(command.language);
  writeInt16(out, start + VERSION, command.version);
  writeInt32(out, start + OPAQUE, command.opaque);
  writeInt32(out, start + FLAG, command.flag);
  let p = start + FIXED_SIZE;
  // Lengths are back-filled after each string is written, as Java's writeStr does.
  const remarkBytes = command.remark ? writeString(out, p, command.remark) : 0;
  writeInt32(out, start + REMARK_LENGTH, remarkBytes);
  p += remarkBytes;
  const mapLengthAt = p;
  p += EXT_FIELDS_LENGTH_SIZE;
  const mapStart = p;
  const prepared = preparedFieldsOf(command);
  if (prepared !== undefined) {
    p = prepared.writeTo(out, mapStart);
    writeInt32(out, mapLengthAt, p - mapStart);
    return p;
  }
  const fields = command.extFields;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    const keyBytes = writeString(out, p + KEY_LENGTH_SIZE, key);
    if (keyBytes > MAX_KEY_BYTES) throw keyTooLong(key, keyBytes);
    writeInt16(out, p, keyBytes);
    p += KEY_LENGTH_SIZE + keyBytes;
    const valueBytes = writeString(out, p + VALUE_LENGTH_SIZE, typeof value === 'string' ? value : String(value));
    writeInt32(out, p, valueBytes);
    p += VALUE_LENGTH_SIZE + valueBytes;
  }
  writeInt32(out, mapLengthAt, p - mapStart);
  return p;
}

/**
 * Where a decoded command's extFields entries lie while nobody has read `extFields`: the map's bytes
 * `rawBuffer[rawStart, rawEnd)`, already checked (every length fits). A processor on a hot path reads
 * the fields it knows straight from them (rawExtFieldsOf) instead of having an object built.
 */
export interface RawExtFields {
  readonly rawBuffer: Buffer;
  readonly rawStart: number;
  readonly rawEnd: number;
}

/**
 * Decodes the binary header in `frame[start, end)`. The result has no body; the frame codec adds it.
 * With `lazy`, every length is checked as without it, but the extFields object is built only when
 * first read: until then rawExtFieldsOf(command) gives its bytes. Building the object costs a property
 * store per field and a string per value; the broker's send processor reads its dozen fields from the
 * bytes instead, which took ~0.6 us per 1 KiB send off its main thread (7.0 against 7.6 us).
 */
export function decodeBinaryHeader(frame: Buffer, start: number, end: number, lazy = false): RemotingCommand {
  if (end - start < FIXED_SIZE) {
    throw badHeader(`the header is ${end - start} bytes, shorter than the ${FIXED_SIZE} bytes of fixed fields`);
  }
  const buf = frame as SlicingBuffer;
  const remarkLength = readInt32(frame, start + REMARK_LENGTH);
  let p = start + FIXED_SIZE;
  checkLength('remarkLength', remarkLength, end - p);
  const remark = remarkLength > 0 ? buf.toString('utf8', p, p + remarkLength) : undefined;
  p += remarkLength;

  if (end - p < EXT_FIELDS_LENGTH_SIZE) throw badHeader('the header ends inside extFieldsLength');
  const mapLength = readInt32(frame, p);
  p += EXT_FIELDS_LENGTH_SIZE;
  checkLength('extFieldsLength', mapLength, end - p);
  const mapEnd = p + mapLength;
  if (mapEnd !== end) throw badHeader(`${end - mapEnd} bytes follow extFields inside the header`);
  const extFields: Record<string, string> | undefined = lazy ? undefined : {};
  readExtFields(buf, p, mapEnd, extFields);

  const code = ((frame[start + CODE]! << 24) >> 16) | frame[start + CODE + 1]!;
  const language = languageName(frame[start + LANGUAGE]!);
  const version = ((frame[start + VERSION]! << 24) >> 16) | frame[start + VERSION + 1]!;
  const opaque = readInt32(frame, start + OPAQUE);
  const flag = readInt32(frame, start + FLAG);
  if (extFields === undefined) return new LazyFieldsCommand(code, language, version, opaque, flag, remark, buf, p, mapEnd);
  const command: RemotingCommand = { code, language, version, opaque, flag, extFields, serializeType: 'ROCKETMQ' };
  if (remark !== undefined) command.remark = remark;
  return command;
}

/** The bytes of `command`'s extFields when it was decoded lazily and nobody has read them yet. */
export function rawExtFieldsOf(command: RemotingCommand): RawExtFields | undefined {
  return command instanceof LazyFieldsCommand && command.unread() ? command : undefined;
}

/**
 * A command whose extFields are decoded on first read. A class with an accessor rather than an
 * object literal: the accessor lives on the prototype, so making one costs no more than a literal.
 * Object spread and JSON.stringify see own properties only, so they leave extFields out; the
 * transport hands these to dispatchers and processors, which read `extFields` by name.
 */
class LazyFieldsCommand implements RemotingCommand, RawExtFields {
  remark: string | undefined;
  body: Buffer | undefined = undefined;
  serializeType: SerializeType = 'ROCKETMQ';
  private fields: Record<string, string> | undefined = undefined;
  /**
   * The frame's bytes until extFields are read or assigned, then dropped: a request a processor keeps
   * (a long-polling pull held for seconds) must not keep the whole read chunk it arrived in alive.
   */
  private source: Buffer | undefined;

  constructor(
    public code: number,
    public language: string,
    public version: number,
    public opaque: number,
    public flag: number,
    remark: string | undefined,
    source: Buffer,
    readonly rawStart: number,
    readonly rawEnd: number,
  ) {
    this.remark = remark;
    this.source = source;
  }

  /** Only while unread() (rawExtFieldsOf checks). */
  get rawBuffer(): Buffer {
    return this.source!;
  }

  get extFields(): Record<string, string> {
    if (this.fields === undefined) {
      const fields: Record<string, string> = {};
      readExtFields(this.source as SlicingBuffer, this.rawStart, this.rawEnd, fields);
      this.fields = fields;
      this.source = undefined;
    }
    return this.fields;
  }

  set extFields(fields: Record<string, string>) {
    this.fields = fields;
    this.source = undefined;
  }

  unread(): boolean {
    return this.source !== undefined;
  }
}

/**
 * Walks the extFields block `buf[p, mapEnd)`, checking that every length fits before it is used, and
 * stores its entries into `into` when given (without it, only checks: a lazy decode). One walk per
 * decode either way; a lazy command's later read walks again with checks that can no longer fail.
 */
function readExtFields(buf: SlicingBuffer, p: number, mapEnd: number, into?: Record<string, string>): void {
  // The block as one character per byte, for the ASCII strings to be cut from (unused without the
  // slicers: readString and readKey then decode every string with Buffer#toString).
  const text = into !== undefined && CAN_SLICE ? buf.latin1Slice(p, mapEnd) : '';
  // All ASCII (the usual case), checked once by words: every value is then its Latin-1 slice, long
  // ones (a send's properties) included, with no per-value check or native UTF-8 decode.
  const ascii = text !== '' && isAsciiRun(buf, p, mapEnd);
  const start = p;
  while (p < mapEnd) {
    if (mapEnd - p < KEY_LENGTH_SIZE) throw badHeader('extFields ends inside a keyLength');
    const keyLength = ((buf[p]! << 24) >> 16) | buf[p + 1]!; // int16, sign-extended
    p += KEY_LENGTH_SIZE;
    checkLength('keyLength', keyLength, mapEnd - p);
    const keyAt = p;
    p += keyLength;
    // The key is read for a message only when no entry is stored.
    if (mapEnd - p < VALUE_LENGTH_SIZE) throw badHeader(`extFields ends inside the valueLength of key "${buf.toString('utf8', keyAt, p)}"`);
    const valueLength = readInt32(buf, p);
    p += VALUE_LENGTH_SIZE;
    if (valueLength < 0 || valueLength > mapEnd - p) checkLength(`valueLength of key "${buf.toString('utf8', keyAt, keyAt + keyLength)}"`, valueLength, mapEnd - p);
    if (into !== undefined) setField(into, readKey(buf, text, start, keyAt, keyLength), ascii ? text.slice(p - start, p - start + valueLength) : readString(buf, text, start, p, valueLength));
    p += valueLength;
  }
}

/** The UTF-8 string at buf[at, at + length); `text` is the header from `start` as Latin-1. */
function readString(buf: SlicingBuffer, text: string, start: number, at: number, length: number): string {
  if (length > NATIVE_FROM || !CAN_SLICE) return buf.toString('utf8', at, at + length);
  let any = 0;
  for (let i = at; i < at + length; i += 1) any |= buf[i]!;
  // Plain ASCII: Latin-1 and UTF-8 read the same characters.
  return any < 0x80 ? text.slice(at - start, at - start + length) : buf.utf8Slice(at, at + length);
}

/** An extFields key, from the cache of internalized keys when it is plain ASCII. */
function readKey(buf: SlicingBuffer, text: string, start: number, at: number, length: number): string {
  let hash = 0;
  let any = 0;
  for (let i = at; i < at + length; i += 1) {
    const b = buf[i]!;
    any |= b;
    hash = (Math.imul(hash, 31) + b) | 0;
  }
  return any < 0x80 && CAN_SLICE ? cachedKey(buf, text, at, length, hash, start) : buf.toString('utf8', at, at + length);
}

function readInt32(buf: Buffer, at: number): number {
  return (buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!;
}

function checkLength(field: string, length: number, remaining: number): void {
  if (length < 0 || length > remaining) {
    throw badHeader(`${field} is ${length} but ${remaining} bytes remain`);
  }
}

function setField(fields: Record<string, string>, key: string, value: string): void {
  // A plain assignment to "__proto__" would replace the prototype instead of adding a field.
  if (key === '__proto__') Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
  else fields[key] = value;
}

function keyTooLong(key: string, keyBytes: number): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.BAD_LENGTH,
    `extFields key "${key.slice(0, 40)}..." is ${keyBytes} bytes; the binary header allows ${MAX_KEY_BYTES}. Use a shorter key or the JSON header`,
  );
}

function badHeader(reason: string): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.BAD_HEADER,
    `cannot decode a remoting command: ${reason}; the peer sent a malformed binary (ROCKETMQ) header`,
  );
}
