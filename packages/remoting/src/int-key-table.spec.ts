import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { IntKeyTable } from './int-key-table';

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

type Op = { kind: 'set'; key: number; value: number } | { kind: 'delete'; key: number } | { kind: 'get'; key: number };

function contents(table: IntKeyTable<number>): [number, number][] {
  const out: [number, number][] = [];
  table.forEach((value, key) => out.push([key, value]));
  return out.sort((a, b) => a[0] - b[0]);
}

describe('IntKeyTable', () => {
  it('sets, gets, replaces and deletes', () => {
    const table = new IntKeyTable<string>();
    table.set(7, 'a');
    table.set(-3, 'b');
    table.set(0, 'c');
    expect(table.get(7)).toBe('a');
    expect(table.get(-3)).toBe('b');
    expect(table.get(0)).toBe('c');
    expect(table.has(8)).toBe(false);
    table.set(7, 'd');
    expect(table.size).toBe(3);
    expect(table.get(7)).toBe('d');
    expect(table.delete(7)).toBe(true);
    expect(table.delete(7)).toBe(false);
    expect(table.get(7)).toBeUndefined();
    expect(table.size).toBe(2);
  });

  it('keeps colliding keys reachable across deletions (keys a capacity apart share a home slot)', () => {
    const table = new IntKeyTable<number>(8);
    const capacity = table.capacity;
    const keys = [1, 1 + capacity, 1 + 2 * capacity, 2, 2 + capacity];
    for (const key of keys) table.set(key, key * 10);
    expect(table.delete(1 + capacity)).toBe(true);
    for (const key of keys.filter((k) => k !== 1 + capacity)) expect(table.get(key)).toBe(key * 10);
    expect(table.delete(1)).toBe(true);
    expect(table.get(1 + 2 * capacity)).toBe((1 + 2 * capacity) * 10);
    expect(table.get(2 + capacity)).toBe((2 + capacity) * 10);
  });

  it('grows past its initial capacity and shrinks back to 1,024 slots once emptied', () => {
    const table = new IntKeyTable<number>(8);
    for (let key = 0; key < 10_000; key += 1) table.set(key, key);
    expect(table.size).toBe(10_000);
    expect(table.capacity).toBeGreaterThanOrEqual(20_000);
    for (let key = 0; key < 10_000; key += 1) expect(table.get(key)).toBe(key);
    for (let key = 0; key < 10_000; key += 1) table.delete(key);
    expect(table.size).toBe(0);
    expect(table.capacity).toBe(1024);
  });

  it('does not reallocate while a small table empties and refills (a burst of responses, then new requests)', () => {
    const table = new IntKeyTable<number>();
    let key = 0;
    for (; key < 64; key += 1) table.set(key, key);
    const capacity = table.capacity;
    for (let burst = 0; burst < 100; burst += 1) {
      for (let k = key - 64; k < key; k += 1) table.delete(k);
      expect(table.capacity).toBe(capacity);
      for (let k = key; k < key + 64; k += 1) table.set(k, k);
      key += 64;
      expect(table.capacity).toBe(capacity);
    }
  });

  it('keeps a large initial capacity (it never shrinks below it)', () => {
    const table = new IntKeyTable<number>(4096);
    table.set(1, 1);
    table.delete(1);
    expect(table.capacity).toBe(4096);
  });

  it('clear empties it', () => {
    const table = new IntKeyTable<number>();
    for (let key = 0; key < 100; key += 1) table.set(key, key);
    table.clear();
    expect(table.size).toBe(0);
    expect(contents(table)).toEqual([]);
    expect(table.get(5)).toBeUndefined();
  });

  it('behaves as a Map under any sequence of operations (fast-check)', () => {
    // Keys from a small range so that replacements, misses and collisions are frequent, plus some
    // anywhere in int32.
    const key = fc.oneof(fc.integer({ min: -40, max: 40 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }),
      fc.record({ kind: fc.constant('delete' as const), key }),
      fc.record({ kind: fc.constant('get' as const), key }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const table = new IntKeyTable<number>(8);
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            table.set(o.key, o.value);
            model.set(o.key, o.value);
          } else if (o.kind === 'delete') {
            expect(table.delete(o.key)).toBe(model.delete(o.key));
          } else {
            expect(table.get(o.key)).toBe(model.get(o.key));
            expect(table.has(o.key)).toBe(model.has(o.key));
          }
          expect(table.size).toBe(model.size);
        }
        expect(contents(table)).toEqual([...model].sort((a, b) => a[0] - b[0]));
        expect(table.values().sort((a, b) => a - b)).toEqual([...model.values()].sort((a, b) => a - b));
      }),
    );
  });

  it('forgets a deleted value: nothing in the table keeps it alive', async () => {
    const table = new IntKeyTable<object>(8);
    let ref: WeakRef<object> | undefined;
    (() => {
      const value = {};
      ref = new WeakRef(value);
      table.set(3, value);
      table.set(4, {});
      table.delete(3);
    })();
    // WeakRef targets are held until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(ref?.deref()).toBeUndefined();
    expect(table.size).toBe(1);
  });
});
