// The recovery scanner's check of one position in a commit-log segment (Java
// `CommitLog.checkMessageAndReturnSize`), returning a tagged result instead of Java's -1/0/size
// sentinels (STYLE.md habit 5). It never throws: whatever the bytes, the scanner gets an answer.
import * as errors from './errors';
import * as int64 from './int64';
import * as recordCrcs from './record-crc';
import * as encode from './stored-record-encode';
import * as frames from './stored-record-frame';
import * as topics from './topic';
import * as record from './stored-record';
import type { RecordInspection } from './stored-record';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and recovery and the index's read-back inspect every record (the getters were ~20% of a scan).
const { ProtocolError } = errors;
const { readUInt64 } = int64;
const { verifyRecordCrc } = recordCrcs;
const { bodyCrc } = encode;
const { emptyRecordFrame, readRecordFrame } = frames;
const { validateTopicName } = topics;
const { BLANK_MAGIC_CODE, BLANK_RECORD_MIN_SIZE, RecordField } = record;
const {
  TOTAL_SIZE: FIELD_TOTAL_SIZE,
  MAGIC: FIELD_MAGIC,
  BODY_CRC: FIELD_BODY_CRC,
  QUEUE_ID: FIELD_QUEUE_ID,
  QUEUE_OFFSET: FIELD_QUEUE_OFFSET,
  PHYSICAL_OFFSET: FIELD_PHYSICAL_OFFSET,
  STORE_TIMESTAMP: FIELD_STORE_TIMESTAMP,
} = RecordField;

/** Filled per inspected record (synchronously, so one is enough). */
const scratchFrame = emptyRecordFrame();

/**
 * Inspects the bytes [offset, limit) of `buf` (limit is clamped to buf.length).
 * - `end`: fewer than 8 bytes remain, or TOTALSIZE and MAGIC are both 0 (never-written space).
 * - `blank`: BLANK_MAGIC_CODE padding of `size` bytes (at least 8, within the limit).
 * - `record`: a V1 message whose lengths add up, body CRC matches, whole-record CRC (if the record
 *   carries the __CRC32# property) matches (both unless `checkCrc` is false), topic name is valid and, when
 *   `expectedPhysicalOffset` is given, whose PHYSICALOFFSET equals it (else it is a stale record
 *   left in a recycled segment).
 * - `corrupt`: anything else, with a reason for the log.
 */
export interface InspectOptions {
  /**
   * Treat a record without the whole-record CRC property as corrupt. A store that seals every record
   * sets this: a torn tail can erase the property itself, which must not make a record look legacy.
   */
  requireRecordCrc?: boolean;
  /**
   * Check the body and whole-record CRCs (default true). Readers of a log the store has recovered
   * (its index dispatch) pass false, as RocketMQ's reput reads with checkCRC off: recovery checked
   * those bytes once, and the CRC of every record read back would cost more than the read.
   * Structure (sizes, lengths, topic, offsets) is checked either way.
   */
  checkCrc?: boolean;
}

export function inspectStoredRecord(
  buf: Buffer,
  offset: number,
  limit: number,
  expectedPhysicalOffset?: number,
  options: InspectOptions = {},
): RecordInspection {
  if (!Number.isInteger(offset) || offset < 0) return corrupt(`offset ${offset} is not a buffer position`);
  const end = Math.min(limit, buf.length);
  if (!(end - offset >= BLANK_RECORD_MIN_SIZE)) return { kind: 'end' };
  const totalSize = buf.readInt32BE(offset + FIELD_TOTAL_SIZE);
  const magic = buf.readInt32BE(offset + FIELD_MAGIC);
  if (totalSize === 0 && magic === 0) return { kind: 'end' };
  if (magic === BLANK_MAGIC_CODE) {
    if (totalSize < BLANK_RECORD_MIN_SIZE || totalSize > end - offset) {
      return corrupt(`blank record at ${offset} has size ${totalSize}, outside ${BLANK_RECORD_MIN_SIZE}..${end - offset}`);
    }
    return { kind: 'blank', size: totalSize };
  }
  const frame = scratchFrame;
  const failure = readRecordFrame(buf, offset, end, frame);
  if (failure !== undefined) return corrupt(failure.reason);

  // A valid whole-record CRC covers the body and the BODYCRC field too, so the body is not hashed twice.
  const recordCrc = options.checkCrc === false ? 'unchecked' : verifyRecordCrc(buf, offset, frame.totalSize);
  if (recordCrc === 'invalid') return corrupt(`record CRC of the record at ${offset} does not match its bytes`);
  if (recordCrc === 'absent') {
    if (options.requireRecordCrc) return corrupt(`record at ${offset} has no __CRC32# property`);
    const storedCrc = buf.readInt32BE(offset + FIELD_BODY_CRC);
    const actualCrc = bodyCrc(buf.subarray(frame.bodyStart, frame.bodyEnd));
    if (storedCrc !== actualCrc) return corrupt(`body CRC of the record at ${offset} is ${actualCrc}, the record says ${storedCrc}`);
  }

  const topic = buf.toString('utf8', frame.topicStart, frame.topicEnd);
  const topicProblem = validateTopicName(topic);
  if (topicProblem !== undefined) return corrupt(`record at ${offset}: ${topicProblem}`);

  let queueOffset: number;
  let physicalOffset: number;
  let storeTimestamp: number;
  try {
    queueOffset = readUInt64(buf, offset + FIELD_QUEUE_OFFSET);
    physicalOffset = readUInt64(buf, offset + FIELD_PHYSICAL_OFFSET);
    storeTimestamp = readUInt64(buf, offset + FIELD_STORE_TIMESTAMP);
  } catch (error) {
    if (ProtocolError.is(error)) return corrupt(`record at ${offset}: ${error.message}`);
    throw error;
  }
  if (expectedPhysicalOffset !== undefined && physicalOffset !== expectedPhysicalOffset) {
    return corrupt(`record at ${offset} says physical offset ${physicalOffset}, expected ${expectedPhysicalOffset} (stale data from a recycled segment?)`);
  }
  return {
    kind: 'record',
    size: frame.totalSize,
    queueId: buf.readInt32BE(offset + FIELD_QUEUE_ID),
    queueOffset,
    physicalOffset,
    storeTimestamp,
    topic,
    properties: buf.toString('utf8', frame.propertiesStart, frame.propertiesEnd),
  };
}

function corrupt(reason: string): RecordInspection {
  return { kind: 'corrupt', reason };
}
