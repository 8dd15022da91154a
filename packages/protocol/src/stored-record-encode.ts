// Writing records: the producer-side encoder, the store's position patch and segment-end padding.
// Layout and sizes come from ./stored-record (reference §6.1; Java `CommitLog.MessageExtEncoder`).
import * as checksum from './crc32';
import { ProtocolError, ProtocolErrorCode } from './errors';
import { encodeHostAddress, hostAddressBytes } from './host';
import { writeUInt64 } from './int64';
import { assertTopicName } from './topic';
import { MessageSysFlag } from './sys-flag';
import * as record from './stored-record';
import type { StoredRecordInput } from './stored-record';
// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and encodedRecordSize runs for every stored message.
const { crc32 } = checksum;
const { BLANK_MAGIC_CODE, BLANK_RECORD_MIN_SIZE, MESSAGE_MAGIC_CODE_V1, PROPERTIES_LENGTH_SIZE, PROPERTIES_MAX_BYTES, RECORD_FIXED_SIZE, RecordField, storedRecordSize } = record;

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const HOST_V6_BITS = MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOST_V6;

function badLength(message: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.BAD_LENGTH, message);
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ProtocolError(ProtocolErrorCode.UNSAFE_INTEGER, `${name} ${value} must be an integer in ${min}..${max}`);
  }
}

/** Java `UtilAll.crc32`: the CRC32 of the body with the sign bit cleared. */
export function bodyCrc(body: Uint8Array): number {
  return crc32(body) & INT32_MAX;
}

/**
 * TOTALSIZE of the record `input` would produce. Checks every field first, so that
 * writeStoredRecord either writes a whole record or throws without touching the target.
 * `leadingPropertiesBytes` are properties bytes stored before `input.properties` (prepareStoredRecord);
 * `textBytes`, when the caller knows it, is the UTF-8 length of `input.properties` (else measured).
 */
