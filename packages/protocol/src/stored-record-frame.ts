// Structural validation shared by the decoder (which throws) and the recovery scanner (which
// returns a tagged result): are the header and the three variable-length sections consistent with
// TOTALSIZE? Kept in one place so the two can never disagree about what a record is.
import { ProtocolErrorCode } from './errors';
import * as sysFlags from './sys-flag';
import * as record from './stored-record';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and every record a consumer or the recovery scanner reads passes through here.
const { MessageSysFlag } = sysFlags;
const { MESSAGE_MAGIC_CODE_V1, PROPERTIES_LENGTH_SIZE, RECORD_FIXED_SIZE, TOPIC_LENGTH_SIZE } = record;
const { BODY_CRC: FIELD_BODY_CRC, TOTAL_SIZE: FIELD_TOTAL_SIZE, MAGIC: FIELD_MAGIC, SYS_FLAG: FIELD_SYS_FLAG, BODY_LENGTH: FIELD_BODY_LENGTH, BODY: FIELD_BODY } = record.RecordField;

/**
 * Absolute positions of a record's variable-length sections. Callers keep one and have
 * readRecordFrame fill it per record: a consumer frames every message it receives, and two result
 * objects per record were ~120 bytes of garbage per message.
 */
export interface RecordFrame {
  totalSize: number;
  bodyStart: number;
  bodyEnd: number;
  topicStart: number;
  topicEnd: number;
  propertiesStart: number;
  propertiesEnd: number;
}

/** Why a record is not sound. */
export interface FrameFailure {
  readonly code: ProtocolErrorCode;
  readonly reason: string;
}

/** A frame for readRecordFrame to fill. */
export function emptyRecordFrame(): RecordFrame {
  return { totalSize: 0, bodyStart: 0, bodyEnd: 0, topicStart: 0, topicEnd: 0, propertiesStart: 0, propertiesEnd: 0 };
}

const HOST_V6_BITS = MessageSysFlag.BORNHOST_V6 | MessageSysFlag.STOREHOST_V6;

function fail(code: ProtocolErrorCode, reason: string): FrameFailure {
  return { code, reason };
}

/**
 * Checks the record at `offset` against the bytes [offset, end) and fills `frame` with its
 * sections. Returns undefined when the record is sound, else what is wrong (`frame` is then
 * partly written). Never throws for end <= buf.length.
 */
export function readRecordFrame(buf: Buffer, offset: number, end: number, frame: RecordFrame): FrameFailure | undefined {
  const available = end - offset;
  if (available < FIELD_BODY_CRC) {
    return fail(ProtocolErrorCode.TRUNCATED_RECORD, `only ${available} bytes left at ${offset}, a record header needs 8`);
  }
  const totalSize = buf.readInt32BE(offset + FIELD_TOTAL_SIZE);
  const magic = buf.readInt32BE(offset + FIELD_MAGIC);
  if (magic !== MESSAGE_MAGIC_CODE_V1) {
    return fail(ProtocolErrorCode.BAD_MAGIC, `magic code ${magic} at ${offset} is not a V1 message (${MESSAGE_MAGIC_CODE_V1})`);
  }
  if (totalSize < RECORD_FIXED_SIZE) {
    return fail(ProtocolErrorCode.BAD_LENGTH, `total size ${totalSize} at ${offset} is below the fixed ${RECORD_FIXED_SIZE}`);
  }
  if (totalSize > available) {
    return fail(ProtocolErrorCode.TRUNCATED_RECORD, `record at ${offset} claims ${totalSize} bytes, only ${available} remain`);
  }
  const recordEnd = offset + totalSize;
  const sysFlag = buf.readInt32BE(offset + FIELD_SYS_FLAG);
  if ((sysFlag & HOST_V6_BITS) !== 0) {
    return fail(ProtocolErrorCode.BAD_HOST, `record at ${offset} uses the IPv6 host layout (sysFlag ${sysFlag}), which is not supported`);
  }
  const bodyLength = buf.readInt32BE(offset + FIELD_BODY_LENGTH);
  const bodyStart = offset + FIELD_BODY;
  const bodyEnd = bodyStart + bodyLength;
  if (bodyLength < 0 || bodyEnd + TOPIC_LENGTH_SIZE > recordEnd) {
    return fail(ProtocolErrorCode.BAD_LENGTH, `body length ${bodyLength} at ${offset} does not fit total size ${totalSize}`);
  }
  const topicStart = bodyEnd + TOPIC_LENGTH_SIZE;
  const topicEnd = topicStart + buf.readUInt8(bodyEnd);
  if (topicEnd + PROPERTIES_LENGTH_SIZE > recordEnd) {
    return fail(ProtocolErrorCode.BAD_LENGTH, `topic length at ${offset} does not fit total size ${totalSize}`);
  }
  const propertiesLength = buf.readInt16BE(topicEnd);
  const propertiesStart = topicEnd + PROPERTIES_LENGTH_SIZE;
  const propertiesEnd = propertiesStart + propertiesLength;
  if (propertiesLength < 0 || propertiesEnd !== recordEnd) {
    return fail(ProtocolErrorCode.BAD_LENGTH, `lengths at ${offset} add up to ${propertiesEnd - offset}, total size says ${totalSize}`);
  }
  frame.totalSize = totalSize;
  frame.bodyStart = bodyStart;
  frame.bodyEnd = bodyEnd;
  frame.topicStart = topicStart;
  frame.topicEnd = topicEnd;
  frame.propertiesStart = propertiesStart;
  frame.propertiesEnd = propertiesEnd;
  return undefined;
}
