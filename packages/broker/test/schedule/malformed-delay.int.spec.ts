// Malformed delay and timer properties over TCP: a DELAY level, TIMER_DELIVER_MS, TIMER_DELAY_MS,
// TIMER_DELAY_SEC or __STARTDELIVERTIME that is not an integer is refused with MESSAGE_ILLEGAL (13,
// RocketMQ 5's answer to an unparsable timer property) and a remark naming the property and what it
// expects; before, such a message was stored undelayed without a word. Nothing of it is stored.
import { RequestCode, ResponseCode, createRequest, encodeMessageBatch, encodeProperties, type RemotingCommand } from '@pulsejet/protocol';
import { SCHEDULE_TOPIC } from '../../src/index';
import { sendV1, sendV2, startTestBroker, uniqueTopic, type TestBroker } from '../helpers';

describe('malformed delay and timer properties', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ messageDelayLevel: '100ms 200ms 300ms' });
  });
  afterAll(() => b.close());

  const scheduled = (): number => [0, 1, 2].reduce((sum, q) => sum + b.broker.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, q), 0);
  let scheduledBefore = 0;
  beforeEach(() => {
    scheduledBefore = scheduled();
  });
  /** Messages this test put in the topic's queue 0 or in the schedule topic: a refusal stores none. */
  const storedCount = (topic: string): number => b.broker.store.getMaxOffsetInQueue(topic, 0) + scheduled() - scheduledBefore;

  async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it.each([
    ['TIMER_DELIVER_MS', 'abc', /TIMER_DELIVER_MS.*"abc".*integer.*epoch milliseconds/],
    ['TIMER_DELIVER_MS', '1.7e12', /TIMER_DELIVER_MS.*integer/],
    ['TIMER_DELIVER_MS', '-5', /TIMER_DELIVER_MS.*non-negative integer/],
    ['TIMER_DELIVER_MS', '99999999999999999999', /TIMER_DELIVER_MS.*integer/],
    ['TIMER_DELAY_MS', 'soon', /TIMER_DELAY_MS.*"soon".*integer number of milliseconds/],
    ['TIMER_DELAY_MS', '-1', /TIMER_DELAY_MS.*non-negative/],
    ['TIMER_DELAY_SEC', '1.5', /TIMER_DELAY_SEC.*"1\.5".*integer number of seconds/],
    ['TIMER_DELAY_SEC', '0x10', /TIMER_DELAY_SEC.*integer/],
    ['TIMER_DELAY_SEC', '9007199254740', /TIMER_DELAY_SEC.*at most/],
    ['__STARTDELIVERTIME', 'tomorrow', /__STARTDELIVERTIME.*"tomorrow".*epoch milliseconds/],
    ['DELAY', 'abc', /DELAY.*"abc".*integer delay level/],
    ['DELAY', '3abc', /DELAY.*"3abc".*integer delay level/],
    ['DELAY', '1.5', /DELAY.*integer delay level/],
  ])('refuses %s=%j with MESSAGE_ILLEGAL, saying what it expects, and stores nothing', async (property, value, remark) => {
    const topic = uniqueTopic('Malformed');
    const reply = await b.send(sendV1(topic, Buffer.from('x'), {}, { TAGS: 'TagA', [property]: value }));
    expect(reply.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(reply.remark).toMatch(remark);
    expect(reply.remark!.length).toBeLessThan(300);
    expect(storedCount(topic)).toBe(0);
  });

  it('refuses a malformed value even next to a valid DELAY level (which would otherwise win)', async () => {
    const topic = uniqueTopic('Both');
    const reply = await b.send(sendV1(topic, Buffer.from('x'), {}, { TAGS: 'TagA', DELAY: '2', TIMER_DELIVER_MS: 'later' }));
    expect(reply.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(reply.remark).toMatch(/TIMER_DELIVER_MS/);
    expect(storedCount(topic)).toBe(0);
  });

  it('refuses malformed values on SEND_MESSAGE_V2, on a transactional half, and inside a batch', async () => {
    const topic = uniqueTopic('Paths');
    const v2 = await b.send(sendV2(topic, Buffer.from('x'), { e: '0', i: encodeProperties({ TAGS: 'TagA', TIMER_DELAY_MS: 'ten' }) }));
    expect([v2.code, v2.remark]).toEqual([ResponseCode.MESSAGE_ILLEGAL, expect.stringMatching(/TIMER_DELAY_MS/)]);

    const half = await b.send(sendV1(topic, Buffer.from('x'), { sysFlag: '4' }, { TAGS: 'TagA', TRAN_MSG: 'true', PGROUP: 'PID_test', __STARTDELIVERTIME: 'x' }));
    expect([half.code, half.remark]).toEqual([ResponseCode.MESSAGE_ILLEGAL, expect.stringMatching(/__STARTDELIVERTIME/)]);

    const batch = encodeMessageBatch([
      { flag: 0, body: Buffer.from('fine'), properties: {} },
      { flag: 0, body: Buffer.from('bad'), properties: { DELAY: 'two' } },
    ]);
    const reply = await b.send(
      createRequest(RequestCode.SEND_BATCH_MESSAGE, { a: 'PID_batch', b: topic, c: 'TBW102', d: '4', e: '0', f: '0', g: String(Date.now()), h: '0', i: '', j: '0', k: 'false', m: 'true' }, batch),
    );
    expect([reply.code, reply.remark]).toEqual([ResponseCode.MESSAGE_ILLEGAL, expect.stringMatching(/DELAY.*"two"/)]);
    expect(storedCount(topic)).toBe(0);
  });

  it.each([
    ['DELAY', '-1'], // Java's send-back marks dead letters DELAY=-1; a tool re-sending one copies it
    ['DELAY', '0'],
    ['DELAY', ' 1 '],
    ['TIMER_DELIVER_MS', '0'], // long past: delivered at once
    ['TIMER_DELAY_MS', '0'],
  ])('still takes %s=%j and delivers it', async (property, value) => {
    const topic = uniqueTopic('Fine');
    const reply: RemotingCommand = await b.send(sendV1(topic, Buffer.from('x'), {}, { TAGS: 'TagA', [property]: value }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    await waitFor(() => b.broker.store.getMaxOffsetInQueue(topic, 0) === 1, `the message in ${topic}`);
  });
});