export function encodedRecordSize(input: StoredRecordInput, leadingPropertiesBytes = 0, textBytes = -1): number {
  // A valid topic is ASCII and at most 127 long, so it always fits the 1-byte TOPICLEN and the
  // recovery scanner (which checks topic names) will accept what we write.
  assertTopicName(input.topic);
  const propertiesBytes = leadingPropertiesBytes + (textBytes >= 0 ? textBytes : Buffer.byteLength(input.properties, 'utf8'));
  if (propertiesBytes > PROPERTIES_MAX_BYTES) {
    throw badLength(`properties are ${propertiesBytes} bytes; PROPLEN is a signed short, so keep them under ${PROPERTIES_MAX_BYTES + 1}`);
  }
  const size = storedRecordSize(input.body.length, input.topic.length, propertiesBytes);
  if (size > INT32_MAX) throw badLength(`a record of ${size} bytes overflows the int32 TOTALSIZE; send a smaller body`);
  // Spelled out rather than looped over an object: this runs for every message on the put path.
  checkInteger('queueId', input.queueId, INT32_MIN, INT32_MAX);
  checkInteger('flag', input.flag, INT32_MIN, INT32_MAX);
  checkInteger('sysFlag', input.sysFlag, INT32_MIN, INT32_MAX);
  checkInteger('reconsumeTimes', input.reconsumeTimes, INT32_MIN, INT32_MAX);
  checkInteger('bornTimestamp', input.bornTimestamp, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('preparedTransactionOffset', input.preparedTransactionOffset, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('queueOffset', input.queueOffset ?? 0, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('physicalOffset', input.physicalOffset ?? 0, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('storeTimestamp', input.storeTimestamp ?? 0, 0, Number.MAX_SAFE_INTEGER);
  // The V1 layout has 8-byte hosts; the V6 bits would tell readers to expect 20.
  if ((input.sysFlag & HOST_V6_BITS) !== 0) {
    throw new ProtocolError(ProtocolErrorCode.BAD_HOST, 'sysFlag has an IPv6 host bit set; records carry IPv4 hosts only, clear BORNHOST_V6 and STOREHOST_V6');
  }
  hostAddressBytes(input.bornHost); // validates (and caches) both hosts before anything is written
  hostAddressBytes(input.storeHost);
  return size;
}

/** The record's bytes in a new buffer. */
export function encodeStoredRecord(input: StoredRecordInput): Buffer {
  const size = encodedRecordSize(input);
  // Every byte is written below, so the buffer need not be zeroed first.
  const target = Buffer.allocUnsafe(size);
  writeChecked(input, size, target, 0);
  return target;
}

/** Writes the record for `input` at `at` (e.g. straight into a segment buffer); returns its size. */
export function writeStoredRecord(input: StoredRecordInput, target: Buffer, at: number): number {
  const size = encodedRecordSize(input);
  if (!Number.isInteger(at) || at < 0 || at + size > target.length) {
    throw badLength(`a record of ${size} bytes does not fit at ${at} in a ${target.length}-byte target`);
  }
  writeChecked(input, size, target, at);
  return size;
}

function writeChecked(input: StoredRecordInput, size: number, target: Buffer, at: number): void {
  target.writeInt32BE(size, at + RecordField.TOTAL_SIZE);
  target.writeInt32BE(MESSAGE_MAGIC_CODE_V1, at + RecordField.MAGIC);
  target.writeInt32BE(bodyCrc(input.body), at + RecordField.BODY_CRC);
  target.writeInt32BE(input.queueId, at + RecordField.QUEUE_ID);
  target.writeInt32BE(input.flag, at + RecordField.FLAG);
  writeUInt64(target, at + RecordField.QUEUE_OFFSET, input.queueOffset ?? 0);
  writeUInt64(target, at + RecordField.PHYSICAL_OFFSET, input.physicalOffset ?? 0);
  target.writeInt32BE(input.sysFlag, at + RecordField.SYS_FLAG);
  writeUInt64(target, at + RecordField.BORN_TIMESTAMP, input.bornTimestamp);
  encodeHostAddress(input.bornHost, target, at + RecordField.BORN_HOST);
  writeUInt64(target, at + RecordField.STORE_TIMESTAMP, input.storeTimestamp ?? 0);
  encodeHostAddress(input.storeHost, target, at + RecordField.STORE_HOST);
  target.writeInt32BE(input.reconsumeTimes, at + RecordField.RECONSUME_TIMES);
  writeUInt64(target, at + RecordField.PREPARED_TX_OFFSET, input.preparedTransactionOffset);
  target.writeInt32BE(input.body.length, at + RecordField.BODY_LENGTH);
  let pos = at + RecordField.BODY + input.body.copy(target, at + RecordField.BODY);
  pos = target.writeUInt8(input.topic.length, pos);
  pos += target.write(input.topic, pos, 'latin1');
  // What is left of TOTALSIZE after PROPLEN is the properties' UTF-8 length.
  pos = target.writeInt16BE(at + size - pos - PROPERTIES_LENGTH_SIZE, pos);
  target.write(input.properties, pos, 'utf8');
}

/**
 * Rewrites QUEUEOFFSET, PHYSICALOFFSET and STORETIMESTAMP of the record at `at`: the store only
 * knows them when it appends (Java writes them in `DefaultAppendMessageCallback.doAppend`).
 */
export function patchRecordPosition(record: Buffer, at: number, queueOffset: number, physicalOffset: number, storeTimestamp: number): void {
  if (!Number.isInteger(at) || at < 0 || at + RECORD_FIXED_SIZE > record.length) {
    throw new ProtocolError(ProtocolErrorCode.TRUNCATED_RECORD, `no record header fits at ${at} in a ${record.length}-byte buffer; pass the record's start`);
  }
  const magic = record.readInt32BE(at + RecordField.MAGIC);
  if (magic !== MESSAGE_MAGIC_CODE_V1) {
    throw new ProtocolError(ProtocolErrorCode.BAD_MAGIC, `no V1 record starts at ${at} (magic ${magic}); pass the record's start`);
  }
  checkInteger('queueOffset', queueOffset, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('physicalOffset', physicalOffset, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('storeTimestamp', storeTimestamp, 0, Number.MAX_SAFE_INTEGER);
  writeUInt64(record, at + RecordField.QUEUE_OFFSET, queueOffset);
  writeUInt64(record, at + RecordField.PHYSICAL_OFFSET, physicalOffset);
  writeUInt64(record, at + RecordField.STORE_TIMESTAMP, storeTimestamp);
}

/** Marks [at, at + size) as padding to a segment's end; only its first 8 bytes are written. */
export function writeBlankRecord(target: Buffer, at: number, size: number): void {
  if (!Number.isInteger(size) || size < BLANK_RECORD_MIN_SIZE || size > INT32_MAX || !Number.isInteger(at) || at < 0 || at + size > target.length) {
    throw badLength(`a blank record of ${size} bytes at ${at} needs ${BLANK_RECORD_MIN_SIZE}+ bytes inside the ${target.length}-byte target`);
  }
  target.writeInt32BE(size, at + RecordField.TOTAL_SIZE);
  target.writeInt32BE(BLANK_MAGIC_CODE, at + RecordField.MAGIC);
}
