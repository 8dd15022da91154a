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
export { decodeStoredRecord, decodeStoredRecords, readStoredRecord } from './stored-record-decode';
export { prepareStoredRecord, writePreparedRecord, propertiesBytesLength, lastPropertiesByte } from './prepared-record';
export type { PreparedRecord, PropertiesBytes } from './prepared-record';
export { inspectStoredRecord } from './stored-record-inspect';
export type { InspectOptions } from './stored-record-inspect';
export { RECORD_CRC_PROPERTY, RECORD_CRC_RESERVED_LENGTH, withRecordCrcPlaceholder, sealRecordCrc, sealRecordCrcKnowingBody, verifyRecordCrc } from './record-crc';
export { createOffsetMessageId, decodeOffsetMessageId } from './message-id';
export { crc32, CRC32_IMPLEMENTATION } from './crc32';
export type { Crc32 } from './crc32';
export { messageToProperties, keysOf, splitKeys, userPropertiesOf } from './message';
export type { Message } from './message';
export { BATCH_ENTRY_FIELDS, BatchDecodeError, BatchEntryField, encodeMessageBatch, decodeMessageBatch, readMessageBatch, readMessageBatchLayout } from './message-batch';
export type { BatchEntry, BatchEntryInput, BatchEntryView, MessageBatchLayout } from './message-batch';
export { batchTails, prepareStoredBatch, writeBatchRecord } from './prepared-batch';
export type { BatchRecordFields, BatchTails, PreparedBatch } from './prepared-batch';
export { PropertyPicker } from './property-picker';
export {
  RemotingCommandFlag,
  PULSEJET_REMOTING_VERSION,
  isResponse,
  isOneway,
  createRequest,
  createResponse,
} from './remoting/remoting-command';
export type { RemotingCommand, SerializeType } from './remoting/remoting-command';
export {
  createPreparedRequest,
  createPreparedResponse,
  copyWithPreparedFields,
  preparedFieldsOf,
  encodeFieldKey,
  encodeFieldEntries,
  writeEncoded,
  writeStringValue,
  stringValueMaxBytes,
  writeDecimalValue,
  DECIMAL_VALUE_MAX_BYTES,
} from './remoting/prepared-fields';
export type { PreparedFields } from './remoting/prepared-fields';
export { RequestCode } from './remoting/request-code';
export type { RequestCodeName } from './remoting/request-code';
export { ResponseCode } from './remoting/response-code';
export type { ResponseCodeName } from './remoting/response-code';
export { DEFAULT_MAX_FRAME_SIZE, encodeCommand, encodeCommandInto, encodeCommandHeadInto, decodeCommandFrame } from './remoting/frame-codec';
export { FrameSlab } from './remoting/frame-slab';
export type { FrameWriter } from './remoting/frame-slab';
export { FrameDecoder } from './remoting/frame-decoder';
export type { FrameDecoderOptions } from './remoting/frame-decoder';
export { rawExtFieldsOf } from './remoting/binary-header';
export { utf8Text } from './remoting/buffer-slices';
export type { RawExtFields } from './remoting/binary-header';
export { resolveFrameCodecOptions } from './remoting/frame-layout';
export type { FrameCodecOptions, ResolvedFrameCodecOptions } from './remoting/frame-layout';
export { LanguageCode, languageName, languageCodeOf } from './remoting/language-code';
export type { LanguageCodeName } from './remoting/language-code';
// Route bodies shared by the nameserver, brokers and clients (reference §5.1).
export { BodyError, BodyErrorCode } from './route/body-error';
export { PermName, isReadable, isWriteable } from './route/perm';
export { MASTER_BROKER_ID, encodeTopicRouteData, decodeTopicRouteData, masterAddressOf } from './route/topic-route-data';
export type { QueueData, BrokerData, TopicRouteData } from './route/topic-route-data';
export type { TopicConfigData, TopicFilterType } from './route/topic-config-data';
export { encodeRegisterBrokerBody, decodeRegisterBrokerBody, dataVersionEquals, encodeTopicConfigSerializeWrapper, encodeDataVersion, decodeDataVersion } from './route/register-broker-body';
export type { DataVersion, TopicConfigSerializeWrapper, RegisterBrokerBody } from './route/register-broker-body';
export { encodeRegisterBrokerBodyCompressed, decodeRegisterBrokerBodyCompressed, MAX_INFLATED_REGISTER_BODY_BYTES } from './route/register-broker-body-compressed';
export { encodeClusterInfo, decodeClusterInfo } from './route/cluster-info';
export type { ClusterInfo } from './route/cluster-info';
export { encodeTopicList, decodeTopicList } from './route/topic-list';
export type { TopicList } from './route/topic-list';
export { NAMESPACE_ORDER_TOPIC_CONFIG, encodeKVTable, decodeKVTable } from './route/kv-table';
export type { KVTable } from './route/kv-table';
// Client bodies: HEART_BEAT, subscriptions, the consumer list (reference §5.2, §5.3).
export { EXPRESSION_TYPE_TAG, SUB_ALL, encodeHeartbeatData, parseHeartbeatData } from './client-bodies/heartbeat-data';
export type { HeartbeatData, ConsumerData, ProducerData, SubscriptionData, MessageModel, HeartbeatParseResult } from './client-bodies/heartbeat-data';
export { buildSubscriptionData, parseTagExpression } from './client-bodies/subscription-data';
export { encodeConsumerIdList, decodeConsumerIdList } from './client-bodies/consumer-id-list';
export { ServiceLoop } from './lifecycle/service-loop';
export type { ServiceLoopOptions } from './lifecycle/service-loop';
