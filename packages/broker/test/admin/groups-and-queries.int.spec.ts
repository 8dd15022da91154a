// Subscription-group administration and message queries over real TCP, malformed requests included.
import { RequestCode, ResponseCode, createRequest, decodeOffsetMessageId, decodeStoredRecord, type RemotingCommand } from '@pulsejet/protocol';
import { sendV1, startTestBroker, uniqueTopic, type TestBroker } from '../helpers';

function splitRecords(body: Buffer): Buffer[] {
  const records: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const size = body.readInt32BE(at);
    records.push(body.subarray(at, at + size));
    at += size;
  }
  return records;
}

function jsonOf(reply: RemotingCommand): Record<string, unknown> {
  return JSON.parse(reply.body!.toString('utf8')) as Record<string, unknown>;
}

describe('broker admin: subscription groups and message queries over TCP', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker();
  });
  afterAll(() => b.close());

  async function stillServes(): Promise<void> {
    const reply = await b.send(createRequest(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, {}));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
  }

  const updateGroup = (body: string): RemotingCommand => createRequest(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, Buffer.from(body, 'utf8'));

  describe('subscription groups', () => {
    it('creates, reads, lists, replaces and deletes a group', async () => {
      const created = await b.send(updateGroup(JSON.stringify({ groupName: 'CID_billing', retryMaxTimes: 3, consumeBroadcastEnable: false, groupSysFlag: 0 })));
      expect(created.code).toBe(ResponseCode.SUCCESS);
      expect(b.broker.store.metadata.getGroup('CID_billing')).toMatchObject({ retryMaxTimes: 3, consumeBroadcastEnable: false, retryQueueNums: 1 });

      const one = await b.send(createRequest(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group: 'CID_billing' }));
      expect(one.code).toBe(ResponseCode.SUCCESS);
      expect(jsonOf(one)).toEqual({
        brokerId: 0,
        consumeBroadcastEnable: false,
        consumeEnable: true,
        consumeFromMinEnable: true,
        groupName: 'CID_billing',
        notifyConsumerIdsChangedEnable: true,
        retryMaxTimes: 3,
        retryQueueNums: 1,
        whichBrokerWhenConsumeSlowly: 1,
      });

      const before = jsonOf(await b.send(createRequest(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, {})));
      expect(Object.keys(before).sort()).toEqual(['dataVersion', 'subscriptionGroupTable']);
      expect((before['subscriptionGroupTable'] as Record<string, unknown>)['CID_billing']).toMatchObject({ groupName: 'CID_billing', retryMaxTimes: 3 });
      const counterBefore = (before['dataVersion'] as { counter: number }).counter;

      // An update replaces the whole config: left-out fields take Java's defaults.
      expect((await b.send(updateGroup(JSON.stringify({ groupName: 'CID_billing', consumeEnable: false })))).code).toBe(ResponseCode.SUCCESS);
      expect(b.broker.store.metadata.getGroup('CID_billing')).toMatchObject({ consumeEnable: false, retryMaxTimes: 16, consumeBroadcastEnable: true });

      b.broker.store.metadata.commitOffset('CID_billing', 'T', 0, 5);
      const deleted = await b.send(createRequest(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'CID_billing', cleanOffset: 'true' }));
      expect(deleted.code).toBe(ResponseCode.SUCCESS);
      expect(b.broker.store.metadata.getGroup('CID_billing')).toBeUndefined();
      expect(b.broker.store.metadata.offsetsOfGroup('CID_billing')).toEqual([]);

      const after = jsonOf(await b.send(createRequest(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, {})));
      expect((after['subscriptionGroupTable'] as Record<string, unknown>)['CID_billing']).toBeUndefined();
      expect((after['dataVersion'] as { counter: number }).counter).toBe(counterBefore + 2);

      const missing = await b.send(createRequest(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group: 'CID_billing' }));
      expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(missing.remark).toBe('No group in this broker');
      // Deleting an unknown group is not an error (Java).
      expect((await b.send(createRequest(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'CID_none' }))).code).toBe(ResponseCode.SUCCESS);
    });

    it.each([
      ['no body', undefined],
      ['bad JSON', '{"groupName":'],
      ['a JSON array', '[1]'],
      ['no groupName', '{"retryMaxTimes":1}'],
      ['a mistyped field', '{"groupName":"CID_x","retryMaxTimes":"many"}'],
      ['a negative field', '{"groupName":"CID_x","retryQueueNums":-1}'],
    ])('refuses UPDATE_AND_CREATE_SUBSCRIPTIONGROUP with %s', async (_name, body) => {
      const reply = await b.send(createRequest(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, body === undefined ? undefined : Buffer.from(body)));
      expect(reply.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(reply.remark).toMatch(/^bad UPDATE_AND_CREATE_SUBSCRIPTIONGROUP body: /);
      expect(b.broker.store.metadata.getGroup('CID_x')).toBeUndefined();
      await stillServes();
    });

    it('refuses DELETE_SUBSCRIPTIONGROUP and GET_SUBSCRIPTIONGROUP_CONFIG without their group field', async () => {
      const del = await b.send(createRequest(RequestCode.DELETE_SUBSCRIPTIONGROUP, {}));
      expect(del.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(del.remark).toContain('<groupName>');
      const get = await b.send(createRequest(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, {}));
      expect(get.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(get.remark).toContain('<group>');
      await stillServes();
    });
  });

  describe('message queries', () => {
    it('QUERY_MESSAGE returns the stored records of a key; QUERY_NOT_FOUND when none match', async () => {
      const topic = uniqueTopic('Query');
      for (const [i, keys] of ['order-1 x', 'order-2', 'order-1'].entries()) {
        const reply = await b.send(sendV1(topic, Buffer.from(`m${i}`), {}, { TAGS: 'A', KEYS: keys }));
        expect(reply.code).toBe(ResponseCode.SUCCESS);
      }
      await b.broker.store.waitForIndex();
      const query = (key: string, fields: Record<string, string> = {}): RemotingCommand =>
        createRequest(RequestCode.QUERY_MESSAGE, { topic, key, maxNum: '32', beginTimestamp: '0', endTimestamp: String(Number.MAX_SAFE_INTEGER), ...fields });

      const reply = await b.send(query('order-1'));
      expect(reply.code).toBe(ResponseCode.SUCCESS);
      const bodies = splitRecords(reply.body!).map((record) => decodeStoredRecord(record).body.toString()).sort();
      expect(bodies).toEqual(['m0', 'm2']);
      expect(Number(reply.extFields['indexLastUpdatePhyoffset'])).toBeGreaterThan(0);
      expect(Number(reply.extFields['indexLastUpdateTimestamp'])).toBeGreaterThan(0);

      expect(splitRecords((await b.send(query('order-1', { maxNum: '1' }))).body!)).toHaveLength(1);

      const none = await b.send(query('order-9'));
      expect(none.code).toBe(ResponseCode.QUERY_NOT_FOUND);
      expect(none.remark).toBe('can not find message, maybe time range not correct');
      const outOfRange = await b.send(query('order-1', { beginTimestamp: '1', endTimestamp: '2' }));
      expect(outOfRange.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    });

    it.each([
      ['no key', { topic: 'T', maxNum: '1', beginTimestamp: '0', endTimestamp: '1' }],
      ['no topic', { key: 'k', maxNum: '1', beginTimestamp: '0', endTimestamp: '1' }],
      ['a non-numeric maxNum', { topic: 'T', key: 'k', maxNum: 'x', beginTimestamp: '0', endTimestamp: '1' }],
      ['no endTimestamp', { topic: 'T', key: 'k', maxNum: '1', beginTimestamp: '0' }],
    ])('refuses QUERY_MESSAGE with %s', async (_name, fields) => {
      const reply = await b.send(createRequest(RequestCode.QUERY_MESSAGE, fields));
      expect(reply.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(reply.remark).toMatch(/^bad QUERY_MESSAGE header: /);
      await stillServes();
    });

    it('VIEW_MESSAGE_BY_ID returns the record at the commit-log offset a msgId encodes', async () => {
      const topic = uniqueTopic('View');
      const sent = await b.send(sendV1(topic, Buffer.from('look at me')));
      expect(sent.code).toBe(ResponseCode.SUCCESS);
      const { physicalOffset } = decodeOffsetMessageId(sent.extFields['msgId']!);
      const reply = await b.send(createRequest(RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(physicalOffset) }));
      expect(reply.code).toBe(ResponseCode.SUCCESS);
      const stored = decodeStoredRecord(reply.body!);
      expect(stored.topic).toBe(topic);
      expect(stored.body.toString()).toBe('look at me');
      expect(stored.msgId).toBe(sent.extFields['msgId']);
    });

    it.each([
      ['past the end', () => String(b.broker.store.stats().commitLogMaxOffset + 1000), /^can not find message by the offset, \d+$/],
      ['negative', () => '-1', /^can not find message by the offset, -1$/],
      ['missing', () => undefined, /^bad VIEW_MESSAGE_BY_ID header: .*<offset>/],
      ['not a number', () => 'abc', /^bad VIEW_MESSAGE_BY_ID header: .*<offset>/],
    ])('refuses VIEW_MESSAGE_BY_ID with an offset %s', async (_name, offsetOf, remark) => {
      const offset = offsetOf();
      const reply = await b.send(createRequest(RequestCode.VIEW_MESSAGE_BY_ID, offset === undefined ? {} : { offset }));
      expect(reply.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(reply.remark).toMatch(remark);
      await stillServes();
    });
  });
});
