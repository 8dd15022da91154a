import fc from 'fast-check';
import { HashedKeys } from './hashed-keys';
import { KeyKind, hashIndexKey } from './key-hash';

type Row = [number, number, number, number];

function rows(keys: HashedKeys): Row[] {
  return Array.from({ length: keys.length }, (_, i) => [keys.hashA[i]!, keys.hashB[i]!, keys.offsets[i]!, keys.timestamps[i]!]);
}

describe('HashedKeys', () => {
  it('hashes KEYS (without empty and repeated ones) and then UNIQ_KEY, message by message', () => {
    const keys = new HashedKeys(1);
    keys.addEntries(
      [
        { topic: 't', keys: ['a', '', 'b', 'a'], uniqKey: 'U', physicalOffset: 0, storeTimestamp: 10 },
        { topic: 't', keys: [], physicalOffset: 100, storeTimestamp: 11 },
        { topic: 't', keys: [], uniqKey: '', physicalOffset: 200, storeTimestamp: 12 },
        { topic: 'u', keys: ['c'], physicalOffset: 300, storeTimestamp: 13 },
      ],
      hashIndexKey,
    );
    const expected = (kind: KeyKind, topic: string, key: string, offset: number, timestamp: number): Row => {
      const out = new Uint32Array(2);
      hashIndexKey(kind, topic, key, out);
      return [out[0]!, out[1]!, offset, timestamp];
    };
    expect(rows(keys)).toEqual([
      expected(KeyKind.KEY, 't', 'a', 0, 10),
      expected(KeyKind.KEY, 't', 'b', 0, 10),
      expected(KeyKind.UNIQ_KEY, 't', 'U', 0, 10),
      expected(KeyKind.KEY, 'u', 'c', 300, 13),
    ]);
  });

  it('behaves like an array of rows under push, slice, dropBefore and clear (fast-check)', () => {
    const row = fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 41 }));
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), rows: fc.array(row, { maxLength: 40 }) }),
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('slice' as const), a: fc.nat(), b: fc.nat() }),
      fc.record({ kind: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), (ops, capacity) => {
        const keys = new HashedKeys(capacity);
        let model: Row[] = [];
        for (const step of ops) {
          if (step.kind === 'push') {
            for (const r of step.rows) keys.push(...r);
            model.push(...step.rows);
          } else if (step.kind === 'drop') {
            const at = step.at % (model.length + 1);
            keys.dropBefore(at);
            model = model.slice(at);
          } else if (step.kind === 'slice') {
            const a = step.a % (model.length + 1);
            const b = a + (step.b % (model.length - a + 1));
            const copy = keys.slice(a, b);
            expect(rows(copy)).toEqual(model.slice(a, b));
            // A copy: what happens to the original afterwards does not reach it.
            keys.push(1, 2, 3, 4);
            model.push([1, 2, 3, 4]);
            expect(rows(copy)).toEqual(model.slice(a, b));
          } else {
            keys.clear();
            model = [];
          }
          expect(rows(keys)).toEqual(model);
        }
      }),
    );
  });
});
