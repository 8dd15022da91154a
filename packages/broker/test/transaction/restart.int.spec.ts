// Transactions across an in-process broker restart: the controller is closed and a new one opened on
// the same store directory (a new port); producers reconnect and heartbeat. Open halves are checked
// again, settled ones never come back, check counts carry over.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResponseCode, decodeStoredRecord, type RemotingCommand } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { BrokerController, TRANS_CHECK_MAX_TIME_TOPIC } from '../../src/index';
import { TIMEOUT_MS, testBrokerOptions, uniqueTopic } from '../helpers';
import { TestTxProducer, endTransaction, halfRefOf, halfSend, pullAll, waitFor, witnessCheckRounds, type HalfRef } from './tx-helpers';

jest.setTimeout(60_000);

const CHECK_MAX = 4;

interface Running {
  broker: BrokerController;
  client: TcpRemotingClient;
  send(command: RemotingCommand): Promise<RemotingCommand>;
  close(): Promise<void>;
}

async function open(dir: string): Promise<Running> {
  const broker = new BrokerController(
    testBrokerOptions(dir, {
      transactionCheckInterval: 200,
      transactionTimeOut: 300,
      transactionCheckMax: CHECK_MAX,
    }),
  );
  await broker.start();
  const client = new TcpRemotingClient();
  return {
    broker,
    client,
    send: (command) => client.request(broker.brokerAddr, command, TIMEOUT_MS),
    close: async () => {
      await client.close();
      await broker.close();
    },
  };
}

function settled(r: Running, ref: HalfRef): boolean {
  const metadata = r.broker.store.metadata;
  const progress = metadata.getTransactionState('progress')?.['offset'];
  return metadata.getTransactionState(`op:${ref.tranStateTableOffset}`) !== undefined || (typeof progress === 'number' && progress > ref.tranStateTableOffset);
}

describe('transactions across a broker restart', () => {
  let dir: string;
  const cleanup: Array<() => Promise<void>> = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulsejet-tx-restart-'));
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  const track = <T extends { close(): Promise<void> }>(value: T): T => {
    cleanup.push(() => value.close());
    return value;
  };

  it('checks an open half again after the restart and delivers it once when the producer commits', async () => {
    const topic = uniqueTopic('TxRestartOpen');
    const first = track(await open(dir));
    const ref = halfRefOf(await first.send(halfSend(topic, 'r1', 'PID_restart_open')), 'PID_restart_open', 'UNIQ-r1');
    await first.close();

    const second = track(await open(dir));
    const producer = track(new TestTxProducer(second.broker.brokerAddr, 'PID_restart_open', 'commit'));
    await producer.heartbeat();
    await waitFor(async () => ((await pullAll(second.send, topic)).length > 0 ? true : undefined), 'the half committed after the restart');
    expect(producer.checksOf(ref).length).toBeGreaterThan(0);
    await waitFor(() => (settled(second, ref) ? true : undefined), 'the commit to be recorded');
    await witnessCheckRounds(second.broker.brokerAddr, second.send, uniqueTopic('TxProbe'), 2);
    expect((await pullAll(second.send, topic)).map((m) => m.body.toString())).toEqual(['r1']);
  });

  it('never delivers again a half committed before the restart, and keeps a rolled-back one rolled back', async () => {
    const committedTopic = uniqueTopic('TxRestartCommitted');
    const rolledBackTopic = uniqueTopic('TxRestartRolledBack');
    const group = 'PID_restart_settled';
    const first = track(await open(dir));
    const committed = halfRefOf(await first.send(halfSend(committedTopic, 's1', group)), group, 'UNIQ-s1');
    const rolledBack = halfRefOf(await first.send(halfSend(rolledBackTopic, 's2', group)), group, 'UNIQ-s2');
    expect((await first.send(endTransaction(committed, 'commit'))).code).toBe(ResponseCode.SUCCESS);
    expect((await first.send(endTransaction(rolledBack, 'rollback'))).code).toBe(ResponseCode.SUCCESS);
    await first.close();

    const second = track(await open(dir));
    // A producer that would commit anything it is asked about: it must not be asked.
    const producer = track(new TestTxProducer(second.broker.brokerAddr, group, 'commit'));
    await producer.heartbeat();
    await witnessCheckRounds(second.broker.brokerAddr, second.send, uniqueTopic('TxProbe'), 2);
    expect(producer.checks).toEqual([]);
    expect((await pullAll(second.send, committedTopic)).map((m) => m.body.toString())).toEqual(['s1']);
    expect(await pullAll(second.send, rolledBackTopic)).toEqual([]);
    const again = await second.send(endTransaction(rolledBack, 'commit'));
    expect(again.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(await pullAll(second.send, rolledBackTopic)).toEqual([]);
  });

  it('carries check counts over the restart, so transactionCheckMax counts checks before and after it', async () => {
    const topic = uniqueTopic('TxRestartCount');
    const group = 'PID_restart_silent';
    const first = track(await open(dir));
    const before = track(new TestTxProducer(first.broker.brokerAddr, group));
    await before.heartbeat();
    const ref = halfRefOf(await first.send(halfSend(topic, 'n1', group)), group, 'UNIQ-n1');
    await waitFor(() => (before.checksOf(ref).length >= 2 ? true : undefined), 'two checks before the restart');
    await first.close();
    const timesBefore = before.checksOf(ref).map((check) => Number(check.message.properties['TRANSACTION_CHECK_TIMES']));

    const second = track(await open(dir));
    const after = track(new TestTxProducer(second.broker.brokerAddr, group));
    await after.heartbeat();
    await waitFor(() => (settled(second, ref) ? true : undefined), 'the half to be discarded after the restart');
    const timesAfter = after.checksOf(ref).map((check) => Number(check.message.properties['TRANSACTION_CHECK_TIMES']));
    expect(Math.min(...timesAfter)).toBeGreaterThan(Math.max(...timesBefore));
    expect(Math.max(...timesBefore, ...timesAfter)).toBeLessThanOrEqual(CHECK_MAX);
    expect(timesBefore.length + timesAfter.length).toBeLessThanOrEqual(CHECK_MAX);
    const kept = second.broker.store
      .getMessage(TRANS_CHECK_MAX_TIME_TOPIC, 0, 0)
      .messages.map((record) => decodeStoredRecord(record))
      .find((message) => message.properties['UNIQ_KEY'] === 'UNIQ-n1');
    expect(kept?.properties['TRANSACTION_CHECK_TIMES']).toBe(String(CHECK_MAX));
    expect(await pullAll(second.send, topic)).toEqual([]);
  });
});
