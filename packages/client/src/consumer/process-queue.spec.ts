import fc from 'fast-check';
import { ProcessQueue, type BufferedMessage } from './process-queue';

const msg = (queueOffset: number, bytes = 10): BufferedMessage => ({ queueOffset, body: Buffer.alloc(bytes) });

describe('ProcessQueue', () => {
  it('counts messages and bytes, and says when either bound is reached', () => {
    const pq = new ProcessQueue();
    expect(pq.committableOffset()).toBe(-1);
    pq.put([msg(0), msg(1), msg(2, 100)]);
    expect(pq.count).toBe(3);
    expect(pq.size).toBe(120);
    expect(pq.isFull(3, 1000)).toBe(true);
    expect(pq.isFull(4, 120)).toBe(true);
    expect(pq.isFull(4, 121)).toBe(false);
  });

  it('ignores duplicates and offsets already seen', () => {
    const pq = new ProcessQueue();
    expect(pq.put([msg(5), msg(6)])).toHaveLength(2);
    expect(pq.put([msg(5), msg(6), msg(4), msg(7)]).map((m) => m.queueOffset)).toEqual([7]);
    expect(pq.count).toBe(3);
  });

  it('commits only up to the smallest offset still in flight', () => {
    const pq = new ProcessQueue();
    const [a, b, c] = [msg(10), msg(11), msg(12)];
    pq.put([a, b, c]);
    expect(pq.remove([b])).toBe(10);
    expect(pq.remove([c])).toBe(10);
    expect(pq.first()).toBe(a);
    expect(pq.remove([a])).toBe(13);
    expect(pq.count).toBe(0);
    expect(pq.size).toBe(0);
  });

  it('clear forgets everything', () => {
    const pq = new ProcessQueue();
    pq.put([msg(1), msg(2)]);
    expect(pq.clear()).toHaveLength(2);
    expect(pq.count + pq.size).toBe(0);
  });

  it('property: the committable offset is the minimum in flight, never past an unfinished one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(fc.nat(), { maxLength: 60 }), (n, order) => {
        const pq = new ProcessQueue();
        const all = Array.from({ length: n }, (_, i) => msg(100 + i, i));
        pq.put(all);
        const remaining = new Set(all.map((m) => m.queueOffset));
        for (const pick of order) {
          const offsets = [...remaining];
          if (offsets.length === 0) break;
          const offset = offsets[pick % offsets.length]!;
          remaining.delete(offset);
          const committable = pq.remove([all[offset - 100]!]);
          expect(committable).toBe(remaining.size === 0 ? 100 + n : Math.min(...remaining));
        }
        expect(pq.size).toBe([...remaining].reduce((sum, o) => sum + (o - 100), 0));
      }),
    );
  });
});
