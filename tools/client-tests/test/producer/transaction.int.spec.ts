// Transactional sends against the broker's half-message support: commit and rollback decided by the
// local transaction; UNKNOWN (or a throwing local transaction) answered later by the check
// callback; and a half message left open by one producer answered by a new producer of the group.
import { ClientErrorCode, TransactionProducer, TransactionState, type ReceivedMessage } from '@pulsejet/client';
import { TRANSPORTS, startCluster, uniqueName, type TestCluster } from '../cluster';
import { waitFor } from '../instance/wait-for';
import { queueMessages, storedMessage } from './stored';

jest.setTimeout(90_000);

const HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';

describe.each(TRANSPORTS)('TransactionProducer (%s)', (transport) => {
  let cluster: TestCluster;
  const producers: TransactionProducer[] = [];

  function newProducer(group: string, checkTransaction: (message: ReceivedMessage) => TransactionState | Promise<TransactionState>, topics: string[] = []): TransactionProducer {
    const producer = new TransactionProducer({
      groupName: group,
      namesrvAddr: cluster.namesrvAddr,
      remoting: cluster.newRemotingClient(),
      ownsRemoting: true,
      log: () => undefined,
      checkTransaction,
      topics,
    });
    producers.push(producer);
    return producer;
  }

  const delivered = (topic: string): ReceivedMessage[] => queueMessages(cluster.broker, topic, 0);

  beforeAll(async () => {
    // Check open halves often and soon, so check-backs happen within the test.
    cluster = await startCluster(transport, { transactionCheckInterval: 300, transactionTimeOut: 500 });
  });

  afterEach(async () => {
    for (const producer of producers.splice(0)) await producer.close();
  });

  afterAll(async () => {
    await cluster.close();
  });

  it('commits: the half is held, then the message is delivered once the local transaction says COMMIT', async () => {
    const topic = uniqueName('PTxCommit');
    await cluster.createTopic(topic, 1);
    const producer = newProducer(uniqueName('PID_tx'), () => TransactionState.ROLLBACK);
    await producer.start();
    let halfWasHidden = false;
    const result = await producer.sendInTransaction({ topic, body: 'paid', keys: 'order-1' }, (message, half) => {
      // While the local transaction runs, the message is a half: stored, but not in its topic.
      const held = storedMessage(cluster.broker, half.offsetMsgId);
      halfWasHidden = held.topic === HALF_TOPIC && held.properties['REAL_TOPIC'] === topic && delivered(topic).length === 0;
      expect(message.body).toBe('paid');
      return TransactionState.COMMIT;
    });
    expect(halfWasHidden).toBe(true);
    expect(result).toMatchObject({ status: 'SEND_OK', transactionState: 'COMMIT', transactionId: result.msgId });
    const [message] = await waitFor('the committed message', () => (delivered(topic).length > 0 ? delivered(topic) : undefined));
    expect(message).toMatchObject({ msgId: result.msgId, keys: ['order-1'] });
    expect(message?.text()).toBe('paid');
  });

  it('rolls back: the message is never delivered', async () => {
    const topic = uniqueName('PTxRollback');
    await cluster.createTopic(topic, 1);
    const checked: string[] = [];
    const producer = newProducer(uniqueName('PID_tx'), (message) => {
      checked.push(message.msgId);
      return TransactionState.ROLLBACK;
    });
    await producer.start();
    const rolledBack = await producer.sendInTransaction({ topic, body: 'cancelled' }, () => TransactionState.ROLLBACK);
    expect(rolledBack.transactionState).toBe('ROLLBACK');
    // A committed one sent after it arrives; the rolled back one never does, and is never checked.
    const committed = await producer.sendInTransaction({ topic, body: 'kept' }, () => TransactionState.COMMIT);
    await waitFor('the committed message', () => delivered(topic).some((m) => m.msgId === committed.msgId));
    expect(delivered(topic).map((m) => m.text())).toEqual(['kept']);
    expect(checked).not.toContain(rolledBack.msgId);
  });

  it('UNKNOWN (or a throwing local transaction) is settled by the check callback', async () => {
    const topic = uniqueName('PTxUnknown');
    await cluster.createTopic(topic, 1);
    const checks: ReceivedMessage[] = [];
    const producer = newProducer(uniqueName('PID_tx'), (message) => {
      checks.push(message);
      return message.text() === 'commit me' ? TransactionState.COMMIT : TransactionState.ROLLBACK;
    });
    await producer.start();
    const unknown = await producer.sendInTransaction({ topic, body: 'commit me', tags: 'T' }, () => TransactionState.UNKNOWN);
    expect(unknown.transactionState).toBe('UNKNOWN');
    await expect(producer.sendInTransaction({ topic, body: 'roll me back' }, () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');

    await waitFor('the check-back of both halves', () => new Set(checks.map((m) => m.text())).size === 2);
    const [message] = await waitFor('the message committed by the check', () => (delivered(topic).length > 0 ? delivered(topic) : undefined));
    expect(message).toMatchObject({ msgId: unknown.msgId, tags: 'T' });
    // The check saw the message as it was sent: real topic, body, UNIQ_KEY and the producer group.
    const check = checks.find((m) => m.msgId === unknown.msgId)!;
    expect(check).toMatchObject({ topic, tags: 'T' });
    expect(check.properties['PGROUP']).toBe(producer.groupName);
    // The rolled back one stays out: only the committed one is delivered.
    expect(delivered(topic).map((m) => m.text())).toEqual(['commit me']);
  });

  it('a new producer of the group answers the check of a half the closed one left open', async () => {
    const topic = uniqueName('PTxRestart');
    await cluster.createTopic(topic, 1);
    const group = uniqueName('PID_tx');
    const first = newProducer(group, () => TransactionState.UNKNOWN);
    await first.start();
    const open = await first.sendInTransaction({ topic, body: 'survives a restart' }, () => TransactionState.UNKNOWN);
    await first.close();

    const answered: string[] = [];
    const second = newProducer(
      group,
      (message) => {
        answered.push(message.msgId);
        return TransactionState.COMMIT;
      },
      [topic],
    );
    await second.start();
    const [message] = await waitFor('the message committed by the new producer', () => (delivered(topic).length > 0 ? delivered(topic) : undefined));
    expect(message?.msgId).toBe(open.msgId);
    expect(message?.text()).toBe('survives a restart');
    expect(answered).toContain(open.msgId);
  });

  it('refuses a TransactionProducer without a check callback and delayed or ordered half messages', async () => {
    expect(() => new TransactionProducer({ groupName: 'G', namesrvAddr: cluster.namesrvAddr } as never)).toThrow(expect.objectContaining({ code: ClientErrorCode.INVALID_ARGUMENT }));
    const topic = uniqueName('PTxBad');
    await cluster.createTopic(topic, 1);
    const producer = newProducer(uniqueName('PID_tx'), () => TransactionState.ROLLBACK);
    await producer.start();
    await expect(producer.sendInTransaction({ topic, body: 'x', delayLevel: 1 }, () => TransactionState.COMMIT)).rejects.toMatchObject({ code: ClientErrorCode.INVALID_ARGUMENT });
    await expect(producer.sendInTransaction({ topic, body: 'x', shardingKey: 'k' }, () => TransactionState.COMMIT)).rejects.toMatchObject({ code: ClientErrorCode.INVALID_ARGUMENT });
  });
});
