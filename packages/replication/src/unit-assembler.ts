import { scanUnits } from '@pulsejet/core';
import { ReplicationError, ReplicationErrorCode } from './errors';

/**
 * The slave's side of the stream: transfer frames cut records anywhere (Java's master sends 32 KiB
 * slices of its files), but a store appends only whole records and blanks. This collects the bytes
 * after the slave's log end and hands out the whole units at the front. The caller bounds what it
 * buffers (SlaveStream stops reading its socket above a limit); a unit (a record, or the blank
 * padding of a segment's end) is handed out whole, whatever its size.
 */
export class UnitAssembler {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes needed before the first incomplete unit is whole (0: unknown, look at the header). */
  private needed = 0;

  constructor(
    private start: number,
    private readonly segmentSize: number,
  ) {}

  /** Log offset of the first buffered byte (= the store's end once everything taken was appended). */
  offset(): number {
    return this.start;
  }

  /** Log offset just past the last byte received: where the next frame must start. */
  end(): number {
    return this.start + this.buffered;
  }

  isEmpty(): boolean {
    return this.buffered === 0;
  }

  /** Bytes received and not yet taken. */
  bufferedBytes(): number {
    return this.buffered;
  }

  /** Starts over at `offset` (only while empty: an empty slave adopting the master's first segment). */
  restart(offset: number): void {
    if (this.buffered > 0) throw new Error('UnitAssembler.restart with bytes buffered');
    this.start = offset;
    this.needed = 0;
  }

  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.buffered += bytes.length;
  }

  /**
   * The whole units at the front, removed from the buffer; undefined if none is whole yet. At most
   * `maxBytes` of them, but always the first unit when it is whole (a unit can be larger).
   */
  take(maxBytes = Number.POSITIVE_INFINITY): { offset: number; bytes: Buffer } | undefined {
    if (this.buffered < Math.max(this.needed, 8)) return undefined;
    // Join only the chunks the take can use: a backlog is not copied again on every take.
    let head = this.joinFront(Math.max(maxBytes, this.needed, 8));
    // A unit starts with its size (TOTAL_SIZE, at 0 in records and blanks alike).
    const limit = Math.max(maxBytes, head.readInt32BE(0));
    if (head.length < limit && this.chunks.length > 1) head = this.joinFront(limit);
    const scan = scanUnits(head.length > limit ? head.subarray(0, limit) : head, this.start, this.segmentSize);
    if (scan.kind === 'invalid') {
      throw new ReplicationError(ReplicationErrorCode.CORRUPT_STREAM, `the master's stream is not commit-log records at ${scan.offset}: ${scan.reason}`);
    }
    const rest = head.subarray(scan.complete);
    if (rest.length > 0) this.chunks[0] = rest;
    else this.chunks.shift();
    this.buffered -= scan.complete;
    // The next unit's size is trusted only if the scan checked its header (it stopped there, not at the limit).
    this.needed = head.length <= limit && rest.length >= 8 ? rest.readInt32BE(0) : 0;
    if (scan.complete === 0) return undefined;
    const offset = this.start;
    this.start += scan.complete;
    return { offset, bytes: head.subarray(0, scan.complete) };
  }

  /** Replaces the leading chunks that hold at least `bytes` bytes (or all) by one buffer, and returns it. */
  private joinFront(bytes: number): Buffer {
    let count = 0;
    let length = 0;
    while (count < this.chunks.length && length < bytes) length += this.chunks[count++]!.length;
    if (count > 1) this.chunks.splice(0, count, Buffer.concat(this.chunks.slice(0, count), length));
    return this.chunks[0]!;
  }
}
