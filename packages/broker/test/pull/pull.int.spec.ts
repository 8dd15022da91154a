// PULL_MESSAGE without holding: validation, the §7 status table, tag filtering and the
// commit-offset piggyback, over the in-process transport with a real store.
import { ResponseCode, decodeStoredRecords, type RemotingCommand } from '@pulsejet/protocol';
import { pullHeader, startPullBroker, uniqueTopic, type PullBroker } from './harness';

function expectOffsets(reply: RemotingCommand, next: number, min: number, max: number): void {
  expect(reply.extFields).toEqual({ nextBeginOffset: String(next), minOffset: String(min), maxOffset: String(max), suggestWhichBrokerId: '0' });
}

describe('PULL_MESSAGE', () => {
  let broker: PullBroker;
  beforeEach(async () => {
    broker = await startPullBroker({ topics: { Hidden: 'not-exist', Locked: 'no-permission' }, readQueueNums: 4 });
  });
  afterEach(() => broker.close());

  it('FOUND: body is the concatenated stored records, nextBeginOffset after the last', async () => {
    const topic = uniqueTopic();
    for (let i = 0; i < 3; i++) await broker.put(topic, 1, 'TagA', `m${i}`);
    const reply = await broker.pull(pullHeader(topic, { queueId: 1, maxMsgNums: 2 }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expectOffsets(reply, 2, 0, 3);
    const messages = decodeStoredRecords(reply.body!);
    expect(messages.map((m) => m.body.toString())).toEqual(['m0', 'm1']);
    expect(messages.map((m) => m.queueOffset)).toEqual([0, 1]);
  });

  it('filters by tag and re-checks exact tags on a hash collision ("Aa" vs "BB"), still advancing', async () => {
    const topic = uniqueTopic();
    await broker.put(topic, 0, 'BB', 'collides');
    await broker.put(topic, 0, 'Aa', 'wanted');
    await broker.put(topic, 0, 'TagC', 'other');
    await broker.put(topic, 0, 'BB', 'collides-too');
    const reply = await broker.pull(pullHeader(topic, { subscription: 'Aa' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(decodeStoredRecords(reply.body!).map((m) => m.body.toString())).toEqual(['wanted']);
    expectOffsets(reply, 4, 0, 4);

    // Only a colliding message: nothing left after the exact check -> retry immediately, past it.
    const only = await broker.pull(pullHeader(topic, { subscription: 'Aa', queueOffset: 3 }));
    expect(only.code).toBe(ResponseCode.PULL_RETRY_IMMEDIATELY);
    expectOffsets(only, 4, 0, 4);
  });

  it('subscribes to several tags with any spacing', async () => {
    const topic = uniqueTopic();
    for (const tag of ['TagA', 'TagB', 'TagC']) await broker.put(topic, 0, tag, tag);
    const reply = await broker.pull(pullHeader(topic, { subscription: ' TagC ||TagA||  ' }));
    expect(decodeStoredRecords(reply.body!).map((m) => m.body.toString())).toEqual(['TagA', 'TagC']);
  });

  it('NO_MATCHED_MESSAGE -> 20 with nextBeginOffset past the scanned range', async () => {
    const topic = uniqueTopic();
    await broker.put(topic, 0, 'TagB');
    await broker.put(topic, 0);
    const reply = await broker.pull(pullHeader(topic, { subscription: 'TagA' }));
    expect(reply.code).toBe(ResponseCode.PULL_RETRY_IMMEDIATELY);
    expectOffsets(reply, 2, 0, 2);
  });

  it('OFFSET_OVERFLOW_ONE -> 19 at the same offset', async () => {
    const topic = uniqueTopic();
    await broker.put(topic, 0);
    await broker.put(topic, 0);
    const reply = await broker.pull(pullHeader(topic, { queueOffset: 2 }));
    expect(reply.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expectOffsets(reply, 2, 0, 2);
  });

  it('OFFSET_OVERFLOW_BADLY -> 21 (next = min when min is 0, as Java)', async () => {
    const topic = uniqueTopic();
    await broker.put(topic, 0);
    const reply = await broker.pull(pullHeader(topic, { queueOffset: 9 }));
    expect(reply.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expectOffsets(reply, 0, 0, 1);
  });

  it('a queue never written: 19 at offset 0, 21 back to 0 otherwise', async () => {
    const topic = uniqueTopic();
    const atZero = await broker.pull(pullHeader(topic));
    expect(atZero.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expectOffsets(atZero, 0, 0, 0);
    const elsewhere = await broker.pull(pullHeader(topic, { queueOffset: 7 }));
    expect(elsewhere.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expectOffsets(elsewhere, 0, 0, 0);
  });

  it('saves a piggybacked commit offset whatever the reply code', async () => {
    const topic = uniqueTopic();
    await broker.put(topic, 2);
    const found = await broker.pull(pullHeader(topic, { queueId: 2, sysFlag: 5, commitOffset: 1 }));
    expect(found.code).toBe(ResponseCode.SUCCESS);
    expect(broker.store.metadata.queryOffset('GID_pull', topic, 2)).toBe(1);
    const moved = await broker.pull(pullHeader(topic, { queueId: 2, sysFlag: 5, commitOffset: 9, queueOffset: 50 }));
    expect(moved.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expect(broker.store.metadata.queryOffset('GID_pull', topic, 2)).toBe(9);
    // Without the flag nothing is saved.
    await broker.pull(pullHeader(topic, { queueId: 2, sysFlag: 4, commitOffset: 11 }));
    expect(broker.store.metadata.queryOffset('GID_pull', topic, 2)).toBe(9);
  });

  it.each([
    [{ topic: 'Hidden' }, ResponseCode.TOPIC_NOT_EXIST, /does not exist/],
    [{ topic: 'Locked' }, ResponseCode.NO_PERMISSION, /not readable/],
    [{ queueId: 4 }, ResponseCode.SYSTEM_ERROR, /queueId 4 is out of range/],
    [{ queueId: 'one' }, ResponseCode.SYSTEM_ERROR, /queueId must be an integer/],
    [{ consumerGroup: '' }, ResponseCode.SYSTEM_ERROR, /consumerGroup is missing/],
    [{ maxMsgNums: 'lots' }, ResponseCode.SYSTEM_ERROR, /maxMsgNums must be an integer/],
    [{ subscription: '||' }, ResponseCode.SUBSCRIPTION_PARSE_FAILED, /names no tag/],
    [{ expressionType: 'SQL92', subscription: 'a > 1' }, ResponseCode.SUBSCRIPTION_PARSE_FAILED, /SQL92 is not supported/],
  ])('refuses %p with code %d and a remark', async (change, code, remark) => {
    const reply = await broker.pull(pullHeader(uniqueTopic(), change));
    expect(reply.code).toBe(code);
    expect(reply.remark).toMatch(remark);
  });

  it('keeps serving after bad requests', async () => {
    await broker.pull({ topic: 'x' });
    const topic = uniqueTopic();
    await broker.put(topic, 0);
    expect((await broker.pull(pullHeader(topic))).code).toBe(ResponseCode.SUCCESS);
  });
});

describe('PULL_MESSAGE on a slave', () => {
  let broker: PullBroker;
  beforeEach(async () => {
    broker = await startPullBroker({ slave: true });
  });
  afterEach(() => broker.close());

  // Unlike Java, a slave keeps a piggybacked offset: its metadata sync merges offsets by maximum
  // (src/slave/slave-synchronize.ts), so the master's older value does not overwrite it.
  it('never moves the offset (21 becomes 20 at the same offset) and keeps the piggybacked commit', async () => {
    const topic = uniqueTopic();
    await broker.put(topic, 0);
    const reply = await broker.pull(pullHeader(topic, { queueOffset: 9, sysFlag: 5, commitOffset: 1 }));
    expect(reply.code).toBe(ResponseCode.PULL_RETRY_IMMEDIATELY);
    expect(reply.extFields['nextBeginOffset']).toBe('9');
    expect(broker.store.metadata.queryOffset('GID_pull', topic, 0)).toBe(1);
  });
});

describe('PULL_MESSAGE without the SUBSCRIPTION flag', () => {
  let broker: PullBroker;
  afterEach(() => broker.close());

  it('uses the group\'s registered expression, and answers 24 when the group has none', async () => {
    const topic = uniqueTopic();
    broker = await startPullBroker({ registered: { GID_pull: { [topic]: 'TagB' } } });
    await broker.put(topic, 0, 'TagA', 'a');
    await broker.put(topic, 0, 'TagB', 'b');
    const reply = await broker.pull(pullHeader(topic, { sysFlag: 0, subscription: 'TagA' }));
    expect(decodeStoredRecords(reply.body!).map((m) => m.body.toString())).toEqual(['b']);
    const unknown = await broker.pull(pullHeader(topic, { sysFlag: 0, consumerGroup: 'GID_other' }));
    expect(unknown.code).toBe(ResponseCode.SUBSCRIPTION_NOT_EXIST);
    expect(unknown.remark).toMatch(/no subscription/);
  });
});
