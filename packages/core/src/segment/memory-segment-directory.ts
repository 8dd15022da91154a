import { MemorySegment } from './memory-segment';
import type { Segment, SegmentDirectory } from './segment';

/** Segments in memory, for the memory-backed store (tests, embedded `memory: true`). */
export class MemorySegmentDirectory implements SegmentDirectory {
  private readonly segments = new Map<number, MemorySegment>();

  list(): number[] {
    return [...this.segments.keys()].sort((a, b) => a - b);
  }

  open(start: number, size: number): Segment {
    const segment = this.segments.get(start);
    if (!segment || segment.size !== size) throw new Error(`no memory segment at ${start}`);
    return segment;
  }

  create(start: number, size: number): Segment {
    const segment = new MemorySegment(start, size);
    this.segments.set(start, segment);
    return segment;
  }

  prepare(): void {
    // Memory segments grow on demand; nothing to warm.
  }

  async prefill(): Promise<void> {
    // Nothing to warm.
  }

  async remove(segment: Segment, _mayRecycle: boolean): Promise<void> {
    this.segments.delete(segment.start);
    segment.close();
  }

  async close(): Promise<void> {
    this.segments.clear();
  }
}
