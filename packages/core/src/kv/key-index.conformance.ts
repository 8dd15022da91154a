// The KeyIndex conformance suite: every kv backend runs exactly these tests (STYLE.md habit 13).
import fc from 'fast-check';
import { KeyIndex, ROW_MAX_PRIMARIES } from './key-index';
import { PROGRESS_KEY, keyEntryKey, legacySecondaryKey, uniqEntryKey } from './key-index-keys';
import type { KeyIndexEntry } from './key-index';
import type { KvTestBackend, KvTestBackendFactory } from './kv-test-support';

const ALL_TIME: [number, number] = [0, Number.MAX_SAFE_INTEGER];

function entry(topic: string, keys: string[], physicalOffset: number, storeTimestamp: number, uniqKey?: string): KeyIndexEntry {
  return uniqKey === undefined ? { topic, keys, physicalOffset, storeTimestamp } : { topic, keys, physicalOffset, storeTimestamp, uniqKey };
}

/** Counts root-level writes (batches) and their sizes: the `write` event fires once per batch. */
function recordWrites(backend: KvTestBackend): { sizes: number[]; stop(): void } {
  const sizes: number[] = [];
  const listener = (ops: unknown[]): void => {
    sizes.push(ops.length);
  };
  backend.db.on('write', listener);
  return { sizes, stop: () => backend.db.off('write', listener) };
}

