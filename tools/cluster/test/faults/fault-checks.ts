// What each mode promises under a master crash (docs/cluster-modes.md), as checks on a fault run's
// result: a list of broken promises, empty when the run kept them. Shared by the Jest run and
// `npm run test:faults`.
import type { FaultResult } from './fault-scenario';

export function brokenPromises(result: FaultResult): string[] {
  const broken: string[] = [];
  const m = result.metrics;
  const name = `${result.mode} (${result.flush}${result.wipeStore ? ', store deleted' : ''})`;
  const multiMaster = result.mode !== '1m';
  const slave = result.mode === '2m-2s-async' || result.mode === '2m-2s-sync';
  // Loss: 0 with SYNC_FLUSH after a restart (the store has what it acknowledged), and 0 with sync
  // replication even without the master's store (the slave had every acknowledged message). Async
  // replication may lose the tail not yet on the slave only when the store is lost; it is measured.
  const mustNotLose = result.flush === 'SYNC_FLUSH' || result.mode === '2m-2s-sync';
  if (mustNotLose && m.lost.length > 0) broken.push(`${name}: ${m.lost.length} acknowledged messages never delivered (e.g. ${m.lost.slice(0, 3).join(', ')})`);
  if (m.acked === 0) broken.push(`${name}: nothing was acknowledged`);
  if (multiMaster && m.ackedByOthersWhileDown === 0) broken.push(`${name}: no send succeeded on the surviving master while broker-a was down`);
  if (slave && result.slaveReads && result.slaveReads.of > 0 && result.slaveReads.received === 0) {
    broken.push(`${name}: a new consumer group read none of broker-a's ${result.slaveReads.of} earlier messages from its slave while the master was down`);
  }
  if (m.duplicatesAfterReturn > result.duplicateBound) broken.push(`${name}: ${m.duplicatesAfterReturn} messages re-delivered after the return, above the bound ${result.duplicateBound}`);
  if (mustNotLose && !result.converged) broken.push(`${name}: not every acknowledged message was delivered after the restart`);
  return broken;
}
