// The KeyIndex conformance suite: every kv backend runs exactly these tests (STYLE.md habit 13).
import fc from 'fast-check';
import { KeyIndex, MAX_UNIQ_KEY_COPIES, type KeyIndexEntry, type KeyIndexOptions } from './key-index';
import type { KeyHasher } from './key-hash';
import { entryRowKey } from './key-index-layout';
import type { KvTestBackend, KvTestBackendFactory } from './kv-test-support';

const ALL_TIME: [number, number] = [0, Number.MAX_SAFE_INTEGER];

function entry(topic: string, keys: string[], physicalOffset: number, storeTimestamp: number, uniqKey?: string): KeyIndexEntry {
  return uniqKey === undefined ? { topic, keys, physicalOffset, storeTimestamp } : { topic, keys, physicalOffset, storeTimestamp, uniqKey };
}

/** Every key lands in one slot with one check hash: each lookup walks every entry, and only `verify` tells them apart. */
const COLLIDING: KeyHasher = (_kind, _topic, _key, out) => {
  out[0] = 7;
  out[1] = 7;
};

/** Counts root-level writes (batches) and their sizes: the `write` event fires once per batch. */
function recordWrites(backend: KvTestBackend): { sizes: number[]; stop(): void } {
  const sizes: number[] = [];
  const listener = (ops: unknown[]): void => {
    sizes.push(ops.length);
  };
  backend.db.on('write', listener);
  return { sizes, stop: () => backend.db.off('write', listener) };
}

async function indexRows(backend: KvTestBackend): Promise<string[]> {
  return backend.db.sublevel('key-hash-index').keys().all();
}

/** The stored messages a test wrote, so `verify` can answer like the store does (read the message, compare). */
class Messages {
  private readonly byOffset = new Map<number, KeyIndexEntry>();

  add(entries: readonly KeyIndexEntry[]): readonly KeyIndexEntry[] {
    for (const e of entries) this.byOffset.set(e.physicalOffset, e);
    return entries;
  }

  hasKey(topic: string, key: string): (offset: number) => boolean {
    return (offset) => {
      const message = this.byOffset.get(offset);
      return message?.topic === topic && message.keys.includes(key);
    };
  }

  hasUniqKey(topic: string, uniqKey: string): (offset: number) => boolean {
    return (offset) => {
      const message = this.byOffset.get(offset);
      return message?.topic === topic && message.uniqKey === uniqKey;
    };
  }
}

