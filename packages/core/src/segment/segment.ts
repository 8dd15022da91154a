/**
 * A segment is one fixed-size piece of a segmented log (a commit-log file or a consume-queue file).
 * Positions passed to read/write are relative to the segment; `start` is its absolute offset.
 *
 * Reads and writes are synchronous positional I/O against the page cache, the way RocketMQ reads and
 * writes its memory-mapped files; only fsync, pre-fill and deletion go to the thread pool, because
 * those are the calls that wait for the device.
 */
export interface Segment {
  readonly start: number;
  readonly size: number;
  /** Copies up to `length` bytes at `position` into `target`; returns how many were available. */
  read(target: Buffer, targetOffset: number, length: number, position: number): number;
  write(source: Buffer, sourceOffset: number, length: number, position: number): void;
  /** Makes every write so far durable (fdatasync for files). */
  flush(): Promise<void>;
  /** Bytes present (a file that was never pre-filled is shorter than `size`). */
  length(): number;
  /** Milliseconds since the epoch of the last write (retention ages segments by it). */
  lastModified(): number;
  close(): void;
}

/** Where the segments of one logical file live: a directory, or memory. */
export interface SegmentDirectory {
  /** Start offsets of the existing segments, ascending. */
  list(): number[];
  /** Opens an existing segment. */
  open(start: number, size: number): Segment;
  /**
   * Creates a segment. If a segment was pre-filled for this start (see prepare) it is used; otherwise a
   * new empty one is made at once, since the writer cannot wait.
   */
  create(start: number, size: number): Segment;
  /**
   * Prepares the segment that will start at `start` in the background: a deleted segment recycled,
   * or a new file (written full of zeros where the directory is told to, e.g. the commit log with
   * warmMappedFile). Safe to call repeatedly; a later create() picks it up if finished.
   */
  prepare(start: number, size: number): void;
  /** Like prepare, but resolves once the segment is ready for create() (used for a new log's first segment). */
  prefill(start: number, size: number): Promise<void>;
  /**
   * Deletes a segment off the hot path (in steps, so concurrent fsyncs are not stalled).
   * `mayRecycle`: its file may be kept for a later segment. Only retention says so: an expired
   * segment's start offset never comes back, whereas a segment cut off by recovery would be created
   * again at the same start, where its old records would look valid.
   */
  remove(segment: Segment, mayRecycle: boolean): Promise<void>;
  /** Waits for background work (pre-fill, removals) and stops it. */
  close(): Promise<void>;
}

/** Segment file names: the 20-digit zero-padded start offset, as RocketMQ names its files. */
export function segmentFileName(start: number): string {
  return String(start).padStart(20, '0');
}

export function parseSegmentFileName(name: string): number | undefined {
  if (!/^\d{20}$/.test(name)) return undefined;
  const value = Number(name);
  return Number.isSafeInteger(value) ? value : undefined;
}
