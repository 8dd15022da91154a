import { scanUnits } from '@pulsejet/core';
import { ReplicationError, ReplicationErrorCode } from './errors';

/**
 * The slave's side of the stream: transfer frames cut records anywhere (Java's master sends 32 KiB
 * slices of its files), but a store appends only whole records and blanks. This collects the bytes
 * after the slave's log end and hands out the whole units at the front. Memory stays bounded by one
 * unit (a record, or the blank padding of a segment's end) plus one frame.
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

  /** The whole units at the front, removed from the buffer; undefined if none is whole yet. */
  take(): { offset: number; bytes: Buffer } | undefined {
    if (this.buffered < Math.max(this.needed, 8)) return undefined;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const scan = scanUnits(all, this.start, this.segmentSize);
    if (scan.kind === 'invalid') {
      throw new ReplicationError(ReplicationErrorCode.CORRUPT_STREAM, `the master's stream is not commit-log records at ${scan.offset}: ${scan.reason}`);
    }
    const rest = all.subarray(scan.complete);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    this.needed = rest.length >= 8 ? rest.readInt32BE(0) : 0;
    if (scan.complete === 0) return undefined;
    const offset = this.start;
    this.start += scan.complete;
    return { offset, bytes: all.subarray(0, scan.complete) };
  }
}
