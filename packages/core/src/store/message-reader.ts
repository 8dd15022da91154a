import { MESSAGE_MAGIC_CODE_V1, RecordField } from '@pulsejet/protocol';
import type { CommitLog } from '../commitlog/commit-log';
import { CQ_ENTRY_SIZE, decodeEntry, type ConsumeQueueEntry } from '../consumequeue/consume-queue';
import type { ConsumeQueueTable } from '../consumequeue/consume-queue-table';
import type { GetMessageStatus } from '../status';

export interface GetMessageOptions {
  /** Most messages returned. @default 32 (RocketMQ pullBatchSize) */
  maxMsgNums?: number;
  /** Most bytes returned (at least one message is returned if it exists). @default 256 KiB (maxTransferBytesOnMessageInMemory) */
  maxTotalBytes?: number;
  /** Broker-side filter on the consume-queue tag code; messages it rejects are skipped. */
  filter?: (tagsCode: number) => boolean;
}

export interface GetMessageResult {
  status: GetMessageStatus;
  /** Where the next read of this queue should start (reference §7 table). */
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Stored records, byte for byte, ready to be concatenated into a pull reply body. */
  messages: Buffer[];
  /** Queue offset of each message in `messages`. */
  queueOffsets: number[];
  bufferTotalSize: number;
}

export const DEFAULT_MAX_MSG_NUMS = 32;
export const DEFAULT_MAX_TOTAL_BYTES = 256 * 1024;

/** Most consume-queue entries read per call while scanning with a filter (without one: what is asked). */
const ENTRY_READ_BATCH = 512;
// Module-level copies: this runs per message, and imported constants are module-export getters.
const TOTAL_SIZE = RecordField.TOTAL_SIZE;
const MAGIC = RecordField.MAGIC;
const MAGIC_V1 = MESSAGE_MAGIC_CODE_V1;

/**
 * Reads a queue from a logical offset, RocketMQ's DefaultMessageStore.getMessage: statuses and next
 * offsets follow the reference's §7 table. Consecutive records are read with one call; a record whose
 * header disagrees with its consume-queue entry is never served.
 */
export function getMessage(
  commitLog: CommitLog,
  queues: ConsumeQueueTable,
  topic: string,
  queueId: number,
  offset: number,
  options: GetMessageOptions,
  maxFilterMessageCount: number,
): GetMessageResult {
  const maxMsgNums = Math.max(1, options.maxMsgNums ?? DEFAULT_MAX_MSG_NUMS);
  const maxTotalBytes = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  const queue = queues.get(topic, queueId);
  if (!queue) return empty('NO_MATCHED_LOGIC_QUEUE', 0);
  const minOffset = queue.minOffset();
  const maxOffset = queue.maxOffset();
  if (maxOffset === 0) return empty('NO_MESSAGE_IN_QUEUE', 0, minOffset, maxOffset);
  if (offset < minOffset) return empty('OFFSET_TOO_SMALL', minOffset, minOffset, maxOffset);
  if (offset === maxOffset) return empty('OFFSET_OVERFLOW_ONE', offset, minOffset, maxOffset);
  if (offset > maxOffset) return empty('OFFSET_OVERFLOW_BADLY', minOffset === 0 ? minOffset : maxOffset, minOffset, maxOffset);

  const logMin = commitLog.minOffset();
  const messages: Buffer[] = [];
  const queueOffsets: number[] = [];
  let total = 0;
  let scanned = 0;
  let belowLogMin = 0;
  let filteredOut = 0;
  let next = offset;
  const scanLimit = Math.max(maxFilterMessageCount, maxMsgNums);
  // A run of entries whose records lie back to back in one segment, read with one call.
  let run: RunEntry[] = [];

  scan: while (next < maxOffset && scanned < scanLimit) {
    // Without a filter every entry is wanted: read only as many as can still be returned (+1 to see the end).
    const wanted = options.filter ? ENTRY_READ_BATCH : Math.min(ENTRY_READ_BATCH, maxMsgNums - messages.length - run.length + 1);
    const raw = queue.readRun(next, Math.min(wanted, scanLimit - scanned));
    if (raw.length === 0) break;
    for (let at = 0; at < raw.length; at += CQ_ENTRY_SIZE) {
      const entry = decodeEntry(raw, at);
      if (entry.size <= 0) break scan; // unwritten space: nothing more to read
      if (entry.physicalOffset < logMin) {
        belowLogMin += 1;
      } else if (options.filter && !options.filter(entry.tagsCode)) {
        filteredOut += 1;
      } else {
        if (messages.length + run.length >= maxMsgNums) break scan;
        if (messages.length + run.length > 0 && total + entry.size > maxTotalBytes) break scan;
        const previous = run[run.length - 1]?.entry;
        const contiguous =
          previous !== undefined &&
          previous.physicalOffset + previous.size === entry.physicalOffset &&
          sameSegment(previous.physicalOffset, entry.physicalOffset, commitLog.segmentSize);
        if (!contiguous) run = readRun(commitLog, run, messages, queueOffsets);
        run.push({ entry, queueOffset: next });
        total += entry.size;
      }
      next += 1;
      scanned += 1;
    }
  }
  readRun(commitLog, run, messages, queueOffsets);

  let status: GetMessageStatus;
  if (messages.length > 0) status = 'FOUND';
  else if (filteredOut > 0 || belowLogMin === 0) status = 'NO_MATCHED_MESSAGE';
  else status = 'OFFSET_FOUND_NULL';
  return {
    status,
    nextBeginOffset: next,
    minOffset,
    maxOffset,
    messages,
    queueOffsets,
    bufferTotalSize: messages.reduce((sum, message) => sum + message.length, 0),
  };
}

interface RunEntry {
  entry: ConsumeQueueEntry;
  queueOffset: number;
}

// Module-level functions rather than closures in getMessage: it runs for every pull, and under tsx
// each named closure costs an Object.defineProperty (esbuild keepNames).

function empty(status: GetMessageStatus, nextBeginOffset: number, minOffset = 0, maxOffset = 0): GetMessageResult {
  return { status, nextBeginOffset, minOffset, maxOffset, messages: [], queueOffsets: [], bufferTotalSize: 0 };
}

/** Reads a run of back-to-back records with one call and keeps those matching their entries; returns a fresh run. */
function readRun(commitLog: CommitLog, run: RunEntry[], messages: Buffer[], queueOffsets: number[]): RunEntry[] {
  if (run.length === 0) return run;
  const first = run[0]!.entry;
  const last = run[run.length - 1]!.entry;
  const bytes = commitLog.read(first.physicalOffset, last.physicalOffset + last.size - first.physicalOffset);
  if (bytes) {
    for (const { entry, queueOffset } of run) {
      const at = entry.physicalOffset - first.physicalOffset;
      // A record whose header disagrees with its consume-queue entry is never served.
      if (bytes.readInt32BE(at + TOTAL_SIZE) !== entry.size || bytes.readInt32BE(at + MAGIC) !== MAGIC_V1) continue;
      messages.push(bytes.subarray(at, at + entry.size));
      queueOffsets.push(queueOffset);
    }
  }
  return [];
}

function sameSegment(a: number, b: number, segmentSize: number): boolean {
  return Math.floor(a / segmentSize) === Math.floor(b / segmentSize);
}
