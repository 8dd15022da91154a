// The store's hot path: validate and checksum a message once (prepareStoredRecord, when the put
// arrives), then write its bytes straight into the writer's staging buffer with the position fields
// the writer assigns (writePreparedRecord). No intermediate record buffer, no second validation.
import { hostAddressBytes } from './host';
import { MESSAGE_MAGIC_CODE_V1, RecordField, type StoredRecordInput } from './stored-record';
import * as checksum from './crc32';
import * as encode from './stored-record-encode';
import * as copying from './byte-copy';
// Bound once at load: under CommonJS every use of an imported name is a module-export getter call.
const { crc32 } = checksum;
const { copyRun, targetViewOf } = copying;

export interface PreparedRecord {
  /** TOTALSIZE of the record. */
  readonly size: number;
  readonly topic: string;
  readonly queueId: number;
  readonly flag: number;
  readonly sysFlag: number;
  readonly bornTimestamp: number;
  readonly bornHost: Buffer;
  readonly storeHost: Buffer;
  readonly reconsumeTimes: number;
  readonly preparedTransactionOffset: number;
  readonly body: Buffer;
  /** BODYCRC as stored: CRC-32 of the body with the sign bit cleared (Java UtilAll.crc32). */
  readonly bodyCrc: number;
  /** The body's unmasked CRC-32, which the whole-record seal splices in (sealRecordCrcKnowingBody). */
  readonly bodyCrc32: number;
  /** Encoded properties stored verbatim before `properties`, or undefined (prepareStoredRecord's `leading`). */
  readonly leadingProperties: PropertiesBytes | undefined;
  /** The properties (after leadingProperties, when present) as text, encoded as UTF-8 when written. */
  readonly properties: string;
}

/**
 * Encoded properties (RocketMQ's `name\u0001value` pairs joined by `\u0002`): source[start, end),
 * less source[cutStart, cutEnd) when a cut is given (a broker leaves out a single send's WAIT pair
 * with one of its separators, so the rest is still well formed).
 */
export interface PropertiesBytes {
  readonly source: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly cutStart?: number;
  readonly cutEnd?: number;
}

/** How many bytes `bytes` stands for (its cut left out). */
export function propertiesBytesLength(bytes: PropertiesBytes): number {
  return bytes.end - bytes.start - (bytes.cutEnd === undefined ? 0 : bytes.cutEnd - bytes.cutStart!);
}

/** The last byte `bytes` stands for, or -1 when it stands for none. */
export function lastPropertiesByte(bytes: PropertiesBytes): number {
  const { source, start, cutStart, cutEnd } = bytes;
  let end = bytes.end;
  if (cutEnd === end) end = cutStart!;
  return end > start ? source[end - 1]! : -1;
}

// Field positions as plain constants: this file runs per message, and module-export getters are not free.
const TOTAL_SIZE = RecordField.TOTAL_SIZE;
const MAGIC = RecordField.MAGIC;
const BODY_CRC = RecordField.BODY_CRC;
const QUEUE_ID = RecordField.QUEUE_ID;
const FLAG = RecordField.FLAG;
const QUEUE_OFFSET = RecordField.QUEUE_OFFSET;
const PHYSICAL_OFFSET = RecordField.PHYSICAL_OFFSET;
const SYS_FLAG = RecordField.SYS_FLAG;
const BORN_TIMESTAMP = RecordField.BORN_TIMESTAMP;
const BORN_HOST = RecordField.BORN_HOST;
const STORE_TIMESTAMP = RecordField.STORE_TIMESTAMP;
const STORE_HOST = RecordField.STORE_HOST;
const RECONSUME_TIMES = RecordField.RECONSUME_TIMES;
const PREPARED_TX_OFFSET = RecordField.PREPARED_TX_OFFSET;
const BODY_LENGTH = RecordField.BODY_LENGTH;
const BODY = RecordField.BODY;
const MAGIC_V1 = MESSAGE_MAGIC_CODE_V1;
const TWO_POW_32 = 0x1_0000_0000;
// A local binding: under CommonJS a call through the import is a module-export getter call per message.
const encodedRecordSize = encode.encodedRecordSize;
const INT32_MAX = 0x7fffffff;

/**
 * Validates `input` (throws ProtocolError like encodeStoredRecord) and computes the body CRC. With
 * `leading`, the record's properties are those bytes followed by `input.properties`: a broker stores
 * a batch entry's properties as they came, as Java's does, instead of decoding and encoding them.
 * `textBytes`: the UTF-8 length of `input.properties` when the caller knows it (encodedRecordSize).
 */
export function prepareStoredRecord(input: StoredRecordInput, leading?: PropertiesBytes, textBytes = -1): PreparedRecord {
  const size = encodedRecordSize(input, leading === undefined ? 0 : propertiesBytesLength(leading), textBytes);
  const bodyCrc32 = crc32(input.body);
  return {
    size,
    topic: input.topic,
    queueId: input.queueId,
    flag: input.flag,
    sysFlag: input.sysFlag,
    bornTimestamp: input.bornTimestamp,
    bornHost: hostAddressBytes(input.bornHost),
    storeHost: hostAddressBytes(input.storeHost),
    reconsumeTimes: input.reconsumeTimes,
    preparedTransactionOffset: input.preparedTransactionOffset,
    body: input.body,
    bodyCrc: bodyCrc32 & INT32_MAX,
    bodyCrc32,
    leadingProperties: leading,
    properties: input.properties,
  };
}

/**
 * Writes a prepared record at `at` with its final position fields. The caller guarantees room for
 * `record.size` bytes and safe non-negative integers (the store's own counters).
 */
