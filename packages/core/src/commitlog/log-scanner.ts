import * as protocol from '@pulsejet/protocol';
import type { SegmentedLog } from './segmented-log';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and a scan uses these per record.
const { BLANK_MAGIC_CODE, BLANK_RECORD_MIN_SIZE, inspectStoredRecord } = protocol;
const { TOTAL_SIZE: FIELD_TOTAL_SIZE, MAGIC: FIELD_MAGIC } = protocol.RecordField;

/** A valid record met by a scan. `properties` is the raw properties string. */
export interface ScannedRecord {
  physicalOffset: number;
  size: number;
  topic: string;
  queueId: number;
  queueOffset: number;
  storeTimestamp: number;
  properties: string;
}

/** Why a scan stopped: the end of written data, a bad record, or the caller's limit. */
export type ScanStop =
  | { kind: 'end'; offset: number }
  | { kind: 'corrupt'; offset: number; reason: string }
  | { kind: 'limit'; offset: number };

const DEFAULT_CHUNK = 4 * 1024 * 1024;
/** The store seals every record it writes, so a record without the CRC property is damaged. */
const REQUIRE_RECORD_CRC = { requireRecordCrc: true } as const;
const SKIP_CRC = { checkCrc: false } as const;

export interface ScanOptions {
  /**
   * Check every record's CRCs (default true: recovery must). A reader of the log the store has
   * recovered passes false (InspectOptions.checkCrc says why); structure is checked either way.
   */
  checkCrc?: boolean;
  /** Bytes read per call. @default 4 MiB */
  chunkSize?: number;
}

/**
 * Walks records from `from` (a record boundary) until `limit`, the end of written data, or the first
 * record that fails validation; `visit` may return false to stop early (the stop is then 'limit' at
 * the record it refused). Reads in large chunks: recovery speed is read bandwidth.
 *
 * A record whose PHYSICALOFFSET is not its own position is stale data of a recycled segment: that is
 * the end of the log, not corruption.
 */
export function scanLog(
  log: SegmentedLog,
  from: number,
  limit: number,
  visit: (record: ScannedRecord) => boolean | void,
  options: ScanOptions = {},
): ScanStop {
  const inspectOptions = options.checkCrc === false ? SKIP_CRC : REQUIRE_RECORD_CRC;
  let position = from;
  let chunk = Buffer.allocUnsafe(options.chunkSize ?? DEFAULT_CHUNK);
  while (position < limit) {
    const segment = log.find(position);
    if (!segment) return { kind: 'end', offset: position };
    const segmentEnd = segment.start + segment.size;
    const want = Math.min(chunk.length, segmentEnd - position, limit - position);
    const got = log.read(position, chunk, 0, want);
    if (got === 0) return { kind: 'end', offset: position };
    let at = 0;
    let next: number | undefined;
    while (at < got) {
      const remaining = got - at;
      const totalSize = remaining >= 8 ? chunk.readInt32BE(at + FIELD_TOTAL_SIZE) : 0;
      if (at > 0 && (remaining < 8 || totalSize > remaining)) break; // cut by the chunk: re-read from here
      if (at === 0 && totalSize > chunk.length && got === want && totalSize <= Math.min(segmentEnd, limit) - position) {
        chunk = Buffer.allocUnsafe(totalSize); // a record larger than the chunk: grow and re-read
        next = position;
        break;
      }
      const offset = position + at;
      // A blank pads the segment to its end; only its header is ever written (the file may be short).
      if (remaining >= BLANK_RECORD_MIN_SIZE && chunk.readInt32BE(at + FIELD_MAGIC) === BLANK_MAGIC_CODE) {
        if (totalSize !== segmentEnd - offset) return { kind: 'corrupt', offset, reason: `blank record of ${totalSize} bytes does not end its segment` };
        next = segmentEnd;
        break;
      }
      const result = inspectStoredRecord(chunk, at, got, undefined, inspectOptions);
      if (result.kind === 'end') return { kind: 'end', offset };
      if (result.kind === 'corrupt') return { kind: 'corrupt', offset, reason: result.reason };
      if (result.kind === 'blank') {
        next = segmentEnd; // the rest of the segment is padding; the log goes on in the next one
        break;
      }
      if (result.physicalOffset !== offset) return { kind: 'end', offset };
      const keepGoing = visit({
        physicalOffset: offset,
        size: result.size,
        topic: result.topic,
        queueId: result.queueId,
        queueOffset: result.queueOffset,
        storeTimestamp: result.storeTimestamp,
        properties: result.properties,
      });
      if (keepGoing === false) return { kind: 'limit', offset };
      at += result.size;
    }
    position = next ?? position + at;
  }
  return { kind: 'limit', offset: position };
}
