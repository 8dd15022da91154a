// The barrel is the package's contract with core and the clients: these names must stay exported.
import * as protocol from './index';

describe('@pulsejet/protocol barrel', () => {
  it.each([
    'PulsejetError', 'ProtocolError', 'ProtocolErrorCode',
    'readUInt64', 'writeUInt64', 'readInt64', 'writeInt64',
    'MessageConst', 'KEY_SEPARATOR', 'SYSTEM_PROPERTY_KEYS',
    'NAME_VALUE_SEPARATOR', 'PROPERTY_SEPARATOR', 'encodeProperties', 'decodeProperties',
    'MessageSysFlag', 'transactionType', 'resetTransactionType',
    'javaStringHashCode', 'tagsHashCode',
    'TOPIC_MAX_LENGTH', 'validateTopicName', 'assertTopicName',
    'encodeIPv4', 'decodeIPv4',
    'MESSAGE_MAGIC_CODE_V1', 'BLANK_MAGIC_CODE', 'RecordField', 'RECORD_FIXED_SIZE', 'BLANK_RECORD_MIN_SIZE', 'storedRecordSize',
    'encodeStoredRecord', 'patchRecordPosition', 'decodeStoredRecord', 'decodeStoredRecords', 'readStoredRecord', 'inspectStoredRecord', 'writeBlankRecord',
    'createOffsetMessageId', 'decodeOffsetMessageId',
    'messageToProperties', 'keysOf', 'userPropertiesOf',
  ])('exports %s', (name) => {
    expect(protocol).toHaveProperty(name);
  });

  it('pins the layout constants to the reference table', () => {
    expect(protocol.MESSAGE_MAGIC_CODE_V1).toBe(-626843481);
    expect(protocol.MESSAGE_MAGIC_CODE_V1 >>> 0).toBe(0xdaa320a7);
    expect(protocol.BLANK_MAGIC_CODE).toBe(-875286124);
    expect(protocol.RECORD_FIXED_SIZE).toBe(91);
    expect(protocol.BLANK_RECORD_MIN_SIZE).toBe(8);
    expect(protocol.storedRecordSize(5, 9, 20)).toBe(125);
    expect(protocol.RecordField).toEqual({
      TOTAL_SIZE: 0, MAGIC: 4, BODY_CRC: 8, QUEUE_ID: 12, FLAG: 16, QUEUE_OFFSET: 20, PHYSICAL_OFFSET: 28, SYS_FLAG: 36,
      BORN_TIMESTAMP: 40, BORN_HOST: 48, STORE_TIMESTAMP: 56, STORE_HOST: 64, RECONSUME_TIMES: 72, PREPARED_TX_OFFSET: 76,
      BODY_LENGTH: 84, BODY: 88,
    });
  });
});
