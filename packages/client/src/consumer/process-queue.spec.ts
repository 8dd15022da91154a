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

  it('returns the pulled array itself when every message is new, and a new one when some are not', () => {
    const pq = new ProcessQueue();
    const fresh = [msg(1), msg(2)];
    expect(pq.put(fresh)).toBe(fresh);
    const mixed = [msg(2), msg(3)];
    const added = pq.put(mixed);
    expect(added).not.toBe(mixed);
    expect(added.map((m) => m.queueOffset)).toEqual([3]);
    expect(mixed).toHaveLength(2);
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

  it('property: behaves as a map of offset to message through puts, removes, growth and wrap-around', () => {
    type Op = { put: number[] } | { remove: number } | { removeUnknown: number } | { clear: true };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: fc.record({ put: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 70 }) }), weight: 2 },
      { arbitrary: fc.record({ remove: fc.nat() }), weight: 6 },
      { arbitrary: fc.record({ removeUnknown: fc.integer({ min: -5, max: 500 }) }), weight: 1 },
      { arbitrary: fc.constant({ clear: true as const }), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const pq = new ProcessQueue();
        const model = new Map<number, BufferedMessage>();
        let next = 0;
        let maxSeen = -1;
        for (const step of ops) {
          if ('put' in step) {
            // Gaps between offsets (filtered messages) and a re-sent old offset, as pulls can bring.
            const batch = step.put.map((gap) => msg((next += gap), gap));
            const stale = maxSeen >= 0 ? [msg(maxSeen)] : [];
            const added = pq.put([...stale, ...batch]);
            expect(added).toEqual(batch);
            for (const m of batch) model.set(m.queueOffset, m);
            maxSeen = next;
          } else if ('remove' in step) {
            const offsets = [...model.keys()];
            if (offsets.length === 0) continue;
            const m = model.get(offsets[step.remove % offsets.length]!)!;
            model.delete(m.queueOffset);
            pq.removeOne(m);
            pq.removeOne(m); // a second finish of the same message changes nothing
          } else if ('removeUnknown' in step) {
            if (!model.has(step.removeUnknown)) pq.removeOne(msg(step.removeUnknown));
          } else {
            expect(pq.clear()).toEqual([...model.values()]);
            model.clear();
          }
          const inFlight = [...model.keys()];
          expect(pq.count).toBe(model.size);
          expect(pq.size).toBe([...model.values()].reduce((sum, m) => sum + m.body.length, 0));
          expect(pq.committableOffset()).toBe(inFlight.length > 0 ? Math.min(...inFlight) : maxSeen < 0 ? -1 : maxSeen + 1);
          expect(pq.first()).toBe(inFlight.length > 0 ? model.get(Math.min(...inFlight)) : undefined);
        }
      }),
    );
  });
});
