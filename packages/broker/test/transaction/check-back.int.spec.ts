// CHECK_TRANSACTION_STATE: the broker asks a live producer of the half's group about open halves,
// over TCP, with short check intervals; the producer answers with END_TRANSACTION
// (fromTransactionCheck=true), or never, until the half is discarded.
import { MessageSysFlag, ResponseCode, decodeStoredRecord, transactionType } from '@pulsejet/protocol';
import { RMQ_SYS_TRANS_HALF_TOPIC, TRANS_CHECK_MAX_TIME_TOPIC } from '../../src/index';
import { startTestBroker, uniqueTopic, type TestBroker } from '../helpers';
import { TestTxProducer, endTransaction, halfRefOf, halfSend, pullAll, waitFor, witnessCheckRounds, type HalfRef } from './tx-helpers';

jest.setTimeout(60_000);

const CHECK_MAX = 3;

/** Whether the broker has recorded an outcome for the half (its op record, or progress past it). */
function settled(b: TestBroker, ref: HalfRef): boolean {
  const metadata = b.broker.store.metadata;
  const progress = metadata.getTransactionState('progress')?.['offset'];
  return metadata.getTransactionState(`op:${ref.tranStateTableOffset}`) !== undefined || (typeof progress === 'number' && progress > ref.tranStateTableOffset);
}

