// The body of a pull reply: the served records back to back (reference §3.9).
//
// The store reads each run of adjacent records with one read into a buffer of the reply's own and
// hands out views of it, so the records usually lie back to back in memory already; then the body
// is one view over them and nothing is copied (a pull of 32 x 1 KiB copied 32 KiB for nothing
// before, and allocated it: a third of a pull's buffer churn in an embedded drain). Records that
// are not adjacent (tag filtering, several runs) are concatenated as before.

/** The records as one buffer: a view when they are adjacent views of one buffer, else a copy. */
export function joinRecords(records: readonly Buffer[]): Buffer {
  if (records.length === 0) return Buffer.alloc(0);
  const first = records[0]!;
  let end = first.byteOffset + first.length;
  for (let i = 1; i < records.length; i += 1) {
    const record = records[i]!;
    if (record.buffer !== first.buffer || record.byteOffset !== end) return Buffer.concat(records);
    end += record.length;
  }
  return Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset);
}