export function keyIndexConformance(name: string, factory: KvTestBackendFactory): void {
  describe(`KeyIndex conformance: ${name}`, () => {
    let backend: KvTestBackend;
    let index: KeyIndex;

    beforeEach(async () => {
      backend = await factory();
      index = await KeyIndex.open(backend.db);
    });

    afterEach(async () => {
      await backend.cleanup();
    });

    /** A second index on the same database with other options (the first one is left alone). */
    const openWith = (options: KeyIndexOptions): Promise<KeyIndex> => KeyIndex.open(backend.db, options);

    it('starts empty', async () => {
      expect(await index.indexedOffset()).toBe(0);
      expect(await index.queryByKey('t', 'k', 10, ...ALL_TIME)).toEqual([]);
      expect(await index.queryByUniqKey('t', 'u')).toEqual([]);
      expect(index.rebuiltBecause).toBeUndefined();
    });

    it('writes entries and the progress mark in one batch', async () => {
      const writes = recordWrites(backend);
      await index.writeBatch([entry('t', ['a', 'b'], 0, 1000, 'U0'), entry('t', ['a'], 100, 1001)], 200);
      writes.stop();
      expect(writes.sizes).toEqual([2]);
      expect(await index.indexedOffset()).toBe(200);
      expect(await index.queryByKey('t', 'a', 10, ...ALL_TIME)).toEqual([100, 0]);
      expect(await index.queryByKey('t', 'b', 10, ...ALL_TIME)).toEqual([0]);
      expect(await index.queryByUniqKey('t', 'U0')).toEqual([0]);
    });

    it('writes nothing when one entry of a batch is invalid', async () => {
      await index.writeBatch([entry('t', ['a'], 0, 1000)], 100);
      const bad = [entry('t', ['a'], 100, 1001), entry('', ['a'], 200, 1002)];
      await expect(index.writeBatch(bad, 300)).rejects.toBeInstanceOf(TypeError);
      expect(await index.indexedOffset()).toBe(100);
      expect(await index.queryByKey('t', 'a', 10, ...ALL_TIME)).toEqual([0]);
    });

    it('advances progress with an empty batch (a range with nothing to index)', async () => {
      await index.writeBatch([], 4096);
      expect(await index.indexedOffset()).toBe(4096);
    });

    it('is idempotent: entries below the progress mark (re-dispatch) and repeated keys are written once', async () => {
      const entries = [entry('t', ['a', 'a', 'b'], 0, 1000, 'U0'), entry('t', ['a'], 100, 1001, 'U1')];
      await index.writeBatch(entries, 200);
      await index.writeBatch(entries, 200);
      await index.writeBatch([...entries, entry('t', ['a'], 200, 1002)], 300);
      expect(await index.queryByKey('t', 'a', 10, ...ALL_TIME)).toEqual([200, 100, 0]);
      expect(await index.queryByUniqKey('t', 'U0')).toEqual([0]);
      expect(await index.indexedOffset()).toBe(300);
    });

    it('queries by key within a time range, newest first, at most maxNum', async () => {
      await index.writeBatch(
        [entry('t', ['k'], 100, 1000), entry('t', ['k'], 200, 2000), entry('t', ['k'], 300, 3000), entry('t', ['k'], 400, 3000), entry('t', ['k'], 500, 4000)],
        600,
      );
      expect(await index.queryByKey('t', 'k', 10, ...ALL_TIME)).toEqual([500, 400, 300, 200, 100]);
      expect(await index.queryByKey('t', 'k', 2, ...ALL_TIME)).toEqual([500, 400]);
      expect(await index.queryByKey('t', 'k', 10, 2000, 3000)).toEqual([400, 300, 200]);
      expect(await index.queryByKey('t', 'k', 10, 2001, 2999)).toEqual([]);
      expect(await index.queryByKey('t', 'k', 10, 3000, 2000)).toEqual([]);
      expect(await index.queryByKey('t', 'k', 0, ...ALL_TIME)).toEqual([]);
      expect(await index.queryByKey('t', 'k', 1, -Infinity, Infinity)).toEqual([500]);
    });

    it('indexes every key of a message, and a key only matches itself', async () => {
      await index.writeBatch([entry('t', ['order-1', 'user-7', '', 'order-10'], 0, 1000)], 100);
      expect(await index.queryByKey('t', 'order-1', 10, ...ALL_TIME)).toEqual([0]);
      expect(await index.queryByKey('t', 'user-7', 10, ...ALL_TIME)).toEqual([0]);
      expect(await index.queryByKey('t', 'order-10', 10, ...ALL_TIME)).toEqual([0]);
      await index.writeBatch([entry('t', ['order-10'], 100, 1001)], 200);
      expect(await index.queryByKey('t', 'order-1', 10, ...ALL_TIME)).toEqual([0]);
      expect(await index.queryByKey('t', 'order', 10, ...ALL_TIME)).toEqual([]);
    });

    it('keeps the same key in two topics, and a key and a unique key of the same text, apart', async () => {
      await index.writeBatch([entry('orders', ['k'], 0, 1000, 'U'), entry('payments', ['k'], 100, 1000, 'U'), entry('orders', ['U'], 200, 1000)], 300);
      expect(await index.queryByKey('orders', 'k', 10, ...ALL_TIME)).toEqual([0]);
      expect(await index.queryByKey('payments', 'k', 10, ...ALL_TIME)).toEqual([100]);
      expect(await index.queryByUniqKey('orders', 'U')).toEqual([0]);
      expect(await index.queryByUniqKey('payments', 'U')).toEqual([100]);
      expect(await index.queryByKey('orders', 'U', 10, ...ALL_TIME)).toEqual([200]);
    });

    it('tells apart topic and key splits of the same text', async () => {
      await index.writeBatch([entry('a', ['b\0c'], 0, 1000), entry('a\0b', ['c'], 100, 1000), entry('ab', ['c'], 200, 1000), entry('a', ['bc'], 300, 1000)], 400);
      expect(await index.queryByKey('a', 'b\0c', 10, ...ALL_TIME)).toEqual([0]);
      expect(await index.queryByKey('a\0b', 'c', 10, ...ALL_TIME)).toEqual([100]);
      expect(await index.queryByKey('ab', 'c', 10, ...ALL_TIME)).toEqual([200]);
      expect(await index.queryByKey('a', 'bc', 10, ...ALL_TIME)).toEqual([300]);
    });

    it('finds every stored copy of a unique key, oldest first', async () => {
      // A producer retry after a lost reply stores the same UNIQ_KEY twice.
      await index.writeBatch([entry('t', ['x'], 100, 999, 'ID-1'), entry('t', [], 400, 1000, 'ID-10'), entry('t', [], 700, 1000, 'ID-1')], 800);
      expect(await index.queryByUniqKey('t', 'ID-1')).toEqual([100, 700]);
      expect(await index.queryByUniqKey('t', 'ID-10')).toEqual([400]);
      expect(await index.queryByUniqKey('t', 'ID')).toEqual([]);
    });

    it('returns only the candidates verify accepts, and counts only those towards maxNum', async () => {
      const colliding = await openWith({ hasher: COLLIDING });
      const messages = new Messages();
      // Every key shares one slot and one hash: the chain holds all of them.
      await colliding.writeBatch(
        messages.add(Array.from({ length: 30 }, (_, i) => entry('t', [`k${i % 3}`], i * 10, 1000 + i, `U${i % 10}`))),
        300,
      );
      expect(await colliding.queryByKey('t', 'k1', 4, ...ALL_TIME, messages.hasKey('t', 'k1'))).toEqual([280, 250, 220, 190]);
      expect(await colliding.queryByKey('t', 'k1', 100, ...ALL_TIME, messages.hasKey('t', 'k1'))).toHaveLength(10);
      expect(await colliding.queryByUniqKey('t', 'U3', messages.hasUniqKey('t', 'U3'))).toEqual([30, 130, 230]);
      expect(await colliding.queryByKey('t', 'nope', 10, ...ALL_TIME, messages.hasKey('t', 'nope'))).toEqual([]);
      // Without verify every colliding message is a candidate (once, though its key and unique key
      // both collide): the contract is candidates, verified by the caller.
      expect(await colliding.queryByKey('t', 'k1', 100, ...ALL_TIME)).toEqual(Array.from({ length: 30 }, (_, i) => 290 - i * 10));
    });

    it('caps the copies of one unique key a lookup returns', async () => {
      const copies = Array.from({ length: MAX_UNIQ_KEY_COPIES + 5 }, (_, i) => entry('t', [], i * 10, 1000, 'SAME'));
      await index.writeBatch(copies, copies.length * 10);
      const found = await index.queryByUniqKey('t', 'SAME');
      expect(found).toHaveLength(MAX_UNIQ_KEY_COPIES);
      // The newest copies, oldest of them first.
      expect(found[0]).toBe(5 * 10);
    });

    it('seals full generations inside one batch and still finds entries in each of them', async () => {
      const small = await openWith({ entriesPerGeneration: 4, slotsPerGeneration: 3 });
      const entries = Array.from({ length: 23 }, (_, i) => entry('t', [`k${i % 5}`], i * 10, 1000 + i, `U${i}`));
      const writes = recordWrites(backend);
      await small.writeBatch(entries, 230);
      writes.stop();
      expect(writes.sizes).toHaveLength(1);
      expect(await small.queryByKey('t', 'k2', 10, ...ALL_TIME)).toEqual([220, 170, 120, 70, 20]);
      for (const i of [0, 1, 2, 11, 22]) expect(await small.queryByUniqKey('t', `U${i}`)).toEqual([i * 10]);
      expect(await small.queryByKey('t', 'k2', 10, 1007, 1017)).toEqual([170, 120, 70]);
    });

    it('deleteBelow hides entries below the offset and deletes the generations wholly below it', async () => {
      const small = await openWith({ entriesPerGeneration: 4 });
      await small.writeBatch(
        Array.from({ length: 10 }, (_, i) => entry('t', ['k'], i * 10, 1000 + i)),
        100,
      );
      expect(await small.deleteBelow(0)).toBe(0);
      // Generations: [0..30], [40..70], [80, 90] (active). Below 50: the first goes, 40 is hidden.
      expect(await small.deleteBelow(50)).toBe(4);
      expect(await small.queryByKey('t', 'k', 20, ...ALL_TIME)).toEqual([90, 80, 70, 60, 50]);
      expect((await indexRows(backend)).filter((key) => key.startsWith('e!'))).toHaveLength(2);
      expect(await small.deleteBelow(50)).toBe(0);
      // Retention does not move the progress mark.
      expect(await small.indexedOffset()).toBe(100);
      // Everything below: the active generation goes too, and indexing carries on in a new one.
      expect(await small.deleteBelow(100)).toBe(6);
      expect((await indexRows(backend)).filter((key) => key.startsWith('e!') || key.startsWith('s!') || key.startsWith('g!'))).toEqual([]);
      await small.writeBatch([entry('t', ['k'], 100, 2000)], 110);
      expect(await small.queryByKey('t', 'k', 20, ...ALL_TIME)).toEqual([100]);
    });

    it('truncateFrom deletes entries at and after the offset and lowers progress', async () => {
      await index.writeBatch([entry('t', ['k'], 0, 1000, 'U0'), entry('t', ['k'], 100, 1001, 'U1'), entry('t', ['k'], 200, 1002, 'U2')], 300);
      await index.truncateFrom(100);
      expect(await index.indexedOffset()).toBe(100);
      expect(await index.queryByKey('t', 'k', 10, ...ALL_TIME)).toEqual([0]);
      expect(await index.queryByUniqKey('t', 'U1')).toEqual([]);
      expect(await index.queryByUniqKey('t', 'U0')).toEqual([0]);
      // An end beyond progress deletes nothing and never raises the mark.
      await index.truncateFrom(5000);
      expect(await index.indexedOffset()).toBe(100);
      // Re-dispatch after truncation writes new entries where the old ones were.
      await index.writeBatch([entry('t', ['k2'], 100, 2000)], 150);
      expect(await index.queryByKey('t', 'k2', 10, ...ALL_TIME)).toEqual([100]);
      expect(await index.queryByKey('t', 'k', 10, ...ALL_TIME)).toEqual([0]);
    });

    it('truncateFrom reaches back into sealed generations', async () => {
      const small = await openWith({ entriesPerGeneration: 4, slotsPerGeneration: 2 });
      await small.writeBatch(Array.from({ length: 14 }, (_, i) => entry('t', ['k'], i * 10, 1000 + i)), 140);
      await small.truncateFrom(55);
      expect(await small.indexedOffset()).toBe(55);
      expect(await small.queryByKey('t', 'k', 20, ...ALL_TIME)).toEqual([50, 40, 30, 20, 10, 0]);
      // The cut generation is the active one again: it fills up, seals, and everything stays findable.
      await small.writeBatch(Array.from({ length: 6 }, (_, i) => entry('t', ['k', `n${i}`], 60 + i * 10, 2000 + i)), 200);
      expect(await small.queryByKey('t', 'k', 20, ...ALL_TIME)).toEqual([110, 100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 0]);
      expect(await small.queryByKey('t', 'n2', 20, ...ALL_TIME)).toEqual([80]);
      await small.truncateFrom(0);
      expect(await small.queryByKey('t', 'k', 20, ...ALL_TIME)).toEqual([]);
      expect(await small.indexedOffset()).toBe(0);
    });

    it('persists across a reopen, sealed and active generations alike', async () => {
      const small = await openWith({ entriesPerGeneration: 4 });
      await small.writeBatch(Array.from({ length: 10 }, (_, i) => entry('t', ['k'], i * 10, 1000 + i, `U${i}`)), 100);
      const reopened = await KeyIndex.open(await backend.reopen(), { entriesPerGeneration: 4 });
      expect(reopened.rebuiltBecause).toBeUndefined();
      expect(await reopened.indexedOffset()).toBe(100);
      expect(await reopened.queryByKey('t', 'k', 20, ...ALL_TIME)).toEqual([90, 80, 70, 60, 50, 40, 30, 20, 10, 0]);
      expect(await reopened.queryByUniqKey('t', 'U9')).toEqual([90]);
      // The active generation's slots were rebuilt: new entries chain onto the old ones.
      await reopened.writeBatch([entry('t', ['k'], 100, 2000)], 110);
      expect(await reopened.queryByKey('t', 'k', 3, ...ALL_TIME)).toEqual([100, 90, 80]);
    });

    it('keeps a generation\'s slot count when the option changes before it is full', async () => {
      const before = await openWith({ entriesPerGeneration: 8, slotsPerGeneration: 5 });
      await before.writeBatch(Array.from({ length: 5 }, (_, i) => entry('t', [`k${i}`], i * 10, 1000)), 50);
      const after = await KeyIndex.open(await backend.reopen(), { entriesPerGeneration: 8, slotsPerGeneration: 64 });
      await after.writeBatch(Array.from({ length: 10 }, (_, i) => entry('t', [`k${i}`], 50 + i * 10, 1000)), 150);
      for (let i = 0; i < 5; i++) expect(await after.queryByKey('t', `k${i}`, 10, ...ALL_TIME)).toEqual([50 + i * 10, i * 10]);
    });

    it('drops the one-row-per-key layout of earlier versions and starts afresh', async () => {
      const old = backend.db.sublevel('key-index');
      await old.batch([
        { type: 'put', key: 'u!t\0OLD\x000000000000000000', value: '0' },
        { type: 'put', key: 'm!indexed-offset', value: '200' },
      ]);
      const reopened = await KeyIndex.open(backend.db);
      expect(reopened.rebuiltBecause).toMatch(/earlier version/);
      expect(await reopened.indexedOffset()).toBe(0);
      expect(await old.keys().all()).toEqual([]);
    });

    it('starts afresh (progress 0, so dispatch rebuilds it) when its rows are damaged', async () => {
      await index.writeBatch([entry('t', ['k'], 0, 1000)], 100);
      await backend.db.sublevel<string, Buffer>('key-hash-index', { valueEncoding: 'buffer' }).put(entryRowKey(0, 5), Buffer.alloc(3));
      const reopened = await KeyIndex.open(backend.db);
      expect(reopened.rebuiltBecause).toMatch(/damaged/);
      expect(await reopened.indexedOffset()).toBe(0);
      await reopened.writeBatch([entry('t', ['k'], 0, 1000)], 100);
      expect(await reopened.queryByKey('t', 'k', 10, ...ALL_TIME)).toEqual([0]);
      const rows = backend.db.sublevel<string, Buffer>('key-hash-index', { valueEncoding: 'buffer' });
      for (const meta of ['{not json', JSON.stringify({ indexedUpTo: 100, floor: 0, activeGeneration: 0, activeSlots: 0 })]) {
        await rows.put('m', Buffer.from(meta));
        const again = await KeyIndex.open(backend.db);
        expect(again.rebuiltBecause).toMatch(/damaged/);
        expect(await again.indexedOffset()).toBe(0);
      }
    });

    it('rejects invalid arguments', async () => {
      await expect(index.writeBatch([entry('t', ['k'], 0, 1)], -1)).rejects.toBeInstanceOf(RangeError);
      await expect(index.writeBatch([entry('t', ['k'], 100, 1)], 100)).rejects.toBeInstanceOf(RangeError);
      await expect(index.writeBatch([entry('t', ['k'], 1.5, 1)], 100)).rejects.toBeInstanceOf(RangeError);
      await expect(index.writeBatch([entry('t', ['k'], 0, -1)], 100)).rejects.toBeInstanceOf(RangeError);
      await expect(index.writeBatch([entry('', ['k'], 0, 1)], 100)).rejects.toBeInstanceOf(TypeError);
      await expect(index.writeBatch([entry('t', ['k'], 50, 1), entry('t', ['k'], 40, 1)], 100)).rejects.toThrow(/commit-log order/);
      await expect(index.queryByKey('', 'k', 1, ...ALL_TIME)).rejects.toBeInstanceOf(TypeError);
      await expect(index.queryByKey('t', '', 1, ...ALL_TIME)).rejects.toBeInstanceOf(TypeError);
      await expect(index.queryByKey('t', 'k', -1, ...ALL_TIME)).rejects.toBeInstanceOf(RangeError);
      await expect(index.queryByKey('t', 'k', 1, Number.NaN, 1)).rejects.toBeInstanceOf(RangeError);
      await expect(index.queryByUniqKey('t', '')).rejects.toBeInstanceOf(TypeError);
      await expect(index.deleteBelow(-5)).rejects.toBeInstanceOf(RangeError);
      await expect(index.truncateFrom(Number.NaN)).rejects.toBeInstanceOf(RangeError);
      await expect(openWith({ entriesPerGeneration: 0 })).rejects.toBeInstanceOf(RangeError);
      await expect(openWith({ slotsPerGeneration: 2 ** 32 })).rejects.toBeInstanceOf(RangeError);
      expect(await index.indexedOffset()).toBe(0);
    });

    it('property: lookups match a model through writes, retention, truncation and reopens', async () => {
      // Small generations and few slots, so sealing, chains across rows and generations, and (with
      // the weak hasher) collisions all happen within a few operations.
      const weak: KeyHasher = (kind, topic, key, out) => {
        out[0] = (kind + topic.length * 3 + key.length) >>> 0;
        out[1] = key.charCodeAt(0) || 0;
      };
      const op = fc.oneof(
        { weight: 5, arbitrary: fc.record({ kind: fc.constant('write' as const), messages: fc.array(fc.record({ topic: fc.constantFrom('a', 'b'), keys: fc.array(fc.constantFrom('x', 'y', 'zz', ''), { maxLength: 3 }), uniq: fc.option(fc.constantFrom('U1', 'U2', 'U3'), { nil: undefined }), ts: fc.integer({ min: 0, max: 9 }) }), { maxLength: 8 }) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('retain' as const), back: fc.nat(40) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), back: fc.nat(40) }) },
        { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.boolean(), fc.integer({ min: 1, max: 6 }), async (ops, weakHash, perGeneration) => {
          const fresh = await factory();
          const options: KeyIndexOptions = { entriesPerGeneration: perGeneration, slotsPerGeneration: 3, ...(weakHash ? { hasher: weak } : {}) };
          try {
            let current = await KeyIndex.open(fresh.db, options);
            let stored: KeyIndexEntry[] = [];
            let next = 0;
            let floor = 0;
            for (const step of ops) {
              if (step.kind === 'write') {
                const batch = step.messages.map((m) => entry(m.topic, m.keys, (next += 10), m.ts, m.uniq));
                await current.writeBatch(batch, next + 10);
                stored.push(...batch);
                next += 10;
              } else if (step.kind === 'retain') {
                const below = Math.max(0, next - step.back);
                await current.deleteBelow(below);
                floor = Math.max(floor, below);
              } else if (step.kind === 'truncate') {
                const end = Math.max(0, next - step.back);
                await current.truncateFrom(end);
                stored = stored.filter((e) => e.physicalOffset < end);
                next = Math.min(next, end);
              } else {
                current = await KeyIndex.open(await fresh.reopen(), options);
              }
              const messages = new Messages();
              messages.add(stored);
              for (const topic of ['a', 'b']) {
                for (const key of ['x', 'y', 'zz']) {
                  const expected = stored.filter((e) => e.topic === topic && e.keys.includes(key) && e.physicalOffset >= floor).map((e) => e.physicalOffset).reverse();
                  expect(await current.queryByKey(topic, key, 100, ...ALL_TIME, messages.hasKey(topic, key))).toEqual(expected);
                }
                for (const uniq of ['U1', 'U2', 'U3']) {
                  const expected = stored.filter((e) => e.topic === topic && e.uniqKey === uniq && e.physicalOffset >= floor).map((e) => e.physicalOffset);
                  expect(await current.queryByUniqKey(topic, uniq, messages.hasUniqKey(topic, uniq))).toEqual(expected.slice(-MAX_UNIQ_KEY_COPIES));
                }
              }
            }
            expect(current.rebuiltBecause).toBeUndefined();
            run += 1;
          } finally {
            await fresh.cleanup();
          }
        }),
        { numRuns: 60 },
      );
      expect(run).toBe(60);
      // 60 runs open, fill, truncate and reopen a backend each: about 4 s on LevelDB files on a
      // quiet machine, and more than Jest's default 5 s when CI runs other suites on both cores.
    }, 60_000);
  });
}
