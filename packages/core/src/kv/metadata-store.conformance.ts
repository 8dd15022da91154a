// The MetadataStore conformance suite: every kv backend runs exactly these tests (STYLE.md habit 13).
import { KvErrorCode } from './kv-errors';
import type { KvTestBackend, KvTestBackendFactory } from './kv-test-support';
import { waitFor } from './kv-test-support';
import { MetadataStore } from './metadata-store';
import type { MetadataSnapshot } from './metadata-snapshot';
import type { KvDatabase } from './open-level';
import { subscriptionGroupWithDefaults } from './subscription-group-config';
import { PERM_READ, topicConfigWithDefaults } from './topic-config';

/** What a fresh store opened on `db` sees: only what has reached LevelDB. */
async function persisted<T>(db: KvDatabase, read: (store: MetadataStore) => T): Promise<T> {
  const store = await MetadataStore.open(db);
  try {
    return read(store);
  } finally {
    await store.close();
  }
}

export function metadataStoreConformance(name: string, factory: KvTestBackendFactory): void {
  describe(`MetadataStore conformance: ${name}`, () => {
    let backend: KvTestBackend;
    const stores: MetadataStore[] = [];

    /** Opens a store that afterEach closes (before the database). */
    async function open(db: KvDatabase = backend.db, options?: Parameters<typeof MetadataStore.open>[1]): Promise<MetadataStore> {
      const store = await MetadataStore.open(db, options);
      stores.push(store);
      return store;
    }

    /** Closes the store and reopens the database under a new one: a clean broker restart. */
    async function restart(store: MetadataStore): Promise<MetadataStore> {
      await store.close();
      return open(await backend.reopen());
    }

    beforeEach(async () => {
      backend = await factory();
    });

    afterEach(async () => {
      await Promise.allSettled(stores.splice(0).map((store) => store.close()));
      await backend.cleanup();
    });

    it('opens empty', async () => {
      const store = await open();
      expect(store.listTopics()).toEqual([]);
      expect(store.listGroups()).toEqual([]);
      expect(store.offsetsOfGroup('g')).toEqual([]);
      expect(store.listDelayOffsets()).toEqual([]);
      expect(store.listTransactionStates()).toEqual([]);
      expect(store.exportSnapshot()).toEqual({ topics: [], groups: [], offsets: [], delayOffsets: [] });
    });

    it('fills in RocketMQ defaults', () => {
      expect(topicConfigWithDefaults('t')).toEqual({
        topicName: 't',
        readQueueNums: 4,
        writeQueueNums: 4,
        perm: 6,
        topicFilterType: 'SINGLE_TAG',
        topicSysFlag: 0,
        order: false,
      });
      expect(topicConfigWithDefaults('t', { writeQueueNums: 8, perm: undefined }).perm).toBe(6);
      expect(subscriptionGroupWithDefaults('g')).toEqual({
        groupName: 'g',
        consumeEnable: true,
        consumeFromMinEnable: true,
        consumeBroadcastEnable: true,
        retryQueueNums: 1,
        retryMaxTimes: 16,
        brokerId: 0,
        whichBrokerWhenConsumeSlowly: 1,
        notifyConsumerIdsChangedEnable: true,
      });
    });

    it('writes topics through and reloads them', async () => {
      const store = await open();
      const orders = topicConfigWithDefaults('orders', { readQueueNums: 8, writeQueueNums: 8, order: true, attributes: { '+message.type': 'FIFO' } });
      await store.putTopic(orders);
      await store.putTopic(topicConfigWithDefaults('payments'));
      await store.putTopic(topicConfigWithDefaults('payments', { perm: PERM_READ }));
      expect(store.getTopic('orders')).toEqual(orders);
      expect(store.getTopic('payments')?.perm).toBe(PERM_READ);
      // The view is the stored object, not a copy; a later put replaces it rather than changing it.
      const view = store.topicView('orders');
      expect(view).toEqual(orders);
      expect(store.topicView('orders')).toBe(view);
      await store.putTopic({ ...orders, writeQueueNums: 2 });
      expect(view?.writeQueueNums).toBe(8);
      expect(store.topicView('orders')?.writeQueueNums).toBe(2);
      await store.putTopic(orders);
      expect(store.topicView('missing')).toBeUndefined();

      const reopened = await restart(store);
      expect(reopened.getTopic('orders')).toEqual(orders);
      expect(reopened.listTopics().map((t) => t.topicName).sort()).toEqual(['orders', 'payments']);
      expect(await reopened.deleteTopic('payments')).toBe(true);
      expect(await reopened.deleteTopic('payments')).toBe(false);
      expect(reopened.getTopic('payments')).toBeUndefined();
      expect(await persisted(backend.db, (s) => s.getTopic('payments'))).toBeUndefined();
    });

    it('writes groups through and reloads them', async () => {
      const store = await open();
      const billing = subscriptionGroupWithDefaults('billing', { retryMaxTimes: 3, consumeBroadcastEnable: false });
      await store.putGroup(billing);
      await store.putGroup(subscriptionGroupWithDefaults('audit'));
      const reopened = await restart(store);
      expect(reopened.getGroup('billing')).toEqual(billing);
      expect(reopened.listGroups()).toHaveLength(2);
      expect(await reopened.deleteGroup('audit')).toBe(true);
      expect(await reopened.deleteGroup('audit')).toBe(false);
      expect(await persisted(backend.db, (s) => s.listGroups().map((g) => g.groupName))).toEqual(['billing']);
    });

    it('keeps the group table data version across restarts, bumping it with every group change', async () => {
      const store = await open();
      const initial = store.groupDataVersion();
      expect(initial).toEqual({ stateVersion: 0, timestamp: expect.any(Number), counter: 0 });
      // Written at the first open: a restart without a change gives the very same version.
      let reopened = await restart(store);
      expect(reopened.groupDataVersion()).toEqual(initial);

      await reopened.putGroup(subscriptionGroupWithDefaults('billing'));
      await reopened.putGroup(subscriptionGroupWithDefaults('audit'));
      expect(reopened.groupDataVersion().counter).toBe(2);
      expect(reopened.groupDataVersion().timestamp).toBeGreaterThanOrEqual(initial.timestamp);
      expect(await reopened.deleteGroup('audit')).toBe(true);
      expect(await reopened.deleteGroup('audit')).toBe(false); // nothing changed: no new version
      const changed = reopened.groupDataVersion();
      expect(changed.counter).toBe(3);

      reopened = await restart(reopened);
      expect(reopened.groupDataVersion()).toEqual(changed);
      expect(await persisted(backend.db, (s) => s.groupDataVersion())).toEqual(changed);
      await reopened.putGroup(subscriptionGroupWithDefaults('audit'));
      expect(reopened.groupDataVersion().counter).toBe(4);

      const copy = reopened.groupDataVersion();
      copy.counter = 99;
      expect(reopened.groupDataVersion().counter).toBe(4);
    });

    it('never moves the group data version timestamp backwards, even when the clock does', async () => {
      const store = await open();
      const future = Date.now() + 3_600_000;
      await store.setGroupDataVersion({ stateVersion: 0, timestamp: future, counter: 7 });
      await store.putGroup(subscriptionGroupWithDefaults('g'));
      expect(store.groupDataVersion()).toEqual({ stateVersion: 0, timestamp: future, counter: 8 });
    });

    it('adopts a given group data version (a slave takes its master\'s) and persists it', async () => {
      const store = await open();
      const master = { stateVersion: 0, timestamp: 1_700_000_000_000, counter: 42 };
      await store.setGroupDataVersion(master);
      expect(store.groupDataVersion()).toEqual(master);
      const latest = await restart(store);
      expect(latest.groupDataVersion()).toEqual(master);
      await expect(latest.setGroupDataVersion({ ...master, counter: -1 })).rejects.toBeInstanceOf(RangeError);
      await expect(latest.setGroupDataVersion({ ...master, timestamp: 1.5 })).rejects.toBeInstanceOf(RangeError);
      await expect(latest.setGroupDataVersion({ stateVersion: 0, timestamp: 1 } as never)).rejects.toBeInstanceOf(RangeError);
      expect(latest.groupDataVersion()).toEqual(master);
    });

    it('gives the groups a new data version when a snapshot import replaces them', async () => {
      const store = await open();
      await store.putGroup(subscriptionGroupWithDefaults('stale'));
      const before = store.groupDataVersion();
      await store.importSnapshot({ topics: [], groups: [subscriptionGroupWithDefaults('g')], offsets: [], delayOffsets: [] });
      expect(store.groupDataVersion().counter).toBe(before.counter + 1);
      expect((await restart(store)).groupDataVersion().counter).toBe(before.counter + 1);
    });

    it('keeps the topic table data version across restarts, bumping it with every topic change', async () => {
      const store = await open();
      const initial = store.topicDataVersion();
      expect(initial).toEqual({ stateVersion: 0, timestamp: expect.any(Number), counter: 0 });
      // Written at the first open: a restart without a change gives the very same version.
      let reopened = await restart(store);
      expect(reopened.topicDataVersion()).toEqual(initial);

      await reopened.putTopic(topicConfigWithDefaults('orders'));
      await reopened.putTopic(topicConfigWithDefaults('orders', { writeQueueNums: 8 })); // an update is a change too
      await reopened.putTopic(topicConfigWithDefaults('audit'));
      expect(reopened.topicDataVersion().counter).toBe(3);
      expect(reopened.topicDataVersion().timestamp).toBeGreaterThanOrEqual(initial.timestamp);
      expect(await reopened.deleteTopic('audit')).toBe(true);
      expect(await reopened.deleteTopic('audit')).toBe(false); // nothing changed: no new version
      const changed = reopened.topicDataVersion();
      expect(changed.counter).toBe(4);
      // What reached LevelDB with the last change: the topics and their version together.
      expect(await persisted(backend.db, (s) => ({ version: s.topicDataVersion(), topics: s.listTopics().map((t) => t.topicName) }))).toEqual({
        version: changed,
        topics: ['orders'],
      });

      reopened = await restart(reopened);
      expect(reopened.topicDataVersion()).toEqual(changed);
      reopened = await restart(reopened);
      expect(reopened.topicDataVersion()).toEqual(changed);
      await reopened.putTopic(topicConfigWithDefaults('audit'));
      expect(reopened.topicDataVersion().counter).toBe(5);

      const copy = reopened.topicDataVersion();
      copy.counter = 99;
      expect(reopened.topicDataVersion().counter).toBe(5);
    });

    it('versions the topic and group tables separately', async () => {
      const store = await open();
      await store.putTopic(topicConfigWithDefaults('t'));
      expect(store.topicDataVersion().counter).toBe(1);
      expect(store.groupDataVersion().counter).toBe(0);
      await store.putGroup(subscriptionGroupWithDefaults('g'));
      await store.deleteGroup('g');
      expect(store.topicDataVersion().counter).toBe(1);
      expect(store.groupDataVersion().counter).toBe(2);
      const reopened = await restart(store);
      expect([reopened.topicDataVersion().counter, reopened.groupDataVersion().counter]).toEqual([1, 2]);
    });

    it('never moves the topic data version timestamp backwards, even when the clock does', async () => {
      const store = await open();
      const future = Date.now() + 3_600_000;
      await store.setTopicDataVersion({ stateVersion: 0, timestamp: future, counter: 7 });
      await store.putTopic(topicConfigWithDefaults('t'));
      expect(store.topicDataVersion()).toEqual({ stateVersion: 0, timestamp: future, counter: 8 });
      await store.deleteTopic('t');
      expect(store.topicDataVersion()).toEqual({ stateVersion: 0, timestamp: future, counter: 9 });
    });

    it('adopts a given topic data version (a slave takes its master\'s) and persists it', async () => {
      const store = await open();
      const master = { stateVersion: 0, timestamp: 1_700_000_000_000, counter: 42 };
      await store.setTopicDataVersion(master);
      expect(store.topicDataVersion()).toEqual(master);
      const latest = await restart(store);
      expect(latest.topicDataVersion()).toEqual(master);
      await expect(latest.setTopicDataVersion({ ...master, counter: -1 })).rejects.toBeInstanceOf(RangeError);
      await expect(latest.setTopicDataVersion({ ...master, timestamp: 1.5 })).rejects.toBeInstanceOf(RangeError);
      await expect(latest.setTopicDataVersion({ stateVersion: 0, timestamp: 1 } as never)).rejects.toBeInstanceOf(RangeError);
      expect(latest.topicDataVersion()).toEqual(master);
      expect(latest.groupDataVersion()).not.toEqual(master);
    });

    it('gives a store from before topic versions were kept a topic version at open, kept from then on', async () => {
      await backend.db.sublevel('topic').put('old', JSON.stringify(topicConfigWithDefaults('old')));
      await backend.db.sublevel('data-version').put('group', '{"stateVersion":0,"timestamp":5,"counter":3}');
      const store = await open();
      const first = store.topicDataVersion();
      expect(first).toEqual({ stateVersion: 0, timestamp: expect.any(Number), counter: 0 });
      expect(store.groupDataVersion()).toEqual({ stateVersion: 0, timestamp: 5, counter: 3 });
      expect((await restart(store)).topicDataVersion()).toEqual(first);
    });

    it('gives the topics a new data version when a snapshot import replaces them', async () => {
      const store = await open();
      await store.putTopic(topicConfigWithDefaults('stale'));
      const before = store.topicDataVersion();
      await store.importSnapshot({ topics: [topicConfigWithDefaults('t')], groups: [], offsets: [], delayOffsets: [] });
      expect(store.topicDataVersion().counter).toBe(before.counter + 1);
      expect((await restart(store)).topicDataVersion().counter).toBe(before.counter + 1);
    });

    it('hands out copies, never its own objects', async () => {
      const store = await open();
      const config = topicConfigWithDefaults('t', { attributes: { a: '1' } });
      await store.putTopic(config);
      config.readQueueNums = 99;
      const read = store.getTopic('t');
      if (read?.attributes === undefined) throw new Error('expected attributes');
      read.attributes['a'] = 'changed';
      expect(store.getTopic('t')).toEqual(topicConfigWithDefaults('t', { attributes: { a: '1' } }));
      const state = { phase: 'prepared' };
      await store.putTransactionState('tx', state);
      state.phase = 'changed';
      expect(store.getTransactionState('tx')).toEqual({ phase: 'prepared' });
    });

    it('keeps committed offsets in memory until a flush', async () => {
      const store = await open();
      store.commitOffset('g', 't', 0, 10);
      store.commitOffset('g', 't', 1, 20);
      store.commitOffset('g', 'u', 0, 5);
      store.commitOffset('h', 't', 0, 7);
      // Backwards is allowed: an admin reset.
      store.commitOffset('g', 't', 0, 3);
      expect(store.queryOffset('g', 't', 0)).toBe(3);
      expect(store.queryOffset('g', 't', 9)).toBeUndefined();
      expect(store.offsetsOfGroup('g')).toEqual(
        expect.arrayContaining([
          { topic: 't', queueId: 0, offset: 3 },
          { topic: 't', queueId: 1, offset: 20 },
          { topic: 'u', queueId: 0, offset: 5 },
        ]),
      );
      expect(store.offsetsOfGroup('g')).toHaveLength(3);
      expect(store.groupsOfTopic('t').sort()).toEqual(['g', 'h']);
      expect(store.groupsOfTopic('u')).toEqual(['g']);
      expect(store.listOffsets()).toEqual(
        expect.arrayContaining([
          { group: 'g', topic: 't', queueId: 0, offset: 3 },
          { group: 'g', topic: 't', queueId: 1, offset: 20 },
          { group: 'g', topic: 'u', queueId: 0, offset: 5 },
          { group: 'h', topic: 't', queueId: 0, offset: 7 },
        ]),
      );
      expect(store.listOffsets()).toHaveLength(4);

      expect(await persisted(backend.db, (s) => s.queryOffset('g', 't', 0))).toBeUndefined();
      await store.flush();
      expect(await persisted(backend.db, (s) => s.offsetsOfGroup('g').length)).toBe(3);
      expect(await persisted(backend.db, (s) => s.queryOffset('g', 't', 0))).toBe(3);
    });

    it('persists offsets on close and reloads them', async () => {
      const store = await open();
      store.commitOffset('g', 't', 0, 42);
      store.setDelayOffset(3, 17);
      const reopened = await restart(store);
      expect(reopened.queryOffset('g', 't', 0)).toBe(42);
      expect(reopened.getDelayOffset(3)).toBe(17);
    });

    it('flushes dirty offsets periodically', async () => {
      const store = await open(backend.db, { offsetFlushIntervalMs: 20 });
      store.commitOffset('g', 't', 0, 1);
      store.setDelayOffset(1, 2);
      await waitFor('the periodic flush to persist offset 1 and delay offset 2', async () =>
        persisted(backend.db, (s) => s.queryOffset('g', 't', 0) === 1 && s.getDelayOffset(1) === 2),
      );
      store.commitOffset('g', 't', 0, 5);
      await waitFor('the periodic flush to persist offset 5', async () => persisted(backend.db, (s) => s.queryOffset('g', 't', 0) === 5));
    });

    it('keeps offsets dirty when a periodic flush fails, and reports it', async () => {
      const errors: unknown[] = [];
      const store = await open(backend.db, { offsetFlushIntervalMs: 20, onFlushError: (error) => errors.push(error) });
      store.commitOffset('g', 't', 0, 9);
      await backend.db.close();
      await waitFor('a failed periodic flush', () => errors.length > 0);
      expect(errors[0]).toMatchObject({ code: KvErrorCode.FLUSH_FAILED });
      await backend.db.open();
      await store.flush();
      expect(await persisted(backend.db, (s) => s.queryOffset('g', 't', 0))).toBe(9);
    });

    it('deletes offsets of a group, or of one topic of it', async () => {
      const store = await open();
      store.commitOffset('g', 't', 0, 1);
      store.commitOffset('g', 'u', 0, 2);
      store.commitOffset('h', 't', 0, 3);
      await store.flush();
      await store.deleteOffsets('g', 't');
      expect(store.offsetsOfGroup('g')).toEqual([{ topic: 'u', queueId: 0, offset: 2 }]);
      expect(store.groupsOfTopic('t')).toEqual(['h']);
      await store.deleteOffsets('g');
      expect(store.offsetsOfGroup('g')).toEqual([]);
      await store.deleteOffsets('nobody');
      const reopened = await restart(store);
      expect(reopened.offsetsOfGroup('g')).toEqual([]);
      expect(reopened.queryOffset('h', 't', 0)).toBe(3);
    });

    it('keeps a commit made after deleteOffsets was called', async () => {
      const store = await open();
      store.commitOffset('g', 't', 0, 1);
      await store.flush();
      const flushing = store.flush();
      const deleting = store.deleteOffsets('g');
      store.commitOffset('g', 't', 0, 2);
      await Promise.all([flushing, deleting, store.flush()]);
      const reopened = await restart(store);
      expect(reopened.queryOffset('g', 't', 0)).toBe(2);
    });

    it('tracks delay-level progress', async () => {
      const store = await open();
      store.setDelayOffset(2, 5);
      store.setDelayOffset(1, 9);
      store.setDelayOffset(2, 6);
      expect(store.getDelayOffset(2)).toBe(6);
      expect(store.getDelayOffset(3)).toBeUndefined();
      expect(store.listDelayOffsets()).toEqual([
        { level: 1, offset: 9 },
        { level: 2, offset: 6 },
      ]);
      await store.flush();
      expect(await persisted(backend.db, (s) => s.listDelayOffsets())).toEqual(store.listDelayOffsets());
    });

    it('stores transaction records as JSON objects', async () => {
      const store = await open();
      await store.putTransactionState('tx-1', { offset: 100, checks: 0, producerGroup: 'p' });
      await store.putTransactionState('tx-2', { offset: 200, nested: { ok: true } });
      await store.putTransactionState('tx-1', { offset: 100, checks: 1, producerGroup: 'p' });
      expect(store.getTransactionState('tx-1')).toEqual({ offset: 100, checks: 1, producerGroup: 'p' });
      await store.deleteTransactionState('tx-2');
      await store.deleteTransactionState('missing');
      const reopened = await restart(store);
      expect(reopened.listTransactionStates()).toEqual([{ key: 'tx-1', value: { offset: 100, checks: 1, producerGroup: 'p' } }]);
      expect(reopened.getTransactionState('tx-2')).toBeUndefined();
    });

    it('exports a snapshot and imports it elsewhere, replacing what was there', async () => {
      const master = await open();
      await master.putTopic(topicConfigWithDefaults('b-topic'));
      await master.putTopic(topicConfigWithDefaults('a-topic', { attributes: { x: 'y' } }));
      await master.putGroup(subscriptionGroupWithDefaults('g'));
      master.commitOffset('g', 'a-topic', 1, 11);
      master.commitOffset('g', 'a-topic', 0, 10);
      master.setDelayOffset(4, 40);
      const snapshot = master.exportSnapshot();
      expect(snapshot.topics.map((t) => t.topicName)).toEqual(['a-topic', 'b-topic']);
      expect(snapshot.offsets).toEqual([
        { group: 'g', topic: 'a-topic', queueId: 0, offset: 10 },
        { group: 'g', topic: 'a-topic', queueId: 1, offset: 11 },
      ]);

      const other = await factory();
      try {
        const slave = await MetadataStore.open(other.db);
        await slave.putTopic(topicConfigWithDefaults('stale'));
        await slave.putGroup(subscriptionGroupWithDefaults('stale'));
        slave.commitOffset('stale', 'stale', 0, 1);
        slave.setDelayOffset(9, 9);
        await slave.putTransactionState('local', { kept: true });
        await slave.importSnapshot(snapshot);
        expect(slave.exportSnapshot()).toEqual(snapshot);
        expect(slave.getTransactionState('local')).toEqual({ kept: true });
        await slave.close();
        const reloaded = await MetadataStore.open(await other.reopen());
        expect(reloaded.exportSnapshot()).toEqual(snapshot);
        await reloaded.close();
      } finally {
        await other.cleanup();
      }
    });

    it('rejects an invalid snapshot without changing anything', async () => {
      const store = await open();
      await store.putTopic(topicConfigWithDefaults('t'));
      const before = store.exportSnapshot();
      const duplicate: MetadataSnapshot = { ...before, topics: [topicConfigWithDefaults('x'), topicConfigWithDefaults('x')] };
      await expect(store.importSnapshot(duplicate)).rejects.toBeInstanceOf(RangeError);
      const negative: MetadataSnapshot = { ...before, offsets: [{ group: 'g', topic: 't', queueId: 0, offset: -1 }] };
      await expect(store.importSnapshot(negative)).rejects.toBeInstanceOf(RangeError);
      expect(store.exportSnapshot()).toEqual(before);
    });

    it('rejects invalid input', async () => {
      const store = await open();
      expect(() => store.commitOffset('', 't', 0, 1)).toThrow(TypeError);
      expect(() => store.commitOffset('g', '', 0, 1)).toThrow(TypeError);
      expect(() => store.commitOffset('g', 't', -1, 1)).toThrow(RangeError);
      expect(() => store.commitOffset('g', 't', 0, -1)).toThrow(RangeError);
      expect(() => store.commitOffset('g', 't', 0, 1.5)).toThrow(RangeError);
      expect(() => store.commitOffset('g', 't', 0, Number.NaN)).toThrow(RangeError);
      expect(() => store.setDelayOffset(0, 1)).toThrow(RangeError);
      expect(() => store.setDelayOffset(1, -1)).toThrow(RangeError);
      expect(() => topicConfigWithDefaults('')).toThrow(TypeError);
      expect(() => topicConfigWithDefaults('t', { perm: 8 })).toThrow(RangeError);
      expect(() => subscriptionGroupWithDefaults('')).toThrow(TypeError);
      await expect(store.putTopic({ ...topicConfigWithDefaults('t'), readQueueNums: -1 })).rejects.toBeInstanceOf(RangeError);
      await expect(store.putGroup({ ...subscriptionGroupWithDefaults('g'), consumeEnable: 'yes' as unknown as boolean })).rejects.toBeInstanceOf(TypeError);
      await expect(store.deleteTopic('')).rejects.toBeInstanceOf(TypeError);
      await expect(store.deleteOffsets('')).rejects.toBeInstanceOf(TypeError);
      const cyclic: Record<string, unknown> = {};
      cyclic['self'] = cyclic;
      await expect(store.putTransactionState('tx', cyclic)).rejects.toBeInstanceOf(TypeError);
      await expect(store.putTransactionState('', {})).rejects.toBeInstanceOf(TypeError);
      await expect(MetadataStore.open(backend.db, { offsetFlushIntervalMs: 0 })).rejects.toBeInstanceOf(RangeError);
      expect(store.exportSnapshot()).toEqual({ topics: [], groups: [], offsets: [], delayOffsets: [] });
    });

    it('refuses to open over a corrupt row', async () => {
      await backend.db.sublevel('topic').put('t', '{not json');
      await expect(MetadataStore.open(backend.db)).rejects.toMatchObject({ code: KvErrorCode.CORRUPT_RECORD });
    });

    it.each(['group', 'topic'])('refuses to open over a corrupt %s data version row', async (table) => {
      await backend.db.sublevel('data-version').put(table, '{"stateVersion":0,"timestamp":1,"counter":-1}');
      await expect(MetadataStore.open(backend.db)).rejects.toMatchObject({ code: KvErrorCode.CORRUPT_RECORD });
    });

    it('closes idempotently, leaves the database open, and refuses writes afterwards', async () => {
      const store = await open();
      store.commitOffset('g', 't', 0, 1);
      await Promise.all([store.close(), store.close()]);
      await store.close();
      expect(backend.db.status).toBe('open');
      expect(() => store.commitOffset('g', 't', 0, 2)).toThrow(expect.objectContaining({ code: KvErrorCode.CLOSED }));
      await expect(store.putTopic(topicConfigWithDefaults('t'))).rejects.toMatchObject({ code: KvErrorCode.CLOSED });
      expect(store.queryOffset('g', 't', 0)).toBe(1);
      expect(await persisted(backend.db, (s) => s.queryOffset('g', 't', 0))).toBe(1);
    });
  });
}
