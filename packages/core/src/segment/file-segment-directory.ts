import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileSegment } from './file-segment';
import { parseSegmentFileName, segmentFileName, type Segment, type SegmentDirectory } from './segment';
import { startZeroFill, type StoppedZeroFill, type ZeroFill } from './zero-fill';

/** Deleting a big file stalls concurrent fsyncs for tens of ms; shrinking it in steps spreads that out. */
const DELETE_STEP = 64 * 1024 * 1024;
/** A segment file being prepared, and prepared but not yet used, carries this suffix (tools watch for it). */
export const PREFILL_SUFFIX = '.prefill';
const SPARE_PREFIX = 'spare-';

export interface FileSegmentDirectoryOptions {
  /**
   * Reuse deleted segments for new ones instead of unlinking them. Only safe for the commit log, whose
   * recovery recognises stale records by their PHYSICALOFFSET field; a consume queue must not recycle.
   */
  recycle: boolean;
  /**
   * Prepare a segment that has no spare to recycle by writing it full of zeros (default), or only by
   * creating its file, which then grows as it is written (the commit log's `warmMappedFile=false`).
   */
  zeroFill?: boolean;
}

interface Prefill {
  start: number;
  size: number;
  cancelled: boolean;
  /** The zeros being written, when preparing means writing them. */
  zeroFill?: ZeroFill;
  /** Set once the zeros (or a recycled file) are fully in place; read synchronously by create(). */
  ready: boolean;
  settled: Promise<void>;
}

export class FileSegmentDirectory implements SegmentDirectory {
  private readonly prefills = new Map<number, Prefill>();
  private readonly background = new Set<Promise<unknown>>();
  private spares: string[] = [];

  constructor(
    readonly dir: string,
    private readonly options: FileSegmentDirectoryOptions,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name);
      if (name.endsWith(PREFILL_SUFFIX)) fs.rmSync(full, { force: true });
      else if (name.startsWith(SPARE_PREFIX)) {
        if (options.recycle) this.spares.push(full);
        else fs.rmSync(full, { force: true });
      }
    }
  }

  list(): number[] {
    return fs
      .readdirSync(this.dir)
      .map(parseSegmentFileName)
      .filter((start): start is number => start !== undefined)
      .sort((a, b) => a - b);
  }

  open(start: number, size: number): Segment {
    return FileSegment.open(this.pathOf(start), start, size);
  }

  create(start: number, size: number): Segment {
    const target = this.pathOf(start);
    const prefill = this.prefills.get(start);
    if (prefill) {
      this.prefills.delete(start);
      if (prefill.ready && prefill.size === size) {
        fs.renameSync(this.prefillPath(start), target);
        return FileSegment.open(target, start, size);
      }
      // Not finished: the writer cannot wait. It stops the fill and takes over the zeros a zero fill
      // has written (the rest of the file grows as it is written); otherwise it takes a fresh file.
      // Either way the fill's settled handler finds nothing of its own left to remove.
      const left = cancel(prefill);
      if (left !== undefined && left.claimedTo > 0 && prefill.size === size) {
        fs.renameSync(this.prefillPath(start), target);
        return FileSegment.open(target, start, size, left);
      }
    }
    return FileSegment.createEmpty(target, start, size);
  }

  prepare(start: number, size: number): void {
    if (this.prefills.has(start) || fs.existsSync(this.pathOf(start))) return;
    const entry: Prefill = { start, size, cancelled: false, ready: false, settled: Promise.resolve() };
    const spare = this.spares.pop();
    const work = spare ? this.reuseSpare(spare, entry) : this.options.zeroFill === false ? this.createEmpty(entry) : this.writeZeros(entry);
    this.prefills.set(start, entry);
    entry.settled = this.track(
      work.then(
        (ok) => {
          entry.ready = ok && !entry.cancelled;
          if (!entry.ready) fs.rmSync(this.prefillPath(start), { force: true });
        },
        () => fs.rmSync(this.prefillPath(start), { force: true }),
      ),
    );
  }

  async prefill(start: number, size: number): Promise<void> {
    this.prepare(start, size);
    await this.prefills.get(start)?.settled;
  }

  async remove(segment: Segment, mayRecycle: boolean): Promise<void> {
    const file = segment as FileSegment;
    file.close();
    if (mayRecycle && this.options.recycle && this.spares.length === 0) {
      const spare = path.join(this.dir, `${SPARE_PREFIX}${segmentFileName(segment.start)}`);
      fs.renameSync(file.path, spare);
      this.spares.push(spare);
      return;
    }
    await this.track(shrinkAndUnlink(file.path));
  }

  async close(): Promise<void> {
    for (const prefill of this.prefills.values()) cancel(prefill);
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    for (const start of this.prefills.keys()) fs.rmSync(this.prefillPath(start), { force: true });
    this.prefills.clear();
  }

  private async reuseSpare(spare: string, entry: Prefill): Promise<boolean> {
    await fs.promises.rename(spare, this.prefillPath(entry.start));
    const handle = await fs.promises.open(this.prefillPath(entry.start), 'r+');
    try {
      await handle.truncate(entry.size);
    } finally {
      await handle.close();
    }
    return !entry.cancelled;
  }

  /** The file only, empty: its writes then allocate as they go (see zeroFill). */
  private async createEmpty(entry: Prefill): Promise<boolean> {
    const handle = await fs.promises.open(this.prefillPath(entry.start), 'w');
    await handle.close();
    return !entry.cancelled;
  }

  private async writeZeros(entry: Prefill): Promise<boolean> {
    entry.zeroFill = startZeroFill(this.prefillPath(entry.start), entry.size);
    return (await entry.zeroFill.done) && !entry.cancelled;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.background.add(work);
    void work.finally(() => this.background.delete(work)).catch(() => undefined);
    return work;
  }

  private pathOf(start: number): string {
    return path.join(this.dir, segmentFileName(start));
  }

  private prefillPath(start: number): string {
    return `${this.pathOf(start)}${PREFILL_SUFFIX}`;
  }
}

async function shrinkAndUnlink(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    let size = (await handle.stat()).size;
    while (size > DELETE_STEP) {
      size -= DELETE_STEP;
      await handle.truncate(size);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await handle.close();
  }
  await fs.promises.rm(file, { force: true });
}

/** Stops a pre-fill; a zero fill says what it leaves in the file (nothing claimed if it had not begun). */
function cancel(prefill: Prefill): StoppedZeroFill | undefined {
  prefill.cancelled = true;
  return prefill.zeroFill?.stop();
}