describe('transaction check-back', () => {
  let b: TestBroker;
  const producers: TestTxProducer[] = [];
  const producer = async (group: string, answer?: 'commit' | 'rollback'): Promise<TestTxProducer> => {
    const p = new TestTxProducer(b.broker.brokerAddr, group, answer);
    producers.push(p);
    await p.heartbeat();
    return p;
  };

  beforeAll(async () => {
    b = await startTestBroker({ transactionCheckInterval: 200, transactionTimeOut: 300, transactionCheckMax: CHECK_MAX });
  });
  afterAll(async () => {
    await Promise.all(producers.map((p) => p.close()));
    await b.close();
  });

  it('checks an undecided half back with its producer and delivers it once on a commit answer', async () => {
    const topic = uniqueTopic('TxCheckCommit');
    const p = await producer('PID_check_commit', 'commit');
    const reply = await b.send(halfSend(topic, 'cb1', p.group, {}, { queueId: '1' }));
    const ref = halfRefOf(reply, p.group, 'UNIQ-cb1');
    expect((await b.send(endTransaction(ref, 'unknown'))).code).toBe(ResponseCode.SUCCESS);

    const delivered = await waitFor(async () => {
      const messages = await pullAll(b.send, topic, 1);
      return messages.length > 0 ? messages : undefined;
    }, 'the message committed through check-back');
    expect(delivered.map((m) => m.body.toString())).toEqual(['cb1']);
    expect(transactionType(delivered[0]!.sysFlag)).toBe(MessageSysFlag.TRANSACTION_COMMIT_TYPE);

    const [first] = p.checksOf(ref);
    expect(first!.header).toEqual({
      tranStateTableOffset: String(ref.tranStateTableOffset),
      commitLogOffset: String(ref.commitLogOffset),
      msgId: 'UNIQ-cb1',
      transactionId: 'UNIQ-cb1',
      offsetMsgId: ref.msgId,
      topic,
      brokerName: 'broker-a',
    });
    expect(first!.message).toMatchObject({ topic, queueId: 1, queueOffset: ref.tranStateTableOffset, physicalOffset: ref.commitLogOffset, msgId: ref.msgId });
    expect(first!.message.body.toString()).toBe('cb1');
    expect(first!.message.properties).toMatchObject({ UNIQ_KEY: 'UNIQ-cb1', PGROUP: p.group, REAL_TOPIC: topic, TRANSACTION_CHECK_TIMES: '1' });

    // Once settled it is never checked or delivered again. (A check sent in the round before the
    // commit was recorded may still be on its way: count after one more witnessed round.)
    await waitFor(() => (settled(b, ref) ? true : undefined), 'the commit to be recorded');
    await witnessCheckRounds(b.broker.brokerAddr, b.send, uniqueTopic('TxProbe'), 1);
    const checksAfterCommit = p.checksOf(ref).length;
    await witnessCheckRounds(b.broker.brokerAddr, b.send, uniqueTopic('TxProbe'), 2);
    expect(p.checksOf(ref)).toHaveLength(checksAfterCommit);
    expect(await pullAll(b.send, topic, 1)).toHaveLength(1);
  });

  it('rolls back on a rollback answer: nothing is delivered', async () => {
    const topic = uniqueTopic('TxCheckRollback');
    const p = await producer('PID_check_rollback', 'rollback');
    const ref = halfRefOf(await b.send(halfSend(topic, 'cb2', p.group)), p.group, 'UNIQ-cb2');
    await waitFor(() => (p.checksOf(ref).length > 0 && settled(b, ref) ? true : undefined), 'the rollback answer to be recorded');
    expect(await pullAll(b.send, topic)).toEqual([]);
  });

  it('checks a half transactionCheckMax times when nobody answers, then discards it to TRANS_CHECK_MAX_TIME_TOPIC and stops', async () => {
    const topic = uniqueTopic('TxCheckMax');
    const p = await producer('PID_check_silent');
    const keptBefore = b.broker.store.getMaxOffsetInQueue(TRANS_CHECK_MAX_TIME_TOPIC, 0);
    const ref = halfRefOf(await b.send(halfSend(topic, 'cb3', p.group)), p.group, 'UNIQ-cb3');

    await waitFor(() => (settled(b, ref) && p.checksOf(ref).length >= CHECK_MAX ? true : undefined), 'the half to be discarded');
    const checks = p.checksOf(ref);
    expect(checks.map((check) => check.message.properties['TRANSACTION_CHECK_TIMES'])).toEqual(['1', '2', '3']);
    expect(b.broker.store.getMaxOffsetInQueue(TRANS_CHECK_MAX_TIME_TOPIC, 0)).toBe(keptBefore + 1);
    const kept = decodeStoredRecord(b.broker.store.getMessage(TRANS_CHECK_MAX_TIME_TOPIC, 0, keptBefore).messages[0]!);
    expect(kept.body.toString()).toBe('cb3');
    expect(kept.properties).toMatchObject({ REAL_TOPIC: topic, PGROUP: p.group, UNIQ_KEY: 'UNIQ-cb3', TRANSACTION_CHECK_TIMES: String(CHECK_MAX) });

    await witnessCheckRounds(b.broker.brokerAddr, b.send, uniqueTopic('TxProbe'), 2);
    expect(p.checksOf(ref)).toHaveLength(CHECK_MAX);
    expect(await pullAll(b.send, topic)).toEqual([]);
    // A commit arriving after the discard is refused.
    const late = await b.send(endTransaction(ref, 'commit'));
    expect(late.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(late.remark).toMatch(/discarded|resolved long ago/);
    expect(await pullAll(b.send, topic)).toEqual([]);
  });

  it('counts checks while no producer of the group is online (as Java does), so the half is discarded in the end', async () => {
    const topic = uniqueTopic('TxNoProducer');
    const ref = halfRefOf(await b.send(halfSend(topic, 'cb4', 'PID_nobody')), 'PID_nobody', 'UNIQ-cb4');
    await waitFor(() => (settled(b, ref) ? true : undefined), 'the half of an absent group to be discarded');
    const kept = b.broker.store
      .getMessage(TRANS_CHECK_MAX_TIME_TOPIC, 0, 0)
      .messages.map((record) => decodeStoredRecord(record))
      .find((message) => message.properties['UNIQ_KEY'] === 'UNIQ-cb4');
    expect(kept?.properties).toMatchObject({ REAL_TOPIC: topic, PGROUP: 'PID_nobody', TRANSACTION_CHECK_TIMES: String(CHECK_MAX) });
    expect(await pullAll(b.send, topic)).toEqual([]);
  });

  it('keeps no bookkeeping for settled halves once the check has passed them', async () => {
    const max = b.broker.store.getMaxOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, 0);
    // Progress is written first, then the records it passed are deleted: wait for both.
    const keys = await waitFor(() => {
      const progress = b.broker.store.metadata.getTransactionState('progress')?.['offset'];
      const remaining = b.broker.store.metadata.listTransactionStates().map((record) => record.key);
      return progress === max && remaining.length === 1 ? remaining : undefined;
    }, 'progress to reach the end of the half queue and the passed records to go');
    expect(keys).toEqual(['progress']);
  });
});
