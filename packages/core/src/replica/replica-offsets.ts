import { BLANK_MAGIC_CODE, BLANK_RECORD_MIN_SIZE, RecordField, inspectStoredRecord } from '@pulsejet/protocol';
import type { CommitLog } from '../commitlog/commit-log';

/**
 * Where an offset a slave reports falls in this (the master's) log:
 * - `end`: exactly the end of the log (the slave is caught up);
 * - `boundary`: the start of a record, of a blank, or of a segment (streaming can start there);
 * - `below-min`: before the oldest segment retention kept;
 * - `beyond-end`: past the end (the slave is ahead of the master);
 * - `not-boundary`: inside a record or a segment's filler (the slave's log diverged).
 */
export type CommitLogOffsetKind = 'end' | 'boundary' | 'below-min' | 'beyond-end' | 'not-boundary';

export function classifyCommitLogOffset(commitLog: CommitLog, offset: number): CommitLogOffsetKind {
  const end = commitLog.maxOffset();
  if (!Number.isSafeInteger(offset) || offset < 0) return 'not-boundary';
  if (offset > end) return 'beyond-end';
  if (offset === end) return 'end';
  if (offset < commitLog.minOffset()) return 'below-min';
  const segmentSize = commitLog.segmentSize;
  if (offset % segmentSize === 0) return 'boundary';
  const header = commitLog.read(offset, BLANK_RECORD_MIN_SIZE);
  if (!header) return 'not-boundary';
  const size = header.readInt32BE(RecordField.TOTAL_SIZE);
  const room = segmentSize - (offset % segmentSize);
  if (header.readInt32BE(RecordField.MAGIC) === BLANK_MAGIC_CODE) return size === room ? 'boundary' : 'not-boundary';
  if (size <= BLANK_RECORD_MIN_SIZE || size > room) return 'not-boundary';
  const record = commitLog.read(offset, size);
  // A valid record that names its own position is a record start; anything else is mid-record bytes.
  return record && inspectStoredRecord(record, 0, size, offset).kind === 'record' ? 'boundary' : 'not-boundary';
}
