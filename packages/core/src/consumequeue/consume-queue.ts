import * as protocol from '@pulsejet/protocol';
import { SegmentedLog } from '../commitlog/segmented-log';
import type { Segment } from '../segment/segment';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and encodeEntry runs for every message dispatched.
const { writeInt64, writeUInt64 } = protocol;

/**
 * Consume-queue entry, 20 bytes, big-endian (RocketMQ ConsumeQueue.CQ_STORE_UNIT_SIZE):
 *   0  commit-log offset (int64)
 *   8  record size       (int32)
 *   12 tag hash code     (int64; the delivery time for delay-topic entries)
 */
export const CQ_ENTRY_SIZE = 20;
/** Entries place() reads ahead at once during recovery. */
const READ_AHEAD_ENTRIES = 1024;
/**
 * Entries a queue holds in memory before writing them to its file (see ConsumeQueue's tail): 4,000
 * bytes, so a busy queue costs one write call per 200 messages instead of one per append.
 */
const TAIL_ENTRIES = 200;

export interface ConsumeQueueEntry {
  physicalOffset: number;
  size: number;
  tagsCode: number;
}

/** An entry with its logical position, as dispatch writes them. */
export interface QueueEntryAt extends ConsumeQueueEntry {
  queueOffset: number;
}

export type PlaceResult = 'appended' | 'present' | 'replaced' | 'gap';

/**
 * The index of one topic/queue into the commit log: entry n is the n-th message of the queue. Built by
 * dispatch from the commit log, so it can always be rebuilt from it. Files grow as written (they are
 * small); an all-zero entry marks unwritten space.
 *
 * The newest entries wait in memory (the tail) and go to the file when TAIL_ENTRIES have gathered, at
 * a segment boundary, and on flush() (every flushIntervalConsumeQueue, before the checkpoint records
 * how far the queues reach) and close(). Every dispatch used to write each queue it touched: with 8
 * queues that was 8 write calls per append of a few dozen messages, ~2-4 us each on the development
 * VM's ext4, the largest file-system cost of the broker's send path. RocketMQ writes its queues into
 * mapped memory for the same reason. Reads see the tail; a crash loses only entries that recovery
 * rebuilds, since the checkpoint's safe offset never passes what flush() wrote.
 */
export class ConsumeQueue {
  private min = 0;
  private max = 0;
  private readonly entryBuffer = Buffer.alloc(CQ_ENTRY_SIZE);
  private readonly dirtySegments = new Set<Segment>();
  /** Entries read ahead by place(); dropped on every write. */
  private ahead: { from: number; bytes: Buffer } | undefined;
  /** Entries [tailFrom, tailFrom + tailCount) not yet written to their segment; all in one segment. */
  private tail: Buffer | undefined;
  private tailFrom = 0;
  private tailCount = 0;

  constructor(
    readonly topic: string,
    readonly queueId: number,
    readonly log: SegmentedLog,
  ) {}

  /** Logical offset of the first readable entry. */
  minOffset(): number {
    return this.min;
  }

  /** Logical offset one past the last entry (= the number of messages ever stored in the queue). */
  maxOffset(): number {
    return this.max;
  }

  /** Finds the written end from the segments present (recovery trims further). */
  load(): void {
    this.log.load();
    const segments = this.log.all();
    this.min = (segments[0]?.start ?? 0) / CQ_ENTRY_SIZE;
    this.max = this.min;
    // A zero entry is unwritten space (a torn tail, a zero-filled file, a truncation): walk back to the
    // last real one, into earlier segments when a truncation emptied the last ones.
    for (let i = segments.length - 1; i >= 0; i -= 1) {
      const segment = segments[i]!;
      let count = Math.floor(segment.length() / CQ_ENTRY_SIZE);
      while (count > 0 && this.readAt(segment.start / CQ_ENTRY_SIZE + count - 1)?.size === 0) count -= 1;
      if (count > 0) {
        this.max = segment.start / CQ_ENTRY_SIZE + count;
        return;
      }
    }
  }

