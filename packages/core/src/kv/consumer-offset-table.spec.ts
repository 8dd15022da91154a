import fc from 'fast-check';
import { ConsumerOffsetTable } from './consumer-offset-table';

const key = ConsumerOffsetTable.storageKey;
const sorted = (rows: Array<{ key: string; offset: number }>) => [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

describe('ConsumerOffsetTable', () => {
  it('hands over each changed row once, with its latest offset', () => {
    const table = new ConsumerOffsetTable();
    table.set('g', 't', 0, 5);
    table.set('g', 't', 0, 7);
    table.set('g', 't', 1, 1);
    table.set('h', 't', 0, 2, false);
    expect(table.hasDirty()).toBe(true);
    expect(sorted(table.takeDirty())).toEqual(sorted([{ key: key('g', 't', 0), offset: 7 }, { key: key('g', 't', 1), offset: 1 }]));
    expect(table.hasDirty()).toBe(false);
    expect(table.takeDirty()).toEqual([]);
  });

  it('forgets the changed rows of what it removes, and restores rows whose write failed', () => {
    const table = new ConsumerOffsetTable();
    table.set('g', 'a', 0, 1);
    table.set('g', 'b', 0, 2);
    table.set('h', 'a', 0, 3);
    table.remove('g', 'a');
    table.remove('h');
    const rows = table.takeDirty();
    expect(rows).toEqual([{ key: key('g', 'b', 0), offset: 2 }]);
    table.restoreDirty(rows.map((row) => row.key));
    expect(table.takeDirty()).toEqual(rows);
  });

  it('agrees with a model that keeps storage keys, for any sequence of operations', () => {
    const name = fc.constantFrom('g', 'h', 'a "quoted" one', '');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), group: name, topic: name, queueId: fc.nat(3), offset: fc.nat(100), markDirty: fc.boolean() }),
      fc.record({ kind: fc.constant('remove' as const), group: name, topic: fc.option(name, { nil: undefined }) }),
      fc.record({ kind: fc.constant('take' as const), restore: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const table = new ConsumerOffsetTable();
        const values = new Map<string, { group: string; topic: string; offset: number }>();
        const dirty = new Set<string>();
        for (const o of ops) {
          if (o.kind === 'set') {
            const k = key(o.group, o.topic, o.queueId);
            table.set(o.group, o.topic, o.queueId, o.offset, o.markDirty);
            values.set(k, { group: o.group, topic: o.topic, offset: o.offset });
            if (o.markDirty) dirty.add(k);
          } else if (o.kind === 'remove') {
            table.remove(o.group, o.topic);
            for (const [k, v] of values) {
              if (v.group === o.group && (o.topic === undefined || v.topic === o.topic)) {
                values.delete(k);
                dirty.delete(k);
              }
            }
          } else {
            expect(table.hasDirty()).toBe(dirty.size > 0);
            const expected = [...dirty].map((k) => ({ key: k, offset: values.get(k)!.offset }));
            const rows = table.takeDirty();
            expect(sorted(rows)).toEqual(sorted(expected));
            dirty.clear();
            if (o.restore) {
              table.restoreDirty(rows.map((row) => row.key));
              for (const row of rows) dirty.add(row.key);
            }
          }
        }
      }),
    );
  });
});