export function keyIndexConformance(name: string, factory: KvTestBackendFactory): void {
  describe(`KeyIndex conformance: ${name}`, () => {
    let backend: KvTestBackend;
    let index: KeyIndex;

    beforeEach(async () => {
      backend = await factory();
      index = new KeyIndex(backend.db);
    });

    afterEach(async () => {
      await backend.cleanup();
    });

    it('starts empty', async () => {
      expect(await index.indexedOffset()).toBe(0);
      expect(await index.queryByKey('t', 'k', 10, ...ALL_TIME)).toEqual([]);
      expect(await index.queryByUniqKey('t', 'u')).toEqual([]);
    });

    it('writes entries and the progress mark in one batch', async () => {
      const writes = recordWrites(backend);
      await index.writeBatch([entry('t', ['a', 'b'], 0, 1000, 'U0'), entry('t', ['a'], 100, 1001)], 200);
      writes.stop();
      expect(writes.sizes).toEqual([expect.any(Number)]);
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

    it('is idempotent: re-writing the same entries creates no duplicates', async () => {
      const entries = [entry('t', ['a', 'a', 'b'], 0, 1000, 'U0'), entry('t', ['a'], 100, 1001, 'U1')];
      await index.writeBatch(entries, 200);
      await index.writeBatch(entries, 200);
      expect(await index.queryByKey('t', 'a', 10, ...ALL_TIME)).toEqual([100, 0]);
      expect(await index.queryByUniqKey('t', 'U0')).toEqual([0]);
      expect(await index.deleteBelow(200)).toBe(2);
      expect(await index.queryByKey('t', 'a', 10, ...ALL_TIME)).toEqual([]);
    });

    it('queries by key within a time range, newest first, at most maxNum', async () => {
      // Offsets deliberately not in timestamp order: results follow store time, then offset.
      await index.writeBatch(
        [
          entry('t', ['k'], 500, 1000),
          entry('t', ['k'], 100, 2000),
          entry('t', ['k'], 300, 3000),
          entry('t', ['k'], 200, 3000),
          entry('t', ['k'], 400, 4000),
        ],
        600,
      );
      expect(await index.queryByKey('t', 'k', 10, ...ALL_TIME)).toEqual([400, 300, 200, 100, 500]);
      expect(await index.queryByKey('t', 'k', 2, ...ALL_TIME)).toEqual([400, 300]);
      expect(await index.queryByKey('t', 'k', 10, 2000, 3000)).toEqual([300, 200, 100]);
      expect(await index.queryByKey('t', 'k', 10, 2001, 2999)).toEqual([]);
      expect(await index.queryByKey('t', 'k', 10, 3000, 2000)).toEqual([]);
      expect(await index.queryByKey('t', 'k', 0, ...ALL_TIME)).toEqual([]);
      // Bounds outside [0, 2^53) are clamped rather than rejected.
      expect(await index.queryByKey('t', 'k', 1, -Infinity, Infinity)).toEqual([400]);
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

    it('keeps the same key in two topics apart', async () => {
      await index.writeBatch([entry('orders', ['k'], 0, 1000, 'U'), entry('payments', ['k'], 100, 1000, 'U')], 200);
      expect(await index.queryByKey('orders', 'k', 10, ...ALL_TIME)).toEqual([0]);
      expect(await index.queryByKey('payments', 'k', 10, ...ALL_TIME)).toEqual([100]);
      expect(await index.queryByUniqKey('orders', 'U')).toEqual([0]);
      expect(await index.queryByUniqKey('payments', 'U')).toEqual([100]);
    });

    it('escapes \\0 and \\x01 so names that contain them never collide', async () => {
      await index.writeBatch(
        [
          entry('a', ['b\0c'], 0, 1000),
          entry('a\0b', ['c'], 100, 1000),
          entry('a', ['b\x01'], 200, 1000),
          entry('a', ['b'], 300, 1000),
          entry('a', ['b\x01\x01'], 400, 1000),
        ],
        500,
      );
      expect(await index.queryByKey('a', 'b\0c', 10, ...ALL_TIME)).toEqual([0]);
      expect(await index.queryByKey('a\0b', 'c', 10, ...ALL_TIME)).toEqual([100]);
      expect(await index.queryByKey('a', 'b\x01', 10, ...ALL_TIME)).toEqual([200]);
      expect(await index.queryByKey('a', 'b', 10, ...ALL_TIME)).toEqual([300]);
      expect(await index.queryByKey('a', 'b\x01\x01', 10, ...ALL_TIME)).toEqual([400]);
    });

    it('finds every stored copy of a unique key, oldest first', async () => {
      // A producer retry after a lost reply stores the same UNIQ_KEY twice.
      await index.writeBatch([entry('t', [], 700, 1000, 'ID-1'), entry('t', ['x'], 100, 999, 'ID-1'), entry('t', [], 400, 1000, 'ID-10')], 800);
      expect(await index.queryByUniqKey('t', 'ID-1')).toEqual([100, 700]);
      expect(await index.queryByUniqKey('t', 'ID-10')).toEqual([400]);
      expect(await index.queryByUniqKey('t', 'ID')).toEqual([]);
    });

    it('deleteBelow removes exactly the entries below the offset', async () => {
      await index.writeBatch(
        [entry('t', ['k', 'j'], 0, 1000, 'U0'), entry('t', ['k'], 100, 1001, 'U1'), entry('t', ['k'], 200, 1002), entry('t', [], 250, 1003)],
        300,
      );
      expect(await index.deleteBelow(0)).toBe(0);
      expect(await index.deleteBelow(200)).toBe(2);
      expect(await index.queryByKey('t', 'k', 10, ...ALL_TIME)).toEqual([200]);
      expect(await index.queryByKey('t', 'j', 10, ...ALL_TIME)).toEqual([]);
      expect(await index.queryByUniqKey('t', 'U0')).toEqual([]);
      expect(await index.queryByUniqKey('t', 'U1')).toEqual([]);
      expect(await index.deleteBelow(200)).toBe(0);
      // Retention does not move the progress mark.
      expect(await index.indexedOffset()).toBe(300);
    });

    it('deleteBelow works through a large index in bounded batches', async () => {
      const total = 25_000;
      for (let start = 0; start < total; start += 5000) {
        const entries = Array.from({ length: 5000 }, (_, i) => entry('t', [`k${(start + i) % 7}`], (start + i) * 10, 1_000_000 + start + i));
        await index.writeBatch(entries, (start + 5000) * 10);
      }
      const keep = 500;
      const writes = recordWrites(backend);
      const removed = await index.deleteBelow((total - keep) * 10);
      writes.stop();
      expect(removed).toBe(total - keep);
      expect(writes.sizes.length).toBeGreaterThanOrEqual(3);
      // One secondary row and its primary per indexed key: 2 deletes per row, 10,000 rows per chunk.
      expect(Math.max(...writes.sizes)).toBeLessThanOrEqual(20_000);
      const left = await Promise.all(Array.from({ length: 7 }, (_, k) => index.queryByKey('t', `k${k}`, total, ...ALL_TIME)));
      expect(left.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: keep }, (_, i) => (total - keep + i) * 10));
    });

    it('honours a smaller deleteChunkSize and counts a message split across chunks once', async () => {
      const small = new KeyIndex(backend.db, { deleteChunkSize: 3 });
      await small.writeBatch([entry('t', ['a', 'b', 'c', 'd'], 0, 1), entry('t', ['a', 'b'], 10, 2), entry('t', ['a'], 20, 3)], 30);
      const writes = recordWrites(backend);
      expect(await small.deleteBelow(30)).toBe(3);
      writes.stop();
      expect(Math.max(...writes.sizes)).toBeLessThanOrEqual(6);
      expect(await small.queryByKey('t', 'a', 10, ...ALL_TIME)).toEqual([]);
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

    it('persists across a reopen', async () => {
      await index.writeBatch([entry('t', ['k'], 0, 1000, 'U0'), entry('t', ['k'], 100, 1001)], 200);
      const reopened = new KeyIndex(await backend.reopen());
      expect(await reopened.indexedOffset()).toBe(200);
      expect(await reopened.queryByKey('t', 'k', 10, ...ALL_TIME)).toEqual([100, 0]);
      expect(await reopened.queryByUniqKey('t', 'U0')).toEqual([0]);
    });

    it('writes one row per indexed key plus one offset-ordered row per run of messages', async () => {
      const entries = Array.from({ length: ROW_MAX_PRIMARIES + 10 }, (_, i) => entry('t', [], i * 10, 1000 + i, `U${i}`));
      const writes = recordWrites(backend);
      await index.writeBatch(entries, entries.length * 10);
      writes.stop();
      // Keys, two `o!` rows (the run is longer than one row may list), the progress mark.
      expect(writes.sizes).toEqual([entries.length + 2 + 1]);
    });

    it('deletes and truncates inside a run of messages that shares one row', async () => {
      const count = ROW_MAX_PRIMARIES * 2 + 100;
      const entries = Array.from({ length: count }, (_, i) => entry('t', [`k${i % 3}`], i * 10, 1000 + i, `U${i}`));
      await index.writeBatch(entries, count * 10);
      // Below the first row's end, then inside the second row: the rows' rest must survive.
      expect(await index.deleteBelow(500 * 10)).toBe(500);
      expect(await index.deleteBelow((ROW_MAX_PRIMARIES / 2 + 700) * 10)).toBe(ROW_MAX_PRIMARIES / 2 + 200);
      const firstKept = ROW_MAX_PRIMARIES / 2 + 700;
      expect(await index.queryByUniqKey('t', `U${firstKept - 1}`)).toEqual([]);
      expect(await index.queryByUniqKey('t', `U${firstKept}`)).toEqual([firstKept * 10]);
      await index.truncateFrom((count - 50) * 10);
      expect(await index.indexedOffset()).toBe((count - 50) * 10);
      expect(await index.queryByUniqKey('t', `U${count - 50}`)).toEqual([]);
      expect(await index.queryByUniqKey('t', `U${count - 51}`)).toEqual([(count - 51) * 10]);
      const left = await Promise.all([0, 1, 2].map((k) => index.queryByKey('t', `k${k}`, count, ...ALL_TIME)));
      expect(left.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: count - 50 - firstKept }, (_, i) => (firstKept + i) * 10));
      // Deleting everything leaves no `o!` rows behind.
      expect(await index.deleteBelow(count * 10)).toBe(count - 50 - firstKept);
      expect(await backend.db.sublevel('key-index').keys({ gte: 'o!', lt: 'o"' }).all()).toEqual([]);
    });

    it('still deletes the one-row-per-key secondaries an older store wrote', async () => {
      const sub = backend.db.sublevel('key-index');
      const rows = [
        { key: keyEntryKey('t', 'old', 1000, 0), offset: 0 },
        { key: uniqEntryKey('t', 'OLD0', 0), offset: 0 },
        { key: uniqEntryKey('t', 'OLD1', 100), offset: 100 },
      ];
      await sub.batch([
        ...rows.flatMap(({ key, offset }) => [
          { type: 'put' as const, key, value: String(offset) },
          { type: 'put' as const, key: legacySecondaryKey(offset, key), value: '' },
        ]),
        { type: 'put' as const, key: PROGRESS_KEY, value: '200' },
      ]);
      await index.writeBatch([entry('t', ['new'], 200, 2000, 'NEW')], 300);
      expect(await index.queryByUniqKey('t', 'OLD1')).toEqual([100]);
      expect(await index.deleteBelow(100)).toBe(1);
      expect(await index.queryByKey('t', 'old', 10, ...ALL_TIME)).toEqual([]);
      expect(await index.queryByUniqKey('t', 'OLD0')).toEqual([]);
      await index.truncateFrom(100);
      expect(await index.queryByUniqKey('t', 'OLD1')).toEqual([]);
      expect(await index.queryByUniqKey('t', 'NEW')).toEqual([]);
      expect(await sub.keys({ gte: 'o!', lt: 'o"' }).all()).toEqual([]);
    });

    it('rejects invalid arguments', async () => {
      await expect(index.writeBatch([entry('t', ['k'], 0, 1)], -1)).rejects.toBeInstanceOf(RangeError);
      await expect(index.writeBatch([entry('t', ['k'], 100, 1)], 100)).rejects.toBeInstanceOf(RangeError);
      await expect(index.writeBatch([entry('t', ['k'], 1.5, 1)], 100)).rejects.toBeInstanceOf(RangeError);
      await expect(index.writeBatch([entry('t', ['k'], 0, -1)], 100)).rejects.toBeInstanceOf(RangeError);
      await expect(index.writeBatch([entry('', ['k'], 0, 1)], 100)).rejects.toBeInstanceOf(TypeError);
      await expect(index.queryByKey('', 'k', 1, ...ALL_TIME)).rejects.toBeInstanceOf(TypeError);
      await expect(index.queryByKey('t', '', 1, ...ALL_TIME)).rejects.toBeInstanceOf(TypeError);
      await expect(index.queryByKey('t', 'k', -1, ...ALL_TIME)).rejects.toBeInstanceOf(RangeError);
      await expect(index.queryByKey('t', 'k', 1, Number.NaN, 1)).rejects.toBeInstanceOf(RangeError);
      await expect(index.queryByUniqKey('t', '')).rejects.toBeInstanceOf(TypeError);
      await expect(index.deleteBelow(-5)).rejects.toBeInstanceOf(RangeError);
      await expect(index.truncateFrom(Number.NaN)).rejects.toBeInstanceOf(RangeError);
      expect(() => new KeyIndex(backend.db, { deleteChunkSize: 0 })).toThrow(RangeError);
      expect(await index.indexedOffset()).toBe(0);
    });

    it('property: queryByKey returns exactly the matching offsets, newest first', async () => {
      // Topic and key are cut from a few shared strings at random code-point positions, over a tiny
      // alphabet (the separator, the escape character, multi-byte UTF-8): so the same concatenation
      // with a different cut ("a" + "\0a" vs "a\0" + "a"), which would collide without escaping,
      // and names that are prefixes of each other, turn up in most runs.
      const text = fc.string({ unit: fc.constantFrom('a', '\0', '\x01', '😀'), minLength: 2, maxLength: 4 });
      const message = fc.record({ text: fc.nat(), cut: fc.nat(), storeTimestamp: fc.integer({ min: 0, max: 20 }) });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(text, { minLength: 1, maxLength: 3 }),
          fc.array(message, { minLength: 1, maxLength: 30 }),
          fc.integer({ min: 0, max: 20 }),
          fc.integer({ min: 0, max: 20 }),
          fc.integer({ min: 1, max: 10 }),
          async (texts, messages, begin, end, maxNum) => {
            // Each run gets its own topics ('/' and digits are outside the alphabet), so runs share one database.
            const prefix = `run${run++}/`;
            const stored = messages.map((m, i) => {
              const chars = Array.from(texts[m.text % texts.length]!);
              const cut = 1 + (m.cut % (chars.length - 1));
              return {
                topic: prefix + chars.slice(0, cut).join(''),
                key: chars.slice(cut).join(''),
                storeTimestamp: m.storeTimestamp,
                physicalOffset: i * 64,
              };
            });
            await index.writeBatch(
              stored.map((m) => entry(m.topic, [m.key], m.physicalOffset, m.storeTimestamp)),
              stored.length * 64,
            );
            for (const probe of stored) {
              const expected = stored
                .filter((m) => m.topic === probe.topic && m.key === probe.key && m.storeTimestamp >= begin && m.storeTimestamp <= end)
                .sort((a, b) => b.storeTimestamp - a.storeTimestamp || b.physicalOffset - a.physicalOffset)
                .slice(0, maxNum)
                .map((m) => m.physicalOffset);
              expect(await index.queryByKey(probe.topic, probe.key, maxNum, begin, end)).toEqual(expected);
            }
          },
        ),
        { numRuns: 100 },
      );
    });
  });
}
