// A restarted process answers the check-back of a transaction an earlier one left open: the first
// app sends a half message and stops before deciding; the second app's @TransactionCheck (with
// `topics`, so the broker knows the group before anything is sent) commits it, and its @Subscribe
// handler receives the message. Embedded (the broker restarts on the same data directory) and
// connected (the broker keeps running).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransactionState } from '@pulsejet/client';
import { injectable } from 'inversify';
import { PulsejetTransactions, Subscribe, TransactionCheck, startPulsejet, type Message } from '../src/index';
import { MODES, appContainer, startStandalone, unique, type Standalone } from './harness';

jest.setTimeout(90_000);

describe.each(MODES)('transaction check-back after a restart (%s)', (mode) => {
  let standalone: Standalone | undefined;
  let dataDir: string;

  beforeAll(async () => {
    if (mode === 'connected') standalone = await startStandalone();
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pulsejet-inversify-tx-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await standalone?.close();
  });

  it('commits the open transaction from the new process and delivers the message', async () => {
    const topic = unique('Payouts');
    const txGroup = unique('payouts-tx');
    const group = unique('payouts');
    await standalone?.createTopic(topic);

    // Process 1: sends the half message; its local transaction can't decide (UNKNOWN), then it stops.
    @injectable()
    class Before {
      @TransactionCheck({ group: txGroup, topics: [topic] })
      check(): TransactionState {
        return TransactionState.UNKNOWN;
      }
    }
    const first = appContainer(mode, standalone, dataDir);
    first.bind(Before).toSelf().inSingletonScope();
    const firstApp = await startPulsejet(first);
    const sent = await first.get(PulsejetTransactions).sendInTransaction(txGroup, { topic, body: { payout: 'p-1' } }, () => TransactionState.UNKNOWN);
    expect(sent.transactionState).toBe('UNKNOWN');
    await firstApp.close();

    // Process 2: knows the payout happened.
    const checked: string[] = [];
    const received: string[] = [];
    @injectable()
    class After {
      @TransactionCheck({ group: txGroup, topics: [topic] })
      check(msg: Message<{ payout: string }>): TransactionState {
        checked.push(msg.body.payout);
        return TransactionState.COMMIT;
      }

      @Subscribe({ topic, group, consumeFrom: 'first' })
      onPayout(msg: Message<{ payout: string }>): void {
        received.push(msg.body.payout);
      }
    }
    const second = appContainer(mode, standalone, dataDir);
    second.bind(After).toSelf().inSingletonScope();
    const secondApp = await startPulsejet(second);
    try {
      await secondApp.until.consumed(group, 1, 60_000);
      expect(received).toEqual(['p-1']);
      expect(checked).toContain('p-1');
    } finally {
      await secondApp.close();
    }
  });
});