  /** Appends entries whose queue offsets continue the queue (the hot dispatch path). */
  appendRun(entries: readonly QueueEntryAt[]): void {
    this.ahead = undefined;
    const entriesPerSegment = this.log.segmentSize / CQ_ENTRY_SIZE;
    for (let i = 0; i < entries.length; i += 1) {
      const entry = entries[i]!;
      const offset = entry.queueOffset;
      if (
        this.tailCount > 0 &&
        (offset !== this.tailFrom + this.tailCount || this.tailCount === TAIL_ENTRIES || offset % entriesPerSegment === 0)
      ) {
        this.writeTail();
      }
      if (this.tailCount === 0) {
        this.tailFrom = offset;
        // The segment's file exists from its first entry on, as when every append wrote it.
        this.log.obtain(offset * CQ_ENTRY_SIZE);
      }
      // Not from Node's shared pool: the tail lives as long as the queue is busy and would pin a pool slab.
      encodeEntry((this.tail ??= Buffer.allocUnsafeSlow(TAIL_ENTRIES * CQ_ENTRY_SIZE)), this.tailCount * CQ_ENTRY_SIZE, entry);
      this.tailCount += 1;
      if (offset + 1 > this.max) this.max = offset + 1;
    }
  }

  /** Writes the tail's entries to their segment (one write call). */
  private writeTail(): void {
    if (this.tailCount === 0) return;
    const at = this.tailFrom * CQ_ENTRY_SIZE;
    const segment = this.log.obtain(at);
    segment.write(this.tail!, 0, this.tailCount * CQ_ENTRY_SIZE, at - segment.start);
    this.dirtySegments.add(segment);
    this.tailCount = 0;
  }

  /**
   * Places one entry at its queue offset, idempotently (recovery re-dispatch). 'gap' means entries
   * before it are missing: the caller must re-dispatch from further back. The tag code is asked for
   * only when an entry is written (computing it parses the message's properties).
   */
  place(queueOffset: number, physicalOffset: number, size: number, tagsCode: () => number): PlaceResult {
    if (queueOffset < this.min) return 'present'; // below what retention kept: nothing to restore
    if (queueOffset > this.max) return 'gap';
    if (queueOffset < this.max) {
      const existing = this.readAhead(queueOffset);
      if (existing && existing.physicalOffset === physicalOffset && existing.size === size) return 'present';
      this.truncateFrom(queueOffset);
      this.appendRun([{ queueOffset, physicalOffset, size, tagsCode: tagsCode() }]);
      return 'replaced';
    }
    this.appendRun([{ queueOffset, physicalOffset, size, tagsCode: tagsCode() }]);
    return 'appended';
  }

  /** readAt through a run read ahead: recovery checks consecutive entries, one pread per run. */
  private readAhead(queueOffset: number): ConsumeQueueEntry | undefined {
    const cache = this.ahead;
    if (cache && queueOffset >= cache.from && (queueOffset - cache.from + 1) * CQ_ENTRY_SIZE <= cache.bytes.length) {
      return decodeEntry(cache.bytes, (queueOffset - cache.from) * CQ_ENTRY_SIZE);
    }
    const bytes = this.readRun(queueOffset, READ_AHEAD_ENTRIES);
    this.ahead = { from: queueOffset, bytes };
    return bytes.length >= CQ_ENTRY_SIZE ? decodeEntry(bytes, 0) : undefined;
  }

  /**
   * Restarts a queue with no readable entries at `queueOffset`: rebuilding a queue whose files were
   * lost, when the log's oldest remaining message of the queue is not its first.
   */
  startAt(queueOffset: number): void {
    if (this.max !== this.min) throw new Error(`consume queue ${this.topic}/${this.queueId} still has entries`);
    this.min = queueOffset;
    this.max = queueOffset;
  }

  hasEntries(): boolean {
    return this.max > this.min;
  }

  /** Reads the entry at a logical offset, if present. */
  readAt(queueOffset: number): ConsumeQueueEntry | undefined {
    const inTail = queueOffset - this.tailFrom;
    if (this.tailCount > 0 && inTail >= 0 && inTail < this.tailCount) return decodeEntry(this.tail!, inTail * CQ_ENTRY_SIZE);
    const n = this.log.read(queueOffset * CQ_ENTRY_SIZE, this.entryBuffer, 0, CQ_ENTRY_SIZE);
    return n === CQ_ENTRY_SIZE ? decodeEntry(this.entryBuffer, 0) : undefined;
  }

  /**
   * Reads up to maxCount entries from `queueOffset` within one segment (callers loop for more);
   * returns the raw bytes, CQ_ENTRY_SIZE per entry.
   */
  readRun(queueOffset: number, maxCount: number): Buffer {
    let count = Math.max(0, Math.min(maxCount, this.max - queueOffset));
    if (this.tailCount > 0 && queueOffset >= this.tailFrom) {
      // A copy: the tail's bytes are overwritten once it has been written out.
      const from = (queueOffset - this.tailFrom) * CQ_ENTRY_SIZE;
      return Buffer.from(this.tail!.subarray(from, Math.min(from + count * CQ_ENTRY_SIZE, this.tailCount * CQ_ENTRY_SIZE)));
    }
    // Entries up to the tail come from the file; the caller's next call gets the tail's.
    if (this.tailCount > 0) count = Math.min(count, this.tailFrom - queueOffset);
    const bytes = Buffer.allocUnsafe(count * CQ_ENTRY_SIZE);
    const n = this.log.read(queueOffset * CQ_ENTRY_SIZE, bytes, 0, bytes.length);
    return bytes.subarray(0, n - (n % CQ_ENTRY_SIZE));
  }

