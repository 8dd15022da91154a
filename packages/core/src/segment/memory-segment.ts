import type { Segment } from './segment';

/** A segment held in memory; it grows as written, so a 1 GiB segment size costs nothing up front. */
export class MemorySegment implements Segment {
  private data = Buffer.alloc(0);
  private used = 0;
  private modified = Date.now();

  constructor(
    readonly start: number,
    readonly size: number,
  ) {}

  read(target: Buffer, targetOffset: number, length: number, position: number): number {
    const available = Math.min(length, this.used - position);
    if (available <= 0) return 0;
    return this.data.copy(target, targetOffset, position, position + available);
  }

  write(source: Buffer, sourceOffset: number, length: number, position: number): void {
    if (position + length > this.size) {
      throw new Error(`write past the end of memory segment ${this.start} (${position}+${length} > ${this.size})`);
    }
    const end = position + length;
    if (end > this.data.length) {
      const grown = Buffer.alloc(Math.min(this.size, Math.max(end, this.data.length * 2, 64 * 1024)));
      this.data.copy(grown, 0, 0, this.used);
      this.data = grown;
    }
    source.copy(this.data, position, sourceOffset, sourceOffset + length);
    if (end > this.used) this.used = end;
    this.modified = Date.now();
  }

  async flush(): Promise<void> {
    // Nothing to make durable.
  }

  length(): number {
    return this.used;
  }

  lastModified(): number {
    return this.modified;
  }

  setLastModified(ms: number): void {
    this.modified = ms;
  }

  close(): void {
    this.data = Buffer.alloc(0);
    this.used = 0;
  }
}
