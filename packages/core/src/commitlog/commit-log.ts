import * as protocol from '@pulsejet/protocol';
import type { Segment } from '../segment/segment';
import type { AppendRequest, AppendResult, AppendedRecord } from './append-types';
import { SegmentedLog } from './segmented-log';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// which the profile of the append path showed per message.
const { BLANK_MAGIC_CODE, BLANK_RECORD_MIN_SIZE, RecordField, sealRecordCrcKnowingBody, writeBatchRecord, writePreparedRecord } = protocol;

/** The next segment is prepared once 1/PREPARE_NEXT_AFTER of the current one is written (see prepareFollowing). */
const PREPARE_NEXT_AFTER = 8;

/**
 * The commit log: every message of every topic, appended in one sequence of segments by one writer.
 *
 * append() is synchronous and is called with everything that arrived in one tick, so concurrent puts
 * share one write call: records are copied into one staging buffer (cheaper than writev of many small
 * buffers) and written with one positional write per segment touched. A record never spans two
 * segments; the space left at a segment's end becomes a blank record, as in RocketMQ.
 */
export class CommitLog {
  readonly log: SegmentedLog;
  private writePosition = 0;
  private flushedPosition = 0;
  private readonly dirty = new Set<Segment>();
  private readonly nextQueueOffsets = new Map<string, number>();
  private staging: Buffer;
  private readonly blank = Buffer.alloc(BLANK_RECORD_MIN_SIZE);
  private flushChain: Promise<number> = Promise.resolve(0);
  /** Start of the segment whose pre-fill was last requested (requested once per segment). */
  private preparedSegment = -1;

  constructor(log: SegmentedLog, maxBatchBytes: number) {
    this.log = log;
    this.staging = Buffer.allocUnsafe(maxBatchBytes);
  }

  get segmentSize(): number {
    return this.log.segmentSize;
  }

  /** Offset where the next record goes (= the end of the written log). */
  maxOffset(): number {
    return this.writePosition;
  }

  minOffset(): number {
    return this.log.minOffset();
  }

  /** Everything below this offset has been fsynced. */
  flushed(): number {
    return this.flushedPosition;
  }

  /** Sets the write position after recovery (and the flushed one: what recovery found is on disk). */
  resetPosition(end: number): void {
    this.writePosition = end;
    this.flushedPosition = end;
    if (end > 0 || this.log.all().length > 0) this.log.obtain(end);
    this.prepareFollowing(end);
  }

  /**
   * Asks the directory to prepare the next segment once the current one is an eighth written. A zero
   * fill needs most of a segment's time at high write rates: on the development VM every page of page
   * cache touched for the first time costs ~3 ns a byte (the host supplies it: free page reporting),
   * so a 1 GiB fill takes ~3 s of a core while the store writes ~300 MB/s. Started at half a segment,
   * most fills were unfinished when needed; from the start (with unfinished fills taken over, see
   * FileSegmentDirectory.create) a store's 40 s of 1 KiB puts averaged 286 / 292 MB/s against 231 /
   * 234 MB/s. An eighth leaves a fill nearly as much time, and a broker taking little traffic (a new
   * one, a test's) does not write a second segment of zeros right after its first. What preparing
   * means is the directory's (files: recycle or create, zero-filled or not; memory: nothing).
   */
  private prepareFollowing(position: number): void {
    const within = position % this.segmentSize;
    const next = position - within + this.segmentSize;
    if (within * PREPARE_NEXT_AFTER < this.segmentSize || this.preparedSegment === next) return;
    this.preparedSegment = next;
    this.log.directory.prepare(next, this.segmentSize);
  }

  /**
   * Prepares the segment that `end` falls in if it does not exist yet (a new log, or one that ended
   * exactly at a segment boundary), so even the first writes go to a prepared file.
   */
  async warmSegmentAt(end: number): Promise<void> {
    if (this.log.find(end)) return;
    await this.log.directory.prefill(end - (end % this.segmentSize), this.segmentSize);
  }

  /** Next queue offset of a topic/queue; seeded from the consume queues at start. */
  setNextQueueOffset(topic: string, queueId: number, next: number): void {
    this.nextQueueOffsets.set(queueKey(topic, queueId), next);
  }

