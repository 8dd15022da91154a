import type { Segment } from './segment';

/** Memory is taken in chunks of this size as the segment fills: no up-front cost, no regrowth copies. */
const CHUNK = 1024 * 1024;

/** A segment held in memory; a 1 GiB segment size costs nothing until written. */
export class MemorySegment implements Segment {
  private chunks: Buffer[] = [];
  private used = 0;
  private modified = Date.now();

  constructor(
    readonly start: number,
    readonly size: number,
  ) {}

  read(target: Buffer, targetOffset: number, length: number, position: number): number {
    const available = Math.min(length, this.used - position);
    if (available <= 0) return 0;
    let done = 0;
    while (done < available) {
      const at = position + done;
      const chunk = this.chunks[Math.floor(at / CHUNK)]!;
      const within = at % CHUNK;
      done += chunk.copy(target, targetOffset + done, within, Math.min(CHUNK, within + available - done));
    }
    return done;
  }

  write(source: Buffer, sourceOffset: number, length: number, position: number): void {
    if (position + length > this.size) {
      throw new Error(`write past the end of memory segment ${this.start} (${position}+${length} > ${this.size})`);
    }
    let done = 0;
    while (done < length) {
      const at = position + done;
      const index = Math.floor(at / CHUNK);
      while (this.chunks.length <= index) this.chunks.push(Buffer.alloc(Math.min(CHUNK, this.size - this.chunks.length * CHUNK)));
      const within = at % CHUNK;
      done += source.copy(this.chunks[index]!, within, sourceOffset + done, sourceOffset + Math.min(length, done + CHUNK - within));
    }
    if (position + length > this.used) this.used = position + length;
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
    this.chunks = [];
    this.used = 0;
  }
}
