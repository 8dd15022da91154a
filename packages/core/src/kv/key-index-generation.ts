// The generation being filled (its slot table in memory) and what sealing writes of it.
import { endianness } from 'node:os';
import { SLOTS_PER_PAGE, slotPageKey, type GenerationSummary } from './key-index-layout';

const BIG_ENDIAN = endianness() === 'BE';

/** The generation being filled: its slot heads in memory, its entries in `e!` rows. */
export class ActiveGeneration {
  readonly slots: Uint32Array;
  count = 0;
  minOffset = Number.MAX_SAFE_INTEGER;
  maxOffset = -1;
  minTimestamp = Number.MAX_SAFE_INTEGER;
  maxTimestamp = -1;

  constructor(
    readonly generation: number,
    slotCount: number,
  ) {
    this.slots = new Uint32Array(slotCount);
  }

  /** Links entry number `this.count` into its slot; returns the previous head (entry number + 1, 0: none). */
  link(hashA: number, offset: number, timestamp: number): number {
    const slot = hashA % this.slots.length;
    const prev = this.slots[slot]!;
    this.count += 1;
    this.slots[slot] = this.count;
    if (offset < this.minOffset) this.minOffset = offset;
    if (offset > this.maxOffset) this.maxOffset = offset;
    if (timestamp < this.minTimestamp) this.minTimestamp = timestamp;
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    return prev;
  }

  summary(): GenerationSummary {
    const { generation, count, minOffset, maxOffset, minTimestamp, maxTimestamp } = this;
    return { generation, slots: this.slots.length, count, minOffset, maxOffset, minTimestamp, maxTimestamp };
  }
}

/** The non-empty pages of a full generation's slot table, as `s!` rows (little-endian on disk whatever the machine). */
export function slotPageRows(generation: ActiveGeneration): Array<{ key: string; value: Buffer }> {
  const slots = generation.slots;
  const rows: Array<{ key: string; value: Buffer }> = [];
  for (let page = 0; page * SLOTS_PER_PAGE < slots.length; page++) {
    const heads = slots.subarray(page * SLOTS_PER_PAGE, Math.min(slots.length, (page + 1) * SLOTS_PER_PAGE));
    if (heads.every((head) => head === 0)) continue;
    // A copy: the table is a native-endian Uint32Array, and the row must not share its memory.
    const value = Buffer.from(Buffer.from(heads.buffer, heads.byteOffset, heads.byteLength));
    rows.push({ key: slotPageKey(generation.generation, page), value: BIG_ENDIAN ? value.swap32() : value });
  }
  return rows;
}
