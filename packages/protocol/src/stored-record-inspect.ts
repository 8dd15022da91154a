// The recovery scanner's check of one position in a commit-log segment (Java
// `CommitLog.checkMessageAndReturnSize`), returning a tagged result instead of Java's -1/0/size
// sentinels (STYLE.md habit 5). It never throws: whatever the bytes, the scanner gets an answer.
import { ProtocolError } from './errors';
import { readUInt64 } from './int64';
import { verifyRecordCrc } from './record-crc';
import { bodyCrc } from './stored-record-encode';
import { emptyRecordFrame, readRecordFrame } from './stored-record-frame';
import { validateTopicName } from './topic';
import { BLANK_MAGIC_CODE, BLANK_RECORD_MIN_SIZE, RecordField, type RecordInspection } from './stored-record';

/** Filled per inspected record (synchronously, so one is enough). */
const scratchFrame = emptyRecordFrame();

/**
 * Inspects the bytes [offset, limit) of `buf` (limit is clamped to buf.length).
 * - `end`: fewer than 8 bytes remain, or TOTALSIZE and MAGIC are both 0 (never-written space).
 * - `blank`: BLANK_MAGIC_CODE padding of `size` bytes (at least 8, within the limit).
 * - `record`: a V1 message whose lengths add up, body CRC matches, whole-record CRC (if the record
 *   carries the __CRC32# property) matches, topic name is valid and, when
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
  const totalSize = buf.readInt32BE(offset + RecordField.TOTAL_SIZE);
  const magic = buf.readInt32BE(offset + RecordField.MAGIC);
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
  const recordCrc = verifyRecordCrc(buf, offset, frame.totalSize);
  if (recordCrc === 'invalid') return corrupt(`record CRC of the record at ${offset} does not match its bytes`);
  if (recordCrc === 'absent') {
    if (options.requireRecordCrc) return corrupt(`record at ${offset} has no __CRC32# property`);
    const storedCrc = buf.readInt32BE(offset + RecordField.BODY_CRC);
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
    queueOffset = readUInt64(buf, offset + RecordField.QUEUE_OFFSET);
    physicalOffset = readUInt64(buf, offset + RecordField.PHYSICAL_OFFSET);
    storeTimestamp = readUInt64(buf, offset + RecordField.STORE_TIMESTAMP);
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
    queueId: buf.readInt32BE(offset + RecordField.QUEUE_ID),
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
