// How a slave cuts the master's byte stream into what it may append: whole "units", each either a
// stored record or the blank padding that fills a segment's end (RocketMQ's BLANK_MAGIC_CODE record;
// the writer writes only its 8-byte header, the rest of the segment is filler). A unit never spans
// two segments, and every completed segment ends with a blank, so the master's and the slave's
// segments roll at the same offsets when the slave copies blanks too.
import * as protocol from '@pulsejet/protocol';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call.
const { BLANK_MAGIC_CODE, BLANK_RECORD_MIN_SIZE, RECORD_FIXED_SIZE, RecordField, inspectStoredRecord } = protocol;
const TOTAL_SIZE = RecordField.TOTAL_SIZE;
const MAGIC = RecordField.MAGIC;

/** A record found in replicated bytes: what dispatch needs. `properties` is the raw string. */
export interface ReplicaRecord {
  physicalOffset: number;
  size: number;
  topic: string;
  queueId: number;
  queueOffset: number;
  storeTimestamp: number;
  properties: string;
}

/** Where the whole units in a buffer end, or why its first incomplete header can never be valid. */
export type UnitScan = { kind: 'ok'; complete: number } | { kind: 'invalid'; offset: number; reason: string };

/**
 * Length of the prefix of `bytes` (which sits at log offset `offset`) made of whole units, reading
 * only the 8-byte headers. A header that cannot start a unit at its position (a size below a
 * record's minimum, a record that would cross its segment's end, a blank that does not end its
 * segment) is reported at once: waiting for more bytes would never make it whole.
 */
export function scanUnits(bytes: Buffer, offset: number, segmentSize: number): UnitScan {
  let at = 0;
  while (bytes.length - at >= BLANK_RECORD_MIN_SIZE) {
    const position = offset + at;
    const room = segmentSize - (position % segmentSize);
    const size = bytes.readInt32BE(at + TOTAL_SIZE);
    const magic = bytes.readInt32BE(at + MAGIC);
    if (magic === BLANK_MAGIC_CODE) {
      if (size !== room) return { kind: 'invalid', offset: position, reason: `blank record of ${size} bytes at ${position} does not end its segment (${room} bytes left; master and slave must use the same mappedFileSizeCommitLog)` };
    } else if (size < RECORD_FIXED_SIZE || size + BLANK_RECORD_MIN_SIZE > room) {
      // The writer always leaves room for a blank header after a segment's last record.
      return { kind: 'invalid', offset: position, reason: `record size ${size} at ${position} is impossible there (${room} bytes left in its segment)` };
    }
    if (bytes.length - at < size) break;
    at += size;
  }
  return { kind: 'ok', complete: at };
}

export type ReplicaCheck = { kind: 'ok'; records: ReplicaRecord[] } | { kind: 'invalid'; offset: number; reason: string };

/**
 * Validates replicated bytes before they are written: they must be exactly whole units; each record
 * must pass the recovery scanner's checks (lengths, magic, body CRC, the whole-record CRC property
 * when present, topic name) and carry its own position in PHYSICALOFFSET; each blank must end its
 * segment. Garbage therefore never lands in a slave's log.
 */
export function checkReplicaUnits(bytes: Buffer, offset: number, segmentSize: number): ReplicaCheck {
  const framing = scanUnits(bytes, offset, segmentSize);
  if (framing.kind === 'invalid') return framing;
  if (framing.complete !== bytes.length) {
    return { kind: 'invalid', offset: offset + framing.complete, reason: `${bytes.length - framing.complete} trailing bytes at ${offset + framing.complete} are not a whole record` };
  }
  const records: ReplicaRecord[] = [];
  let at = 0;
  while (at < bytes.length) {
    const position = offset + at;
    const size = bytes.readInt32BE(at + TOTAL_SIZE);
    if (bytes.readInt32BE(at + MAGIC) !== BLANK_MAGIC_CODE) {
      const result = inspectStoredRecord(bytes, at, at + size, position);
      if (result.kind !== 'record') return { kind: 'invalid', offset: position, reason: result.kind === 'corrupt' ? result.reason : `no record at ${position}` };
      if (result.size !== size) return { kind: 'invalid', offset: position, reason: `record at ${position} decodes to ${result.size} bytes, its header says ${size}` };
      records.push({
        physicalOffset: position,
        size,
        topic: result.topic,
        queueId: result.queueId,
        queueOffset: result.queueOffset,
        storeTimestamp: result.storeTimestamp,
        properties: result.properties,
      });
    }
    at += size;
  }
  return { kind: 'ok', records };
}
