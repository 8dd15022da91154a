// Many sends in flight on one connection: the send processors' dispatcher limits (SEND_PROCESSOR_OPTIONS)
// let them all wait for a shared group commit instead of answering SYSTEM_BUSY.
import { ResponseCode, decodeStoredRecord } from '@pulsejet/protocol';
import { sendV2, startTestBroker, uniqueTopic, type TestBroker } from './helpers';

/** More than the dispatcher's default 64 running + 1,024 queued requests of one code. */
const IN_FLIGHT = 2000;

describe('send processors under many requests in flight (SYNC_FLUSH)', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ flushDiskType: 'SYNC_FLUSH', store: { mappedFileSizeCommitLog: 4 * 1024 * 1024, consumeQueueEntriesPerFile: 1000 } });
  });
  afterAll(() => b.close());

  it(`stores ${IN_FLIGHT} concurrent SEND_MESSAGE_V2 requests of one connection, none refused as busy`, async () => {
    const topic = uniqueTopic('Many');
    const replies = await Promise.all(
      Array.from({ length: IN_FLIGHT }, (_, i) => b.send(sendV2(topic, Buffer.from(`m${i}`), { e: String(i % 4), i: `TAGS\u0001T\u0002UNIQ_KEY\u0001U${i}\u0002` }))),
    );
    expect(replies.filter((reply) => reply.code !== ResponseCode.SUCCESS).map((reply) => `${reply.code} ${reply.remark ?? ''}`)).toEqual([]);
    // Every message landed once, each queue holding consecutive offsets.
    const stored: string[] = [];
    for (let queueId = 0; queueId < 4; queueId++) {
      for (let offset = 0; ; ) {
        const got = b.broker.store.getMessage(topic, queueId, offset, { maxMsgNums: 256 });
        if (got.messages.length === 0) break;
        stored.push(...got.messages.map((message) => decodeStoredRecord(message).body.toString()));
        offset = got.nextBeginOffset;
      }
    }
    expect(stored.sort()).toEqual(Array.from({ length: IN_FLIGHT }, (_, i) => `m${i}`).sort());
  }, 60_000);
});