  nextQueueOffset(topic: string, queueId: number): number {
    return this.nextQueueOffsets.get(queueKey(topic, queueId)) ?? 0;
  }

  deleteQueueOffsets(topic: string): void {
    for (const key of [...this.nextQueueOffsets.keys()]) if (key.startsWith(`${topic}\u0000`)) this.nextQueueOffsets.delete(key);
  }

  /**
   * Appends requests in order. All of them or none count: if a write fails (disk full, I/O error) the
   * write position and queue offsets are restored and the error is thrown; bytes that did reach the
   * file lie past the write position, where the next append overwrites them.
   */
  append(requests: readonly AppendRequest[]): AppendResult[] {
    const startPosition = this.writePosition;
    const savedOffsets = new Map<string, number | undefined>();
    try {
      return this.appendUnchecked(requests, savedOffsets);
    } catch (error) {
      this.writePosition = startPosition;
      for (const [key, offset] of savedOffsets) {
        if (offset === undefined) this.nextQueueOffsets.delete(key);
        else this.nextQueueOffsets.set(key, offset);
      }
      throw error;
    }
  }

  private appendUnchecked(
    requests: readonly AppendRequest[],
    savedOffsets: Map<string, number | undefined>,
  ): AppendResult[] {
    const results: AppendResult[] = [];
    let staged = 0;
    let stagedStart = this.writePosition;

    for (const request of requests) {
      let position = stagedStart + staged;
      const segmentEnd = position - (position % this.segmentSize) + this.segmentSize;
      // RocketMQ keeps at least a blank header's room after the last record of a segment.
      if (position + request.totalSize + BLANK_RECORD_MIN_SIZE > segmentEnd) {
        const blankSize = segmentEnd - position;
        this.writeStaged(stagedStart, staged);
        staged = 0;
        // Only the blank's header is written: its TOTALSIZE tells a scanner to skip to the next segment.
        this.blank.writeInt32BE(blankSize, RecordField.TOTAL_SIZE);
        this.blank.writeInt32BE(BLANK_MAGIC_CODE, RecordField.MAGIC);
        const segment = this.log.obtain(position);
        segment.write(this.blank, 0, BLANK_RECORD_MIN_SIZE, position - segment.start);
        this.dirty.add(segment);
        position = segmentEnd;
        stagedStart = segmentEnd;
        this.log.obtain(segmentEnd);
      }
      if (staged + request.totalSize > this.staging.length) {
        this.writeStaged(stagedStart, staged);
        staged = 0;
        stagedStart = position;
        if (request.totalSize > this.staging.length) this.staging = Buffer.allocUnsafe(request.totalSize);
      }

      const key = queueKey(request.topic, request.queueId);
      if (!savedOffsets.has(key)) savedOffsets.set(key, this.nextQueueOffsets.get(key));
      let queueOffset = this.nextQueueOffsets.get(key) ?? 0;
      const appended: AppendedRecord[] = [];
      const batch = request.batch;
      // The position fields are final only now, so the whole-record CRC is computed here (reusing
      // the body's CRC from the prepare step instead of reading the body a second time).
      if (batch === undefined) {
        for (const record of request.records) {
          const at = staged;
          const size = record.prepared.size;
          writePreparedRecord(record.prepared, this.staging, at, queueOffset, stagedStart + at, record.storeTimestamp);
          sealRecordCrcKnowingBody(this.staging, at, size, record.prepared.bodyCrc32);
          appended.push(appendedRecord(request, queueOffset, stagedStart + at, size, record.tagsCode, record.storeTimestamp));
          staged += size;
          queueOffset += 1;
        }
      } else {
        const { prepared, tagsCodes, storeTimestamp } = batch;
        const { sizes, bodyCrc32s } = prepared;
        for (let index = 0; index < sizes.length; index++) {
          const at = staged;
          const size = sizes[index]!;
          writeBatchRecord(prepared, index, this.staging, at, queueOffset, stagedStart + at, storeTimestamp);
          sealRecordCrcKnowingBody(this.staging, at, size, bodyCrc32s[index]!);
          appended.push(appendedRecord(request, queueOffset, stagedStart + at, size, tagsCodes[index]!, storeTimestamp));
          staged += size;
          queueOffset += 1;
        }
      }
      this.nextQueueOffsets.set(key, queueOffset);
      results.push({ records: appended, endOffset: stagedStart + staged });
    }
    const end = stagedStart + staged;
    this.writeStaged(stagedStart, staged);
    this.writePosition = end;
    this.prepareFollowing(end);
    return results;
  }

