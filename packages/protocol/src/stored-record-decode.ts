// Reading records as a consumer does: a pull reply body is V1 records back to back (reference §6.1;
// Java `MessageDecoder.decode`, ali-ons `message_decoder.js innerDecode`). Unlike ali-ons, which
// stops quietly at the first bad record, we throw: a bad reply is a bug to surface, not to hide.
import { ProtocolError } from './errors';
import { decodeHostAddress } from './host';
import { readUInt64 } from './int64';
import { createOffsetMessageId } from './message-id';
import { decodeProperties } from './properties';
import { readRecordFrame } from './stored-record-frame';
import { RecordField, type StoredMessage } from './stored-record';

/**
 * Decodes the record at `offset`. Throws ProtocolError TRUNCATED_RECORD, BAD_MAGIC, BAD_LENGTH
 * (lengths don't add up to TOTALSIZE), BAD_HOST (IPv6 layout) or UNSAFE_INTEGER. The body is a
 * view into `buf`; the body CRC is returned, not checked (the store checks it on recovery).
 */
export function decodeStoredRecord(buf: Buffer, offset = 0): StoredMessage {
  const result = readRecordFrame(buf, offset, buf.length);
  if (!result.ok) {
    throw new ProtocolError(result.code, `cannot decode a stored message: ${result.reason}; the data is cut or not a V1 record`);
  }
  const { frame } = result;
  const storeHost = decodeHostAddress(buf, offset + RecordField.STORE_HOST);
  const physicalOffset = readUInt64(buf, offset + RecordField.PHYSICAL_OFFSET);
  return {
    totalSize: frame.totalSize,
    queueId: buf.readInt32BE(offset + RecordField.QUEUE_ID),
    flag: buf.readInt32BE(offset + RecordField.FLAG),
    queueOffset: readUInt64(buf, offset + RecordField.QUEUE_OFFSET),
    physicalOffset,
    sysFlag: buf.readInt32BE(offset + RecordField.SYS_FLAG),
    bornTimestamp: readUInt64(buf, offset + RecordField.BORN_TIMESTAMP),
    bornHost: decodeHostAddress(buf, offset + RecordField.BORN_HOST),
    storeTimestamp: readUInt64(buf, offset + RecordField.STORE_TIMESTAMP),
    storeHost,
    reconsumeTimes: buf.readInt32BE(offset + RecordField.RECONSUME_TIMES),
    preparedTransactionOffset: readUInt64(buf, offset + RecordField.PREPARED_TX_OFFSET),
    bodyCrc: buf.readInt32BE(offset + RecordField.BODY_CRC),
    body: buf.subarray(frame.bodyStart, frame.bodyEnd),
    topic: buf.toString('utf8', frame.topicStart, frame.topicEnd),
    properties: decodeProperties(buf.toString('utf8', frame.propertiesStart, frame.propertiesEnd)),
    msgId: createOffsetMessageId(storeHost, physicalOffset),
  };
}

/** Decodes every record of a buffer holding records back to back (a pull reply body). */
export function decodeStoredRecords(buf: Buffer): StoredMessage[] {
  const messages: StoredMessage[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const message = decodeStoredRecord(buf, offset);
    messages.push(message);
    offset += message.totalSize;
  }
  return messages;
}
