// LevelDB layout of the message key index: RocketMQ's index file (hash slots heading chains of
// entries) kept in LevelDB rows. All rows live in one sublevel with binary values, so one batch
// (new entries plus the progress mark) is atomic.
//
//   m                                  -> meta (JSON): progress mark, retention floor, active generation
//   e!<gen:8 hex>!<first entry:8 hex>  -> the entries one batch appended to a generation, packed
//   s!<gen:8 hex>!<page:8 hex>         -> slot heads of a sealed generation, SLOTS_PER_PAGE per row
//   g!<gen:8 hex>                      -> summary (JSON) of a sealed generation
//
// A generation is a run of up to `entriesPerGeneration` consecutive entries with its own slot table.
// The active (newest) generation's slot table lives in memory and is rebuilt from its `e!` rows on
// open; when the generation is full its table is written as `s!` rows and a new generation starts.
// Each entry links to the previous entry of its slot (`prev`), so a lookup reads the slot's head and
// walks back: newest first, as RocketMQ's IndexFile does.
//
// Why not one LevelDB row per key: that costs a LevelDB put per key (about 3.5 us of CPU each here,
// compaction included) on every message, over half of what the broker spent on a keyed send. One row
// per batch of entries costs a fraction of a microsecond per key and keeps LevelDB's atomic batches.

/** Entry bytes: slot hash u32, check hash u32, commit-log offset f64, store timestamp f64, prev u32. */
export const ENTRY_BYTES = 28;
const AT_HASH_A = 0;
const AT_HASH_B = 4;
const AT_OFFSET = 8;
const AT_TIMESTAMP = 16;
const AT_PREV = 24;

/** Slot heads per `s!` row (16 KiB rows). */
export const SLOTS_PER_PAGE = 4096;

export const META_KEY = 'm';

/** The meta row. `activeSlots` is kept because the slot count of a generation cannot change while it fills. */
export interface KeyIndexMeta {
  /** Exclusive end of the commit-log range indexed so far. */
  indexedUpTo: number;
  /** Entries below this commit-log offset are never returned (retention has passed them). */
  floor: number;
  activeGeneration: number;
  activeSlots: number;
}

/** What a sealed generation holds; lets a lookup skip it by time, and retention drop it whole. */
export interface GenerationSummary {
  generation: number;
  slots: number;
  count: number;
  minOffset: number;
  maxOffset: number;
  minTimestamp: number;
  maxTimestamp: number;
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/** The two kinds of per-generation rows: `e!` entry rows and `s!` slot pages. */
type RowKind = 'e' | 's';

/** Every row of a kind in one generation: its prefix ends in '!', so '"' (the next character) bounds it. */
function generationRange(kind: RowKind, generation: number): { gte: string; lt: string } {
  return { gte: `${kind}!${hex8(generation)}!`, lt: `${kind}!${hex8(generation)}"` };
}

/** Every row of a kind in the generations below `generation`. */
function belowGeneration(kind: RowKind, generation: number): { gte: string; lt: string } {
  return { gte: `${kind}!`, lt: `${kind}!${hex8(generation)}` };
}

export function entryRowKey(generation: number, firstEntry: number): string {
  return `e!${hex8(generation)}!${hex8(firstEntry)}`;
}

export const entryRowRange = (generation: number): { gte: string; lt: string } => generationRange('e', generation);
export const entryRowsBelow = (generation: number): { gte: string; lt: string } => belowGeneration('e', generation);

export function slotPageKey(generation: number, page: number): string {
  return `s!${hex8(generation)}!${hex8(page)}`;
}

export const slotPageRange = (generation: number): { gte: string; lt: string } => generationRange('s', generation);
export const slotPagesBelow = (generation: number): { gte: string; lt: string } => belowGeneration('s', generation);

export function summaryKey(generation: number): string {
  return `g!${hex8(generation)}`;
}

export const SUMMARY_RANGE = { gte: 'g!', lt: 'g"' };

/** The first entry number of an `e!` row, read back from its key. */
export function firstEntryOf(rowKey: string): number {
  return Number.parseInt(rowKey.slice(rowKey.lastIndexOf('!') + 1), 16);
}

/**
 * Writes an entry through a DataView of its row (the same bytes as Buffer#writeUInt32LE and
 * writeDoubleLE): those are calls with their own checks, five per indexed key.
 */
export function writeEntry(row: DataView, at: number, hashA: number, hashB: number, offset: number, timestamp: number, prev: number): void {
  row.setUint32(at + AT_HASH_A, hashA, true);
  row.setUint32(at + AT_HASH_B, hashB, true);
  row.setFloat64(at + AT_OFFSET, offset, true);
  row.setFloat64(at + AT_TIMESTAMP, timestamp, true);
  row.setUint32(at + AT_PREV, prev, true);
}

export const entryHashA = (row: Buffer, at: number): number => row.readUInt32LE(at + AT_HASH_A);
export const entryHashB = (row: Buffer, at: number): number => row.readUInt32LE(at + AT_HASH_B);
export const entryOffset = (row: Buffer, at: number): number => row.readDoubleLE(at + AT_OFFSET);
export const entryTimestamp = (row: Buffer, at: number): number => row.readDoubleLE(at + AT_TIMESTAMP);
/** The previous entry of the same slot, as its number + 1 (0: none). */
export const entryPrev = (row: Buffer, at: number): number => row.readUInt32LE(at + AT_PREV);

export function parseJson<T>(what: string, value: Buffer): T {
  try {
    return JSON.parse(value.toString('utf8')) as T;
  } catch {
    throw new Error(`key index: the ${what} row is not valid JSON; the index is damaged`);
  }
}
