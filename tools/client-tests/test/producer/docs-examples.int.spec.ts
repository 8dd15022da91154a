// The Producer examples of docs/client.md, run as written (over TCP, so namesrvAddr is all they need).
import { ClientError, ClientErrorCode, Producer, TransactionProducer, TransactionState } from '@pulsejet/client';
import { startCluster, uniqueName, type TestCluster } from '../cluster';
import { waitFor } from '../instance/wait-for';
import { queueMessages } from './stored';

jest.setTimeout(60_000);

describe('docs/client.md Producer examples', () => {
  let cluster: TestCluster;
  let namesrvAddr: string;

  beforeAll(async () => {
    // autoCreateTopicEnable off, so the errors example meets an unknown topic (with it on, the broker would create it).
    cluster = await startCluster('tcp', { transactionCheckInterval: 300, transactionTimeOut: 500, autoCreateTopicEnable: false });
    namesrvAddr = cluster.namesrvAddr;
    for (const topic of ['invoices', 'orders', 'reminders', 'payments']) await cluster.createTopic(topic, 4);
  });

  afterAll(async () => {
    await cluster.close();
  });

  it('send, sendOneway, sendBatch', async () => {
    const groupName = uniqueName('billing');
    // --- docs: basic ---
    const producer = new Producer({ groupName, namesrvAddr });
    await producer.start();

    const result = await producer.send({
      topic: 'invoices',
      tags: 'issued',
      keys: ['inv-1001'],
      properties: { tenant: 'acme' },
      body: { id: 'inv-1001', total: 42 }, // JSON; CONTENT_TYPE = application/json
    });
    // result: { status: 'SEND_OK', msgId, offsetMsgId, queue: { topic, brokerName, queueId }, queueOffset }

    await producer.sendOneway({ topic: 'invoices', body: 'fire and forget' });
    const batch = await producer.sendBatch([
      { topic: 'invoices', body: 'a' },
      { topic: 'invoices', body: 'b' },
    ]);

    await producer.close();
    // --- end ---
    expect(result.status).toBe('SEND_OK');
    expect(batch.msgIds).toHaveLength(2);
    const stored = queueMessages(cluster.broker, 'invoices', result.queue.queueId, result.queueOffset)[0]!;
    expect(stored).toMatchObject({ msgId: result.msgId, tags: 'issued', keys: ['inv-1001'] });
    expect(stored.json()).toEqual({ id: 'inv-1001', total: 42 });
  });

  it('ordered and delayed sends', async () => {
    const producer = new Producer({ groupName: uniqueName('shop'), namesrvAddr });
    await producer.start();
    const order = { id: 'o-17' };
    // --- docs: ordered ---
    // Every message with the same sharding key goes to the same queue while the route is stable.
    await producer.send({ topic: 'orders', shardingKey: order.id, body: { ...order, step: 'created' } });
    await producer.send({ topic: 'orders', shardingKey: order.id, body: { ...order, step: 'paid' } });
    // Or pick the queue yourself:
    await producer.send({ topic: 'orders', body: 'to queue 0' }, { selector: (queues) => queues[0]! });
    // --- docs: delayed ---
    await producer.send({ topic: 'reminders', body: 'in 10 s', delayLevel: 3 }); // levels: 1s 5s 10s 30s 1m ...
    await producer.send({ topic: 'reminders', body: 'at a time', deliverAt: new Date(Date.now() + 60_000) });
    await producer.send({ topic: 'reminders', body: 'in 90 s', delayMs: 90_000 });
    // --- end ---
    await producer.close();
    const queues = [0, 1, 2, 3].map((q) => queueMessages(cluster.broker, 'orders', q).filter((m) => m.properties['__SHARDINGKEY'] === 'o-17'));
    expect(queues.filter((q) => q.length > 0)).toHaveLength(1);
    expect(queues.flat().map((m) => (m.json() as { step: string }).step)).toEqual(['created', 'paid']);
  });

  it('transactions', async () => {
    const db = new Map<string, 'done' | 'failed'>();
    const savePayment = async (id: string, _msgId: string): Promise<void> => {
      db.set(id, 'done');
    };
    const producer = new TransactionProducer({
      groupName: uniqueName('payments'),
      namesrvAddr,
      topics: ['payments'], // brokers learn this group at start, so open transactions are checked back here
      // --- docs: transaction check ---
      // The broker asks about halves whose outcome is still open (UNKNOWN, a crash, a lost END_TRANSACTION).
      checkTransaction: async (message) => {
        const state = db.get(message.keys[0]!);
        return state === 'done' ? TransactionState.COMMIT : state === 'failed' ? TransactionState.ROLLBACK : TransactionState.UNKNOWN;
      },
    });
    await producer.start();
    // --- docs: transaction send ---
    const result = await producer.sendInTransaction({ topic: 'payments', keys: 'pay-1', body: { amount: 10 } }, async (message, half) => {
      await savePayment(String(message.keys), half.msgId); // your local transaction
      return TransactionState.COMMIT; // or ROLLBACK, or UNKNOWN to decide later in checkTransaction
    });
    // --- end ---
    expect(result.transactionState).toBe('COMMIT');
    await waitFor('the committed payment', () => [0, 1, 2, 3].some((q) => queueMessages(cluster.broker, 'payments', q).some((m) => m.msgId === result.msgId)));
    await producer.close();
  });

  it('errors', async () => {
    const producer = new Producer({ groupName: uniqueName('errors'), namesrvAddr, sendTimeoutMs: 5000 });
    await producer.start();
    let code: string | undefined;
    // --- docs: errors ---
    try {
      await producer.send({ topic: 'no-such-topic', body: 'x' }); // NO_ROUTE when no broker auto-creates topics
    } catch (error) {
      if (ClientError.is(error)) {
        // error.code: INVALID_ARGUMENT | NOT_RUNNING | NO_ROUTE | BROKER_ERROR | SEND_FAILED | TIMEOUT | BROKER_UNREACHABLE
        // error.responseCode: the broker's code for BROKER_ERROR; error.retriable: worth trying again later
        code = error.code;
      } else throw error;
    }
    // --- end ---
    await producer.close();
    expect(code).toBe(ClientErrorCode.NO_ROUTE);
  });
});
