import fc from 'fast-check';
import { MemorySegment } from './memory-segment';

describe('MemorySegment', () => {
  it('reads back what was written, across chunk boundaries, like a file', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ position: fc.nat(3 * 1024 * 1024), length: fc.integer({ min: 1, max: 300_000 }), fill: fc.nat(255) }), { maxLength: 8 }), (writes) => {
        const size = 4 * 1024 * 1024;
        const segment = new MemorySegment(0, size);
        const mirror = Buffer.alloc(size);
        let used = 0;
        for (const { position, length, fill } of writes) {
          const data = Buffer.alloc(length, fill);
          segment.write(data, 0, length, position);
          data.copy(mirror, position);
          used = Math.max(used, position + length);
        }
        expect(segment.length()).toBe(used);
        const out = Buffer.alloc(used);
        expect(segment.read(out, 0, used + 10, 0)).toBe(used);
        expect(out.equals(mirror.subarray(0, used))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses writes past its size', () => {
    expect(() => new MemorySegment(0, 10).write(Buffer.alloc(4), 0, 4, 8)).toThrow(/past the end/);
  });
});
