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
import { ProtocolError, ProtocolErrorCode } from '../errors';
import { languageCodeOf, languageName } from './language-code';
import type { RemotingCommand } from './remoting-command';

const CODE = 0;
const LANGUAGE = 2;
const VERSION = 3;
const OPAQUE = 5;
const FLAG = 9;
const REMARK_LENGTH = 13;
/** Fields up to and including remarkLength. */
const FIXED_SIZE = 17;
const EXT_FIELDS_LENGTH_SIZE = 4;
const KEY_LENGTH_SIZE = 2;
const VALUE_LENGTH_SIZE = 4;
/** Key lengths are a Java short. */
const MAX_KEY_BYTES = 0x7fff;

/** Byte length of the binary header for `command`. Throws BAD_LENGTH for a key over 32767 bytes. */
export function binaryHeaderLength(command: RemotingCommand): number {
  let length = FIXED_SIZE + EXT_FIELDS_LENGTH_SIZE;
  if (command.remark) length += Buffer.byteLength(command.remark, 'utf8');
  const fields = command.extFields;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null) continue; // Java skips null values too
    const keyBytes = Buffer.byteLength(key, 'utf8');
    if (keyBytes > MAX_KEY_BYTES) {
      throw new ProtocolError(
        ProtocolErrorCode.BAD_LENGTH,
        `extFields key "${key.slice(0, 40)}..." is ${keyBytes} bytes; the binary header allows ${MAX_KEY_BYTES}. Use a shorter key or the JSON header`,
      );
    }
    length += KEY_LENGTH_SIZE + keyBytes + VALUE_LENGTH_SIZE + Buffer.byteLength(String(value), 'utf8');
  }
  return length;
}

/**
 * Writes the header at `offset`; `buf` must have binaryHeaderLength(command) bytes there.
 * code and version must fit an int16, opaque and flag an int32 (the frame codec checks).
 */
export function writeBinaryHeader(command: RemotingCommand, buf: Buffer, offset: number): void {
  buf.writeInt16BE(command.code, offset + CODE);
  buf.writeUInt8(languageCodeOf(command.language), offset + LANGUAGE);
  buf.writeInt16BE(command.version, offset + VERSION);
  buf.writeInt32BE(command.opaque, offset + OPAQUE);
  buf.writeInt32BE(command.flag, offset + FLAG);
  let p = offset + FIXED_SIZE;
  // Lengths are back-filled after each string is written, so every string is measured only once
  // (in binaryHeaderLength) and encoded only once (here), as Java's writeStr does.
  const remarkBytes = command.remark ? buf.write(command.remark, p, 'utf8') : 0;
  buf.writeInt32BE(remarkBytes, offset + REMARK_LENGTH);
  p += remarkBytes;
  const mapLengthAt = p;
  p += EXT_FIELDS_LENGTH_SIZE;
  const mapStart = p;
  const fields = command.extFields;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    const keyBytes = buf.write(key, p + KEY_LENGTH_SIZE, 'utf8');
    buf.writeInt16BE(keyBytes, p);
    p += KEY_LENGTH_SIZE + keyBytes;
    const valueBytes = buf.write(String(value), p + VALUE_LENGTH_SIZE, 'utf8');
    buf.writeInt32BE(valueBytes, p);
    p += VALUE_LENGTH_SIZE + valueBytes;
  }
  buf.writeInt32BE(p - mapStart, mapLengthAt);
}

/** Decodes the binary header in `frame[start, end)`. The result has no body; the frame codec adds it. */
export function decodeBinaryHeader(frame: Buffer, start: number, end: number): RemotingCommand {
  if (end - start < FIXED_SIZE) {
    throw badHeader(`the header is ${end - start} bytes, shorter than the ${FIXED_SIZE} bytes of fixed fields`);
  }
  const remarkLength = frame.readInt32BE(start + REMARK_LENGTH);
  let p = start + FIXED_SIZE;
  checkLength('remarkLength', remarkLength, end - p);
  const remark = remarkLength > 0 ? frame.toString('utf8', p, p + remarkLength) : undefined;
  p += remarkLength;

  if (end - p < EXT_FIELDS_LENGTH_SIZE) throw badHeader('the header ends inside extFieldsLength');
  const mapLength = frame.readInt32BE(p);
  p += EXT_FIELDS_LENGTH_SIZE;
  checkLength('extFieldsLength', mapLength, end - p);
  const mapEnd = p + mapLength;
  const extFields: Record<string, string> = {};
  while (p < mapEnd) {
    if (mapEnd - p < KEY_LENGTH_SIZE) throw badHeader('extFields ends inside a keyLength');
    const keyLength = frame.readInt16BE(p);
    p += KEY_LENGTH_SIZE;
    checkLength('keyLength', keyLength, mapEnd - p);
    const key = frame.toString('utf8', p, p + keyLength);
    p += keyLength;
    if (mapEnd - p < VALUE_LENGTH_SIZE) throw badHeader(`extFields ends inside the valueLength of key "${key}"`);
    const valueLength = frame.readInt32BE(p);
    p += VALUE_LENGTH_SIZE;
    checkLength(`valueLength of key "${key}"`, valueLength, mapEnd - p);
    setField(extFields, key, frame.toString('utf8', p, p + valueLength));
    p += valueLength;
  }
  if (p !== end) throw badHeader(`${end - p} bytes follow extFields inside the header`);

  const command: RemotingCommand = {
    code: frame.readInt16BE(start + CODE),
    language: languageName(frame[start + LANGUAGE]!),
    version: frame.readInt16BE(start + VERSION),
    opaque: frame.readInt32BE(start + OPAQUE),
    flag: frame.readInt32BE(start + FLAG),
    extFields,
    serializeType: 'ROCKETMQ',
  };
  if (remark !== undefined) command.remark = remark;
  return command;
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

function badHeader(reason: string): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.BAD_HEADER,
    `cannot decode a remoting command: ${reason}; the peer sent a malformed binary (ROCKETMQ) header`,
  );
}
