// Reading records as a consumer does: a pull reply body is V1 records back to back (reference §6.1;
// Java `MessageDecoder.decode`, ali-ons `message_decoder.js innerDecode`). Unlike ali-ons, which
// stops quietly at the first bad record, we throw: a bad reply is a bug to surface, not to hide.
import { ProtocolError } from './errors';
import * as host from './host';
import * as int64 from './int64';
import * as messageId from './message-id';
import * as props from './properties';
import * as frames from './stored-record-frame';
import * as record from './stored-record';
import type { StoredMessage } from './stored-record';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and a consumer decodes every message it receives here (the getters were 7% of a drain's CPU).
const { decodeHostAddress } = host;
const { readUInt64 } = int64;
const { hostHexCodes, offsetMessageIdOf } = messageId;
const { decodeProperties } = props;
const { readRecordFrame } = frames;
const { QUEUE_ID, FLAG, QUEUE_OFFSET, PHYSICAL_OFFSET, SYS_FLAG, BORN_TIMESTAMP, BORN_HOST, STORE_TIMESTAMP, STORE_HOST, RECONSUME_TIMES, PREPARED_TX_OFFSET, BODY_CRC } = record.RecordField;

/** The records of one pull share their store host: its hex digits are kept for the next record. */
let lastHostHigh = Number.NaN;
let lastHostLow = Number.NaN;
let lastHostCodes: readonly number[] = [];

/**
 * createOffsetMessageId of the record's STOREHOST bytes at `at` and its offset, with the host's hex
 * digits looked up once per new host rather than per record.
 */
function offsetMessageIdAt(buf: Buffer, at: number, physicalOffset: number): string {
  const high = buf.readInt32BE(at);
  const low = buf.readInt32BE(at + 4);
  if (high !== lastHostHigh || low !== lastHostLow) {
    lastHostCodes = hostHexCodes(decodeHostAddress(buf, at));
    lastHostHigh = high;
    lastHostLow = low;
  }
  return offsetMessageIdOf(lastHostCodes, physicalOffset);
}

/** Filled per decoded record (decoding is synchronous, so one is enough). */
const scratchFrame = frames.emptyRecordFrame();

/**
 * The last ASCII topic decoded: the records of a pull reply share their topic, so the string is
 * reused when the bytes match it (a byte compare instead of a decode and a new string, and the
 * string's hash, once computed for a Map lookup, is kept).
 */
let lastTopic = '';

function topicAt(buf: Buffer, start: number, end: number): string {
  const cached = lastTopic;
  if (end - start === cached.length) {
    let i = 0;
    while (i < cached.length && buf[start + i] === cached.charCodeAt(i)) i++;
    if (i === cached.length) return cached;
  }
  const topic = buf.toString('utf8', start, end);
  if (isAscii(buf, start, end)) lastTopic = topic;
  return topic;
}

/** Whether bytes [start, end) are all below 0x80, i.e. the decoded text has one char per byte, equal to it. */
function isAscii(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return false;
  return true;
}

/** readStoredRecord's result, filled in place (decoding is synchronous, so one is enough). */
const scratchRecord: StoredMessage = {
  totalSize: 0,
  queueId: 0,
  flag: 0,
  queueOffset: 0,
  physicalOffset: 0,
  sysFlag: 0,
  bornTimestamp: 0,
  bornHost: Object.freeze({ address: '0.0.0.0', port: 0 }),
  storeTimestamp: 0,
  storeHost: Object.freeze({ address: '0.0.0.0', port: 0 }),
  reconsumeTimes: 0,
  preparedTransactionOffset: 0,
  bodyCrc: 0,
  body: Buffer.alloc(0),
  topic: '',
  properties: {},
  msgId: '',
};

/**
 * Decodes the record at `offset` into one shared object and returns it: valid until the next call,
 * for a caller that copies what it keeps (a consumer building its own message per record saves an
 * object per message). Use decodeStoredRecord for a record of your own. Throws as decodeStoredRecord.
 */
export function readStoredRecord(buf: Buffer, offset = 0): Readonly<StoredMessage> {
  const frame = scratchFrame;
  const failure = readRecordFrame(buf, offset, buf.length, frame);
  if (failure !== undefined) {
    throw new ProtocolError(failure.code, `cannot decode a stored message: ${failure.reason}; the data is cut or not a V1 record`);
  }
  const record = scratchRecord;
  const physicalOffset = readUInt64(buf, offset + PHYSICAL_OFFSET);
  record.totalSize = frame.totalSize;
  record.queueId = buf.readInt32BE(offset + QUEUE_ID);
  record.flag = buf.readInt32BE(offset + FLAG);
  record.queueOffset = readUInt64(buf, offset + QUEUE_OFFSET);
  record.physicalOffset = physicalOffset;
  record.sysFlag = buf.readInt32BE(offset + SYS_FLAG);
  record.bornTimestamp = readUInt64(buf, offset + BORN_TIMESTAMP);
  record.bornHost = decodeHostAddress(buf, offset + BORN_HOST);
  record.storeTimestamp = readUInt64(buf, offset + STORE_TIMESTAMP);
  record.storeHost = decodeHostAddress(buf, offset + STORE_HOST);
  record.reconsumeTimes = buf.readInt32BE(offset + RECONSUME_TIMES);
  record.preparedTransactionOffset = readUInt64(buf, offset + PREPARED_TX_OFFSET);
  record.bodyCrc = buf.readInt32BE(offset + BODY_CRC);
  record.body = buf.subarray(frame.bodyStart, frame.bodyEnd);
  record.topic = topicAt(buf, frame.topicStart, frame.topicEnd);
  record.properties = decodeProperties(buf.toString('utf8', frame.propertiesStart, frame.propertiesEnd));
  record.msgId = offsetMessageIdAt(buf, offset + STORE_HOST, physicalOffset);
  return record;
}

/**
 * Decodes the record at `offset`. Throws ProtocolError TRUNCATED_RECORD, BAD_MAGIC, BAD_LENGTH
 * (lengths don't add up to TOTALSIZE), BAD_HOST (IPv6 layout) or UNSAFE_INTEGER. The body is a
 * view into `buf`; the body CRC is returned, not checked (the store checks it on recovery).
 */
export function decodeStoredRecord(buf: Buffer, offset = 0): StoredMessage {
  return { ...readStoredRecord(buf, offset) };
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