export function writePreparedRecord(record: PreparedRecord, target: Buffer, at: number, queueOffset: number, physicalOffset: number, storeTimestamp: number): void {
  const body = record.body;
  const view = targetViewOf(target);
  writeRecordHead(view, at, record.size, record.bodyCrc, record.queueId, record.flag, queueOffset, physicalOffset, record.sysFlag, record.bornTimestamp, record.bornHost, storeTimestamp, record.storeHost, record.reconsumeTimes, record.preparedTransactionOffset, body.length);
  // TypedArray#set, not Buffer#copy: a builtin rather than a call into C++ (~60 ns here, per message).
  target.set(body, at + BODY);
  const end = at + record.size;
  const pos = writeTopicAndPropertiesLength(view, target, at + BODY + body.length, record.topic, end);
  const leading = record.leadingProperties;
  if (leading === undefined) writeText(record.properties, target, pos, end);
  else writeTail(record.properties, target, copyBytes(leading, target, pos));
}

/**
 * The fields before BODY, written with plain DataView stores. Shared by writePreparedRecord and the
 * batch writer (prepared-batch.ts), so the record layout is spelled out once.
 */
export function writeRecordHead(
  view: DataView,
  at: number,
  size: number,
  bodyCrc: number,
  queueId: number,
  flag: number,
  queueOffset: number,
  physicalOffset: number,
  sysFlag: number,
  bornTimestamp: number,
  bornHost: Buffer,
  storeTimestamp: number,
  storeHost: Buffer,
  reconsumeTimes: number,
  preparedTransactionOffset: number,
  bodyLength: number,
): void {
  view.setInt32(at + TOTAL_SIZE, size);
  view.setInt32(at + MAGIC, MAGIC_V1);
  view.setInt32(at + BODY_CRC, bodyCrc);
  view.setInt32(at + QUEUE_ID, queueId);
  view.setInt32(at + FLAG, flag);
  writeUnsigned64(view, at + QUEUE_OFFSET, queueOffset);
  writeUnsigned64(view, at + PHYSICAL_OFFSET, physicalOffset);
  view.setInt32(at + SYS_FLAG, sysFlag);
  writeUnsigned64(view, at + BORN_TIMESTAMP, bornTimestamp);
  copyHost(view, bornHost, at + BORN_HOST);
  writeUnsigned64(view, at + STORE_TIMESTAMP, storeTimestamp);
  copyHost(view, storeHost, at + STORE_HOST);
  view.setInt32(at + RECONSUME_TIMES, reconsumeTimes);
  writeUnsigned64(view, at + PREPARED_TX_OFFSET, preparedTransactionOffset);
  view.setInt32(at + BODY_LENGTH, bodyLength);
}

/**
 * TOPICLEN, the topic and PROPLEN at `pos` (just after the body) of a record ending at `end`; returns
 * where the properties start. A valid topic is ASCII (checked at prepare time) and short: a loop
 * beats a native write.
 */
export function writeTopicAndPropertiesLength(view: DataView, target: Buffer, pos: number, topic: string, end: number): number {
  target[pos] = topic.length;
  pos += 1;
  for (let i = 0; i < topic.length; i += 1) target[pos + i] = topic.charCodeAt(i);
  pos += topic.length;
  view.setInt16(pos, end - pos - 2);
  return pos + 2;
}

/** The last text written after properties bytes, and its UTF-8. */
let tailText = '';
let tailBytes: Uint8Array = new Uint8Array(0);

/**
 * What follows properties bytes (the store's appended pairs and the CRC placeholder) is the same text
 * from record to record: its bytes are kept and copied whole (byte-copy.ts), where Buffer#write encoded
 * it each time (a native call: 4.6% of a batched broker's main thread with its wrapper).
 */
function writeTail(text: string, target: Buffer, at: number): void {
  if (text !== tailText) {
    tailBytes = new Uint8Array(Buffer.from(text, 'utf8'));
    tailText = text;
  }
  target.set(tailBytes, at);
}

/**
 * ASCII strings up to this length are written by a loop, longer ones natively. Measured on the
 * development VM: a character loop 54 ns for 20 characters and 115 for 44, against 91 and 98 ns for
 * Buffer#write (even at ~35).
 */
const SHORT_TEXT = 32;

function copyBytes(bytes: PropertiesBytes, target: Buffer, at: number): number {
  const { source, start, end, cutStart, cutEnd } = bytes;
  if (cutEnd === undefined) return copyRun(source, start, end, target, at);
  return copyRun(source, cutEnd, end, target, copyRun(source, start, cutStart!, target, at));
}

/** Writes `text` as UTF-8 into target[at, end), which its encoding fills exactly. */
function writeText(text: string, target: Buffer, at: number, end: number): void {
  // As many bytes as characters: ASCII (a lone surrogate takes three bytes, other non-ASCII two or more).
  if (end - at === text.length && text.length <= SHORT_TEXT) {
    for (let i = 0; i < text.length; i += 1) target[at + i] = text.charCodeAt(i);
  } else {
    target.write(text, at, end - at, 'utf8');
  }
}

/** The 8 bytes of an encoded host (IPv4 and port), as two words: Buffer#copy is a native call. */
function copyHost(view: DataView, host: Buffer, at: number): void {
  view.setInt32(at, (host[0]! << 24) | (host[1]! << 16) | (host[2]! << 8) | host[3]!);
  view.setInt32(at + 4, (host[4]! << 24) | (host[5]! << 16) | (host[6]! << 8) | host[7]!);
}

function writeUnsigned64(view: DataView, at: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  view.setUint32(at, high);
  view.setUint32(at + 4, value - high * TWO_POW_32);
}
