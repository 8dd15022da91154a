// Public API of @pulsejet/protocol: pure codecs and models shared by the store, the broker and the
// clients. Explicit names only (STYLE.md habit 2).
export { PulsejetError, ProtocolError, ProtocolErrorCode } from './errors';
export type { PulsejetErrorOptions } from './errors';
export { readUInt64, writeUInt64, readInt64, writeInt64 } from './int64';
export { MessageConst, KEY_SEPARATOR, SYSTEM_PROPERTY_KEYS } from './message-const';
export { NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR, encodeProperties, decodeProperties } from './properties';
export { MessageSysFlag, transactionType, resetTransactionType } from './sys-flag';
export { javaStringHashCode, tagsHashCode } from './tags-hash';
export { TOPIC_MAX_LENGTH, validateTopicName, assertTopicName } from './topic';
export {
  HOST_ADDRESS_SIZE,
  encodeIPv4,
  decodeIPv4,
  assertHostAddress,
  encodeHostAddress,
  hostAddressBytes,
  decodeHostAddress,
} from './host';
export type { HostAddress } from './host';
export {
  MESSAGE_MAGIC_CODE_V1,
  BLANK_MAGIC_CODE,
  RecordField,
  TOPIC_LENGTH_SIZE,
  PROPERTIES_LENGTH_SIZE,
  PROPERTIES_MAX_BYTES,
  RECORD_FIXED_SIZE,
  BLANK_RECORD_MIN_SIZE,
  storedRecordSize,
} from './stored-record';
export type { StoredRecordInput, StoredMessage, RecordInspection } from './stored-record';
export {
  encodeStoredRecord,
  writeStoredRecord,
  encodedRecordSize,
  bodyCrc,
  patchRecordPosition,
  writeBlankRecord,
} from './stored-record-encode';
export { decodeStoredRecord, decodeStoredRecords } from './stored-record-decode';
export { prepareStoredRecord, writePreparedRecord } from './prepared-record';
export type { PreparedRecord } from './prepared-record';
export { inspectStoredRecord } from './stored-record-inspect';
export type { InspectOptions } from './stored-record-inspect';
export { RECORD_CRC_PROPERTY, RECORD_CRC_RESERVED_LENGTH, withRecordCrcPlaceholder, sealRecordCrc, verifyRecordCrc } from './record-crc';
export { createOffsetMessageId, decodeOffsetMessageId } from './message-id';
export { messageToProperties, keysOf, userPropertiesOf } from './message';
export type { Message } from './message';
