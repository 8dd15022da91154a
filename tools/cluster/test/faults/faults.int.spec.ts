// The short fault runs of `npm test` (the long ones: `npm run test:faults`): real processes started by
// the launcher, broker-a's master SIGKILLed while producers send and a group consumes, then restarted
// from its conf. Each run must keep its mode's promises (fault-checks.ts): no acknowledged message
// lost, sends succeeding on broker-b meanwhile, every acknowledged message delivered after the
// restart, redeliveries after the return within the bound of duplicateBound.
import { resolve } from 'node:path';
import { brokenPromises } from './fault-checks';
import { resultRow } from './fault-report';
import { runFaultScenario } from './fault-scenario';

jest.setTimeout(600_000);

const REPO_ROOT = resolve(__dirname, '../../../..');
const SHORT = { beforeKillMs: 3000, downMs: 6000, afterReturnMs: 3000, convergeTimeoutMs: 90_000 } as const;
const log = (line: string): void => void process.stdout.write(`faults: ${line}\n`);

describe('a master killed with SIGKILL and restarted', () => {
  it('2m with SYNC_FLUSH: nothing acknowledged is lost, broker-b takes the sends, the restarted master serves again', async () => {
    const result = await runFaultScenario({ mode: '2m', syncFlush: true, ...SHORT, repoRoot: REPO_ROOT, log });
    log(resultRow(result));
    expect(brokenPromises(result)).toEqual([]);
    expect(result.flush).toBe('SYNC_FLUSH');
    expect(result.metrics.lost).toEqual([]);
    expect(result.metrics.ackedByOthersWhileDown).toBeGreaterThan(0);
    expect(result.converged).toBe(true);
  });

  it('2m-2s-sync with the master store deleted: every acknowledged message is still delivered, read from the slave', async () => {
    const result = await runFaultScenario({ mode: '2m-2s-sync', wipeStore: true, ...SHORT, repoRoot: REPO_ROOT, log });
    log(resultRow(result));
    for (const note of result.notes) log(`note: ${note}`);
    expect(brokenPromises(result)).toEqual([]);
    expect(result.metrics.lost).toEqual([]);
    expect(result.converged).toBe(true);
    // A group that started after the kill read broker-a's earlier messages from its slave.
    expect(result.slaveReads?.received).toBeGreaterThan(0);
  });
});
