// Half messages and END_TRANSACTION over TCP against a temp-dir broker (check-back kept out of the
// way with long intervals; see check-back.int.spec.ts for it).
import { MessageSysFlag, RequestCode, ResponseCode, createRequest, transactionType } from '@pulsejet/protocol';
import { RMQ_SYS_TRANS_HALF_TOPIC, encodeMessageBatch } from '../../src/index';
import { sendV1, sendV2, startTestBroker, uniqueTopic, type TestBroker } from '../helpers';
import { endTransaction, halfRefOf, halfSend, pullAll, waitFor } from './tx-helpers';

const GROUP = 'PID_tx_end';
const QUIET_CHECKS = { transactionCheckInterval: 600_000, transactionTimeOut: 600_000 };

describe('half messages and END_TRANSACTION', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker(QUIET_CHECKS);
  });
  afterAll(() => b.close());

  it('stores a half message in RMQ_SYS_TRANS_HALF_TOPIC, invisible to the real topic, and replies with its offsets', async () => {
    const topic = uniqueTopic('TxHalf');
    const halvesBefore = b.broker.store.getMaxOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, 0);
    const reply = await b.send(halfSend(topic, 'h1', GROUP, {}, { queueId: '2' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(reply.extFields).toMatchObject({ queueId: '2', queueOffset: String(halvesBefore), transactionId: 'UNIQ-h1' });
    const ref = halfRefOf(reply, GROUP, 'UNIQ-h1');

    expect(await pullAll(b.send, topic, 2)).toEqual([]);
    expect(b.broker.store.getMaxOffsetInQueue(topic, 2)).toBe(0);
    const half = b.broker.store.lookMessageByOffset(ref.commitLogOffset)!;
    expect(half).toMatchObject({ topic: RMQ_SYS_TRANS_HALF_TOPIC, queueId: 0, queueOffset: ref.tranStateTableOffset, msgId: ref.msgId });
    expect(transactionType(half.sysFlag)).toBe(MessageSysFlag.TRANSACTION_NOT_TYPE);
    expect(half.properties).toMatchObject({ REAL_TOPIC: topic, REAL_QID: '2', PGROUP: GROUP, TRAN_MSG: 'true', UNIQ_KEY: 'UNIQ-h1' });
  });

  it('delivers exactly one copy on commit, with the original body, tags, keys and UNIQ_KEY', async () => {
    const topic = uniqueTopic('TxCommit');
    const ref = halfRefOf(await b.send(halfSend(topic, 'c1', GROUP, { TAGS: 'paid', KEYS: 'order-7 customer-3' })), GROUP, 'UNIQ-c1');
    const end = await b.send(endTransaction(ref, 'commit'));
    expect(end.code).toBe(ResponseCode.SUCCESS);

    const delivered = await pullAll(b.send, topic);
    expect(delivered).toHaveLength(1);
    const [message] = delivered;
    expect(message!.body.toString()).toBe('c1');
    expect(message!.topic).toBe(topic);
    expect(message!.properties).toMatchObject({ TAGS: 'paid', KEYS: 'order-7 customer-3', UNIQ_KEY: 'UNIQ-c1', PGROUP: GROUP });
    for (const gone of ['TRAN_MSG', 'REAL_TOPIC', 'REAL_QID']) expect(message!.properties[gone]).toBeUndefined();
    expect(transactionType(message!.sysFlag)).toBe(MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    expect(message!.preparedTransactionOffset).toBe(ref.commitLogOffset);

    // A retried commit is acknowledged without a second copy; a contrary rollback is refused.
    const again = await b.send(endTransaction(ref, 'commit', { fromTransactionCheck: 'true' }));
    expect(again.code).toBe(ResponseCode.SUCCESS);
    expect(again.remark).toMatch(/already committed/);
    const rollback = await b.send(endTransaction(ref, 'rollback'));
    expect(rollback.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(rollback.remark).toMatch(/already committed; cannot rollback/);
    expect(await pullAll(b.send, topic)).toHaveLength(1);
  });

  it('delivers nothing on rollback, and refuses a later commit', async () => {
    const topic = uniqueTopic('TxRollback');
    const ref = halfRefOf(await b.send(halfSend(topic, 'r1', GROUP)), GROUP, 'UNIQ-r1');
    expect((await b.send(endTransaction(ref, 'rollback'))).code).toBe(ResponseCode.SUCCESS);
    const commit = await b.send(endTransaction(ref, 'commit'));
    expect(commit.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(commit.remark).toMatch(/already rolled back/);
    expect(await pullAll(b.send, topic)).toEqual([]);
    expect(b.broker.store.getMaxOffsetInQueue(topic, 0)).toBe(0);
  });

  it('accepts "unknown" (0) without resolving, and a later commit still delivers', async () => {
    const topic = uniqueTopic('TxUnknown');
    const ref = halfRefOf(await b.send(halfSend(topic, 'u1', GROUP)), GROUP, 'UNIQ-u1');
    const unknown = await b.send(endTransaction(ref, 'unknown'));
    expect(unknown.code).toBe(ResponseCode.SUCCESS);
    expect(unknown.remark).toMatch(/check back/);
    expect(await pullAll(b.send, topic)).toEqual([]);
    expect((await b.send(endTransaction(ref, 'commit'))).code).toBe(ResponseCode.SUCCESS);
    expect(await pullAll(b.send, topic)).toHaveLength(1);
  });

  it('commits on a oneway END_TRANSACTION, as Java producers send it, and ignores a oneway repeat', async () => {
    const topic = uniqueTopic('TxOneway');
    const ref = halfRefOf(await b.send(halfSend(topic, 'o1', GROUP)), GROUP, 'UNIQ-o1');
    await b.client.oneway(b.broker.brokerAddr, endTransaction(ref, 'commit', {}, true));
    await waitFor(async () => ((await pullAll(b.send, topic)).length === 1 ? true : undefined), 'the committed message');
    await b.client.oneway(b.broker.brokerAddr, endTransaction(ref, 'commit', {}, true));
    // The first commit holds the half's lock until its outcome is recorded, so repeats find it settled.
    expect((await b.send(endTransaction(ref, 'commit'))).remark).toMatch(/already committed/);
    expect(await pullAll(b.send, topic)).toHaveLength(1);
  });

  it('answers bad END_TRANSACTION requests with a code and remark, and keeps serving', async () => {
    const topic = uniqueTopic('TxBad');
    const ref = halfRefOf(await b.send(halfSend(topic, 'b1', GROUP)), GROUP, 'UNIQ-b1');
    const plain = await b.send(sendV1(topic, Buffer.from('plain')));
    const plainRef = halfRefOf(plain, GROUP);
    const cases: Array<[string, ReturnType<typeof endTransaction>, number, RegExp]> = [
      ['missing producerGroup', endTransaction(ref, 'commit', { producerGroup: undefined }), ResponseCode.SYSTEM_ERROR, /<producerGroup> is null/],
      ['missing commitLogOffset', endTransaction(ref, 'commit', { commitLogOffset: undefined }), ResponseCode.SYSTEM_ERROR, /<commitLogOffset> is null/],
      ['missing msgId', endTransaction(ref, 'commit', { msgId: undefined }), ResponseCode.SYSTEM_ERROR, /<msgId> is null/],
      ['a bad commitOrRollback', endTransaction(ref, 'commit', { commitOrRollback: '5' }), ResponseCode.SYSTEM_ERROR, /commitOrRollback/],
      ['an offset past the log', endTransaction(ref, 'commit', { commitLogOffset: String(1024 * 1024 * 1024) }), ResponseCode.SYSTEM_ERROR, /Find prepared transaction message failed/],
      ['an offset inside a record', endTransaction(ref, 'commit', { commitLogOffset: String(ref.commitLogOffset + 8) }), ResponseCode.SYSTEM_ERROR, /Find prepared transaction message failed/],
      ['the wrong group', endTransaction({ ...ref, group: 'PID_other' }, 'commit'), ResponseCode.SYSTEM_ERROR, /producer group wrong.*PID_other/],
      ['the wrong table offset', endTransaction(ref, 'commit', { tranStateTableOffset: String(ref.tranStateTableOffset + 1000) }), ResponseCode.SYSTEM_ERROR, /table offset wrong/],
      ['a message that is not a half', endTransaction(plainRef, 'commit'), ResponseCode.SYSTEM_ERROR, /not a half message/],
    ];
    for (const [what, request, code, remark] of cases) {
      const reply = await b.send(request);
      expect({ what, code: reply.code }).toEqual({ what, code });
      expect(reply.remark).toMatch(remark);
    }
    // Oneway refusals are only logged; the broker still serves and the half is still open.
    await b.client.oneway(b.broker.brokerAddr, endTransaction({ ...ref, group: 'PID_other' }, 'commit', {}, true));
    expect(await pullAll(b.send, topic)).toHaveLength(1);
    expect((await b.send(endTransaction(ref, 'commit'))).code).toBe(ResponseCode.SUCCESS);
    expect((await pullAll(b.send, topic)).map((m) => m.body.toString())).toEqual(['plain', 'b1']);
  });

  /** A SEND_MESSAGE_V2 with the PREPARED sysFlag type (4), as ali-ons sends a half message; the half as stored. */
  async function sendV2Half(topic: string, body: string, group: string, properties: string) {
    const ref = halfRefOf(await b.send(sendV2(topic, Buffer.from(body), { a: group, e: '0', f: '4', i: properties })), group);
    return { ref, half: b.broker.store.lookMessageByOffset(ref.commitLogOffset)! };
  }

  it('takes an ali-ons style SEND_MESSAGE_V2 (sysFlag 4, TRAN_MSG, no PGROUP) as a half of the header group, and drops DELAY', async () => {
    const topic = uniqueTopic('TxV2');
    const { ref, half } = await sendV2Half(topic, 'v2', 'PID_v2', 'TAGS\u0001TagV\u0002TRAN_MSG\u0001true\u0002DELAY\u00012\u0002');
    expect(half.topic).toBe(RMQ_SYS_TRANS_HALF_TOPIC);
    expect(half.properties).toMatchObject({ PGROUP: 'PID_v2', REAL_TOPIC: topic });
    expect(half.properties['DELAY']).toBeUndefined();
    expect((await b.send(endTransaction(ref, 'commit'))).code).toBe(ResponseCode.SUCCESS);
    // Committed at once: the delay of a transactional message is ignored, as Java producers do.
    const [message] = await pullAll(b.send, topic);
    expect(message?.body.toString()).toBe('v2');
    expect(message?.properties['DELAY']).toBeUndefined();
  });

  it('takes a send with the PREPARED sysFlag type alone (no TRAN_MSG) as a half, its user properties kept', async () => {
    const topic = uniqueTopic('TxFlag');
    const { ref, half } = await sendV2Half(topic, 'flag', 'PID_flag', 'TAGS\u0001TagF\u0002color\u0001red');
    expect(half.topic).toBe(RMQ_SYS_TRANS_HALF_TOPIC);
    expect(half.properties).toMatchObject({ TAGS: 'TagF', color: 'red', TRAN_MSG: 'true', PGROUP: 'PID_flag', REAL_TOPIC: topic });
    expect((await b.send(endTransaction(ref, 'commit'))).code).toBe(ResponseCode.SUCCESS);
    const [message] = await pullAll(b.send, topic);
    expect(message?.properties).toMatchObject({ TAGS: 'TagF', color: 'red' });
  });

  it('refuses a batch holding a transactional message', async () => {
    const topic = uniqueTopic('TxBatch');
    const body = encodeMessageBatch([
      { flag: 0, body: Buffer.from('m0'), properties: { TAGS: 'A' } },
      { flag: 0, body: Buffer.from('m1'), properties: { TAGS: 'B', TRAN_MSG: 'true', PGROUP: GROUP } },
    ]);
    const reply = await b.send(
      createRequest(
        RequestCode.SEND_BATCH_MESSAGE,
        { a: GROUP, b: topic, c: 'TBW102', d: '4', e: '0', f: '0', g: String(Date.now()), h: '0', i: '', j: '0', k: 'false', m: 'true' },
        body,
      ),
    );
    expect(reply.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(reply.remark).toMatch(/batch send does not support transactional messages/);
    expect(await pullAll(b.send, topic)).toEqual([]);
  });
});

describe('rejectTransactionMessage', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ ...QUIET_CHECKS, rejectTransactionMessage: true });
  });
  afterAll(() => b.close());

  it('refuses half messages with NO_PERMISSION and still takes plain ones', async () => {
    const topic = uniqueTopic('TxRejected');
    const reply = await b.send(halfSend(topic, 'x', GROUP));
    expect(reply.code).toBe(ResponseCode.NO_PERMISSION);
    expect(reply.remark).toMatch(/sending transaction message is forbidden/);
    expect(b.broker.store.getMaxOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, 0)).toBe(0);
    expect((await b.send(sendV1(topic, Buffer.from('plain')))).code).toBe(ResponseCode.SUCCESS);
  });
});
