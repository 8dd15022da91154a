import type { Segment, SegmentDirectory } from '../segment/segment';

/**
 * An ordered run of equal-size segments addressed by absolute offset: the shape of both the commit
 * log (bytes) and each consume queue (20-byte entries). Finds the segment for an offset, creates the
 * next one, and drops old ones.
 */
export class SegmentedLog {
  private segments: Segment[] = [];

  constructor(
    readonly directory: SegmentDirectory,
    readonly segmentSize: number,
  ) {}

  /** Opens the segments already in the directory. */
  load(): void {
    this.segments = this.directory.list().map((start) => this.directory.open(start, this.segmentSize));
  }

  all(): readonly Segment[] {
    return this.segments;
  }

  first(): Segment | undefined {
    return this.segments[0];
  }

  last(): Segment | undefined {
    return this.segments[this.segments.length - 1];
  }

  /** Offset of the first byte still kept (0 for an empty log). */
  minOffset(): number {
    return this.segments[0]?.start ?? 0;
  }

  /** The segment holding `offset`, if it exists. */
  find(offset: number): Segment | undefined {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const segment = this.segments[mid]!;
      if (offset < segment.start) hi = mid - 1;
      else if (offset >= segment.start + segment.size) lo = mid + 1;
      else return segment;
    }
    return undefined;
  }

  /** The segment holding `offset`, created (with the ones before it missing) if needed. */
  obtain(offset: number): Segment {
    const existing = this.find(offset);
    if (existing) return existing;
    const start = offset - (offset % this.segmentSize);
    const last = this.last();
    if (last && start < last.start) throw new Error(`offset ${offset} lies before the last segment ${last.start} and its segment is gone`);
    const created = this.directory.create(start, this.segmentSize);
    this.segments.push(created);
    return created;
  }

  /** Reads within one segment; returns the bytes available (fewer near the written end). */
  read(offset: number, target: Buffer, targetOffset: number, length: number): number {
    const segment = this.find(offset);
    if (!segment) return 0;
    const position = offset - segment.start;
    return segment.read(target, targetOffset, Math.min(length, segment.size - position), position);
  }

  /** Removes the first segment (retention); its file may be recycled for a future segment. */
  async removeFirst(): Promise<Segment | undefined> {
    const first = this.segments.shift();
    if (first) await this.directory.remove(first, true);
    return first;
  }

  /**
   * Removes every segment starting at or after `offset` (recovery of a cut tail). Never recycled:
   * the same start offsets will be written again, and their old records must not reappear.
   */
  async removeFrom(offset: number): Promise<void> {
    while (this.segments.length > 0 && this.last()!.start >= offset) {
      await this.directory.remove(this.segments.pop()!, false);
    }
  }

  close(): void {
    for (const segment of this.segments) segment.close();
    this.segments = [];
  }
}
