// The store's hot path: validate and checksum a message once (prepareStoredRecord, when the put
// arrives), then write its bytes straight into the writer's staging buffer with the position fields
// the writer assigns (writePreparedRecord). No intermediate record buffer, no second validation.
import { HOST_ADDRESS_SIZE, hostAddressBytes } from './host';
import { MESSAGE_MAGIC_CODE_V1, RecordField, type StoredRecordInput } from './stored-record';
import { crc32 } from 'node:zlib';
import * as encode from './stored-record-encode';

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
  readonly properties: string;
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
const HOST_BYTES = HOST_ADDRESS_SIZE;

/** Validates `input` (throws ProtocolError like encodeStoredRecord) and computes the body CRC. */
export function prepareStoredRecord(input: StoredRecordInput): PreparedRecord {
  const size = encodedRecordSize(input);
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
    properties: input.properties,
  };
}

/**
 * Writes a prepared record at `at` with its final position fields. The caller guarantees room for
 * `record.size` bytes and safe non-negative integers (the store's own counters).
 */
export function writePreparedRecord(record: PreparedRecord, target: Buffer, at: number, queueOffset: number, physicalOffset: number, storeTimestamp: number): void {
  target.writeInt32BE(record.size, at + TOTAL_SIZE);
  target.writeInt32BE(MAGIC_V1, at + MAGIC);
  target.writeInt32BE(record.bodyCrc, at + BODY_CRC);
  target.writeInt32BE(record.queueId, at + QUEUE_ID);
  target.writeInt32BE(record.flag, at + FLAG);
  writeUnsigned64(target, at + QUEUE_OFFSET, queueOffset);
  writeUnsigned64(target, at + PHYSICAL_OFFSET, physicalOffset);
  target.writeInt32BE(record.sysFlag, at + SYS_FLAG);
  writeUnsigned64(target, at + BORN_TIMESTAMP, record.bornTimestamp);
  copyHost(record.bornHost, target, at + BORN_HOST);
  writeUnsigned64(target, at + STORE_TIMESTAMP, storeTimestamp);
  copyHost(record.storeHost, target, at + STORE_HOST);
  target.writeInt32BE(record.reconsumeTimes, at + RECONSUME_TIMES);
  writeUnsigned64(target, at + PREPARED_TX_OFFSET, record.preparedTransactionOffset);
  const body = record.body;
  target.writeInt32BE(body.length, at + BODY_LENGTH);
  // TypedArray#set, not Buffer#copy: a builtin rather than a call into C++ (~60 ns here, per message).
  target.set(body, at + BODY);
  let pos = at + BODY + body.length;
  const topic = record.topic;
  target[pos] = topic.length;
  pos += 1;
  // A valid topic is ASCII (encodedRecordSize checked it) and short: a loop beats a native write.
  for (let i = 0; i < topic.length; i += 1) target[pos + i] = topic.charCodeAt(i);
  pos += topic.length;
  const propertiesLength = at + record.size - pos - 2;
  target.writeInt16BE(propertiesLength, pos);
  target.write(record.properties, pos + 2, propertiesLength, 'utf8');
}

/** The 8 bytes of an encoded host (IPv4 and port), copied by a loop: Buffer#copy is a native call. */
function copyHost(host: Buffer, target: Buffer, at: number): void {
  for (let i = 0; i < HOST_BYTES; i += 1) target[at + i] = host[i]!;
}

function writeUnsigned64(target: Buffer, at: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  target.writeUInt32BE(high, at);
  target.writeUInt32BE(value - high * TWO_POW_32, at + 4);
}
