import fc from 'fast-check';
import { joinRecords } from './join-records';

describe('joinRecords', () => {
  it('gives one view over adjacent views of one buffer, without copying', () => {
    const run = Buffer.from('aaabbbbcc');
    const joined = joinRecords([run.subarray(0, 3), run.subarray(3, 7), run.subarray(7, 9)]);
    expect(joined.toString()).toBe('aaabbbbcc');
    expect(joined.buffer).toBe(run.buffer);
    expect(joined.byteOffset).toBe(run.byteOffset);
    run[0] = 0x7a; // a view: it sees the records' bytes themselves
    expect(joined.toString()).toBe('zaabbbbcc');
  });

  it('copies records with a gap between them, or from different buffers, in order', () => {
    const run = Buffer.from('aaaXbbb');
    const gap = joinRecords([run.subarray(0, 3), run.subarray(4, 7)]);
    expect(gap.toString()).toBe('aaabbb');
    const other = joinRecords([run.subarray(0, 3), Buffer.from('ccc')]);
    expect(other.toString()).toBe('aaaccc');
    const reversed = joinRecords([run.subarray(4, 7), run.subarray(0, 3)]);
    expect(reversed.toString()).toBe('bbbaaa');
    run[0] = 0x7a; // copies do not see later writes to the records (small buffers share Node's pool: compare bytes)
    expect([gap, other, reversed].map(String)).toEqual(['aaabbb', 'aaaccc', 'bbbaaa']);
  });

  it('handles no record and one record', () => {
    expect(joinRecords([]).length).toBe(0);
    const run = Buffer.from('abc');
    expect(joinRecords([run.subarray(1, 3)]).toString()).toBe('bc');
  });

  it('always equals Buffer.concat of the records', () => {
    const pool = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const slice = fc.tuple(fc.nat({ max: 255 }), fc.nat({ max: 40 })).map(([start, length]) => pool.subarray(start, Math.min(256, start + length)));
    // Runs of adjacent slices mixed with arbitrary ones.
    const adjacent = fc.tuple(fc.nat({ max: 200 }), fc.array(fc.nat({ max: 10 }), { maxLength: 6 })).map(([start, lengths]) => {
      let at = start;
      return lengths.map((length) => pool.subarray(at, (at = Math.min(256, at + length))));
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(slice.map((s) => [s]), adjacent), { maxLength: 5 }), (groups) => {
        const records = groups.flat();
        expect(joinRecords(records).equals(Buffer.concat(records))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