  /** Drops entries from `queueOffset` on, overwriting them with zeros so a reload agrees. */
  truncateFrom(queueOffset: number): void {
    this.ahead = undefined;
    if (queueOffset >= this.max) return;
    // Rare (recovery, a slave cut back to its master): written out first, the file is the one truth.
    this.writeTail();
    for (let offset = queueOffset; offset < this.max; ) {
      const segment = this.log.find(offset * CQ_ENTRY_SIZE);
      if (!segment) break;
      const segmentEndOffset = (segment.start + segment.size) / CQ_ENTRY_SIZE;
      const upTo = Math.min(this.max, segmentEndOffset);
      const zeros = Buffer.alloc((upTo - offset) * CQ_ENTRY_SIZE);
      segment.write(zeros, 0, zeros.length, offset * CQ_ENTRY_SIZE - segment.start);
      this.dirtySegments.add(segment);
      offset = upTo;
    }
    this.max = queueOffset;
    if (this.min > this.max) this.min = this.max;
  }

  /** Recovery: drops entries that point past the end of the commit log. */
  trimPastLogEnd(logEnd: number): number {
    let keep = this.max;
    while (keep > this.min) {
      const entry = this.readAt(keep - 1);
      if (entry && entry.size > 0 && entry.physicalOffset + entry.size <= logEnd) break;
      keep -= 1;
    }
    const dropped = this.max - keep;
    this.truncateFrom(keep);
    return dropped;
  }

  /** Retention: drops whole segments that only point below `logMinOffset`, then moves min up. */
  async deleteBelow(logMinOffset: number): Promise<void> {
    for (;;) {
      const segments = this.log.all();
      if (segments.length < 2) break; // the last segment always stays: it carries maxOffset
      const first = segments[0]!;
      const lastEntry = this.readAt((first.start + first.size) / CQ_ENTRY_SIZE - 1);
      if (!lastEntry || lastEntry.physicalOffset >= logMinOffset) break;
      await this.log.removeFirst();
    }
    this.correctMinOffset(logMinOffset);
  }

  /** Sets min to the first entry whose message is still in the commit log (binary search). */
  correctMinOffset(logMinOffset: number): void {
    let lo = Math.max(this.min, (this.log.first()?.start ?? 0) / CQ_ENTRY_SIZE);
    let hi = this.max;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const entry = this.readAt(mid);
      if (entry && entry.physicalOffset >= logMinOffset) hi = mid;
      else lo = mid + 1;
    }
    this.min = lo;
  }

  /**
   * Writes the tail to the file at once, when called, and resolves when what was written is fsynced.
   * Not an async function on purpose: the checkpoint records the queues' ends just before calling
   * this, and relies on the write having happened by the time the call returns.
   */
  flush(): Promise<void> {
    // With nothing waiting the tail's memory goes back: idle queues hold none, a busy queue allocates
    // it again at most once per flush interval.
    if (this.tailCount === 0) this.tail = undefined;
    else this.writeTail();
    const segments = [...this.dirtySegments];
    this.dirtySegments.clear();
    return Promise.all(segments.map((segment) => segment.flush())).then(() => undefined);
  }

  close(): void {
    this.writeTail();
    this.log.close();
  }
}

export function encodeEntry(target: Buffer, at: number, entry: ConsumeQueueEntry): void {
  writeUInt64(target, at, entry.physicalOffset);
  target.writeInt32BE(entry.size, at + 8);
  writeInt64(target, at + 12, entry.tagsCode);
}

const TWO_POW_32 = 0x1_0000_0000;

/** Reads an entry; inlined 64-bit reads (this runs per message read) — offsets and codes are safe integers by construction. */
export function decodeEntry(source: Buffer, at: number): ConsumeQueueEntry {
  return {
    physicalOffset: source.readUInt32BE(at) * TWO_POW_32 + source.readUInt32BE(at + 4),
    size: source.readInt32BE(at + 8),
    tagsCode: source.readInt32BE(at + 12) * TWO_POW_32 + source.readUInt32BE(at + 16),
  };
}
