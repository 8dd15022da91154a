// Buffer's own string slicers, which the header readers call directly: Buffer#toString normalises
// its arguments and then calls these, and per string that wrapper cost more than the slice.

/** Buffer#toString calls these after normalising its arguments; @types/node does not declare them. */
export interface SlicingBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

const bufferMethods = Buffer.prototype as Partial<SlicingBuffer>;

/** Undocumented, if present since Node's early days: without them the readers take their slower paths. */
export const CAN_SLICE = typeof bufferMethods.latin1Slice === 'function' && typeof bufferMethods.utf8Slice === 'function';

/** buf.toString('utf8', start, end) without Buffer#toString's argument handling (~20-30 ns a call here). */
export function utf8Text(buf: Buffer, start: number, end: number): string {
  return CAN_SLICE ? (buf as SlicingBuffer).utf8Slice(start, end) : buf.toString('utf8', start, end);
}
