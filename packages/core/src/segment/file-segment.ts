import * as fs from 'node:fs';
import { promisify } from 'node:util';
import type { Segment } from './segment';

const fdatasync = promisify(fs.fdatasync);

/**
 * Another writer that may still be writing part of the file (a zero fill stopped when the segment was
 * taken over): before a write reaches `writingFrom`, `settle()` waits until it has finished.
 */
export interface WriteFence {
  readonly writingFrom: number;
  settle(): void;
}

/** A segment backed by one file, accessed with positional reads and writes. */
export class FileSegment implements Segment {
  private modified: number;
  private fileLength: number;
  private closed = false;

  constructor(
    readonly path: string,
    readonly start: number,
    readonly size: number,
    private readonly fd: number,
    private fence?: WriteFence,
  ) {
    const stat = fs.fstatSync(fd);
    this.modified = stat.mtimeMs;
    this.fileLength = stat.size;
  }

  static open(path: string, start: number, size: number, fence?: WriteFence): FileSegment {
    return new FileSegment(path, start, size, fs.openSync(path, 'r+'), fence);
  }

  static createEmpty(path: string, start: number, size: number): FileSegment {
    return new FileSegment(path, start, size, fs.openSync(path, 'wx+'));
  }

  read(target: Buffer, targetOffset: number, length: number, position: number): number {
    const available = Math.min(length, this.fileLength - position);
    if (available <= 0) return 0;
    let done = 0;
    while (done < available) {
      const n = fs.readSync(this.fd, target, targetOffset + done, available - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  write(source: Buffer, sourceOffset: number, length: number, position: number): void {
    if (position + length > this.size) {
      throw new Error(`write past the end of segment ${this.path} (${position}+${length} > ${this.size})`);
    }
    if (this.fence !== undefined && position + length > this.fence.writingFrom) {
      this.fence.settle();
      this.fence = undefined;
    }
    let done = 0;
    while (done < length) {
      done += fs.writeSync(this.fd, source, sourceOffset + done, length - done, position + done);
    }
    if (position + length > this.fileLength) this.fileLength = position + length;
    this.modified = Date.now();
  }

  async flush(): Promise<void> {
    if (this.closed) return;
    await fdatasync(this.fd);
  }

  length(): number {
    return this.fileLength;
  }

  lastModified(): number {
    return this.modified;
  }

  /** Retention and tests may age a segment explicitly (mtime is what survives a restart). */
  setLastModified(ms: number): void {
    this.modified = ms;
    fs.futimesSync(this.fd, new Date(ms), new Date(ms));
  }

  get descriptor(): number {
    return this.fd;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}