  /**
   * Writes the first `staged` bytes of the staging buffer at log position `stagedStart`. A method, not
   * a closure in appendUnchecked: under tsx every closure creation also names the function (esbuild's
   * keepNames: an Object.defineProperty call), which the profile of single sends showed once per append.
   */
  private writeStaged(stagedStart: number, staged: number): void {
    if (staged === 0) return;
    const segment = this.log.obtain(stagedStart);
    segment.write(this.staging, 0, staged, stagedStart - segment.start);
    this.dirty.add(segment);
  }

  /**
   * Writes bytes copied from a master at the write position, verbatim (a slave's replication; the
   * caller validated them as whole records and blanks). Blanks copied with them make the segments
   * roll at the master's offsets. If a write fails the position stays, as in append().
   */
  appendVerbatim(bytes: Buffer): void {
    let position = this.writePosition;
    let at = 0;
    while (at < bytes.length) {
      const segment = this.log.obtain(position);
      const length = Math.min(segment.start + segment.size - position, bytes.length - at);
      segment.write(bytes, at, length, position - segment.start);
      this.dirty.add(segment);
      at += length;
      position += length;
    }
    this.writePosition = position;
    this.prepareFollowing(position);
  }

  /**
   * Up to `maxBytes` raw bytes from `offset`, within its segment and below the write position (what a
   * master streams to a slave). Filler a segment file never had (only a blank's header is written)
   * reads as zeros; a recycled file's filler may hold old bytes, which readers skip by the blank's size.
   */
  readRange(offset: number, maxBytes: number): Buffer {
    const segment = this.log.find(offset);
    if (!segment || offset >= this.writePosition) return Buffer.alloc(0);
    const length = Math.max(0, Math.min(maxBytes, segment.start + segment.size - offset, this.writePosition - offset));
    const target = Buffer.alloc(length);
    this.log.read(offset, target, 0, length);
    return target;
  }

  /**
   * Makes everything written so far durable; returns the offset now covered. Flushes run one after
   * another: a second caller must not see the dirty set emptied by a running fsync and report its
   * offset durable before that fsync returns.
   */
  flush(): Promise<number> {
    const run = this.flushChain.then(
      () => this.flushOnce(),
      () => this.flushOnce(),
    );
    this.flushChain = run.catch(() => this.flushedPosition);
    return run;
  }

  private async flushOnce(): Promise<number> {
    const target = this.writePosition;
    const segments = [...this.dirty];
    this.dirty.clear();
    try {
      await Promise.all(segments.map((segment) => segment.flush()));
    } catch (error) {
      for (const segment of segments) this.dirty.add(segment);
      throw error;
    }
    if (target > this.flushedPosition) this.flushedPosition = target;
    return this.flushedPosition;
  }

  /** Reads `size` bytes at `offset` (within one segment); undefined if they are not all there. */
  read(offset: number, size: number): Buffer | undefined {
    if (offset < this.minOffset() || offset + size > this.writePosition) return undefined;
    const target = Buffer.allocUnsafe(size);
    return this.log.read(offset, target, 0, size) === size ? target : undefined;
  }

  /** Store timestamp of the record at `offset` (for offset-by-time searches). */
  storeTimestampAt(offset: number): number | undefined {
    const field = this.read(offset + RecordField.STORE_TIMESTAMP, 8);
    return field ? field.readUInt32BE(0) * 2 ** 32 + field.readUInt32BE(4) : undefined;
  }

  close(): void {
    this.log.close();
  }
}

function appendedRecord(request: AppendRequest, queueOffset: number, physicalOffset: number, size: number, tagsCode: number, storeTimestamp: number): AppendedRecord {
  return { topic: request.topic, queueId: request.queueId, queueOffset, physicalOffset, size, tagsCode, storeTimestamp };
}

function queueKey(topic: string, queueId: number): string {
  return `${topic}\u0000${queueId}`;
}
