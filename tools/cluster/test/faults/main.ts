// `npm run test:faults`: the long fault runs, one per mode (1m and 2m with SYNC_FLUSH; 2m-2s-async and
// 2m-2s-sync as shipped, each also with the killed master's store deleted), each checked against
// what its mode promises; the results table goes to docs/cluster-modes.md. Exits 1 when a promise
// is broken (the table is written anyway: it is the evidence).
//   --modes 2m,2m-2s-sync   only these modes     --no-docs   print the table, leave the docs alone
//   --keep                  keep each run's directory (confs, stores, logs) for inspection
import { resolve } from 'node:path';
import { isClusterMode, type ClusterMode } from '../../src/modes';
import { brokenPromises } from './fault-checks';
import { resultsSection, writeResults } from './fault-report';
import { runFaultScenario, type FaultResult, type FaultScenarioOptions } from './fault-scenario';

const REPO_ROOT = resolve(__dirname, '../../../..');

type Variant = Pick<FaultScenarioOptions, 'mode' | 'syncFlush' | 'wipeStore'>;

export const LONG_VARIANTS: readonly Variant[] = [
  { mode: '1m', syncFlush: true },
  { mode: '2m', syncFlush: true },
  { mode: '2m-2s-async' },
  // Async replication loses only what the slave had not copied when the master's store is gone too.
  { mode: '2m-2s-async', wipeStore: true },
  { mode: '2m-2s-sync' },
  { mode: '2m-2s-sync', wipeStore: true },
];

const LONG_TIMINGS = { beforeKillMs: 10_000, downMs: 15_000, afterReturnMs: 10_000, convergeTimeoutMs: 90_000 } as const;

async function main(argv: readonly string[]): Promise<number> {
  const modesArg = argv.find((arg) => arg.startsWith('--modes='))?.slice('--modes='.length) ?? argv[argv.indexOf('--modes') + 1];
  const modes = argv.includes('--modes') || modesArg !== undefined ? (modesArg ?? '').split(',') : undefined;
  if (modes?.some((mode) => !isClusterMode(mode))) {
    process.stderr.write(`test:faults: --modes takes a comma-separated list of 1m, 2m, 2m-2s-async, 2m-2s-sync; got ${String(modesArg)}\n`);
    return 2;
  }
  const variants = LONG_VARIANTS.filter((variant) => modes === undefined || modes.includes(variant.mode as ClusterMode));
  const log = (line: string): void => void process.stdout.write(`faults: ${line}\n`);
  const results: FaultResult[] = [];
  const broken: string[] = [];
  for (const variant of variants) {
    const result = await runFaultScenario({ ...variant, ...LONG_TIMINGS, repoRoot: REPO_ROOT, keepDir: argv.includes('--keep'), log });
    results.push(result);
    broken.push(...brokenPromises(result));
    log(JSON.stringify({ ...result, metrics: { ...result.metrics, lost: result.metrics.lost.length } }));
  }
  const context =
    `Measured by \`npm run test:faults\` on ${new Date().toISOString().slice(0, 10)} (all processes on one machine, loopback). ` +
    `Per run: 3 send loops (10 ms pause) for ${LONG_TIMINGS.beforeKillMs / 1000} s, SIGKILL of broker-a's master, restart ${LONG_TIMINGS.downMs / 1000} s after the kill ` +
    `with the same conf, ${LONG_TIMINGS.afterReturnMs / 1000} s more sending, then up to ${LONG_TIMINGS.convergeTimeoutMs / 1000} s for every acknowledged message to be delivered. ` +
    'Every conf gets registerNameServerPeriod=2000 and slaveSynchronizeInterval=2000; 1m and 2m run with flushDiskType=SYNC_FLUSH (their shipped confs say ASYNC_FLUSH). ' +
    '"Acknowledged" is any send() that resolved (its status, when not SEND_OK, is listed); "lost" is acknowledged and never delivered to the consumer group. ' +
    'Error window: first to last send() that failed after its retries (attempts that failed and were retried are counted apart). ' +
    'Gap: the longest time the group received nothing between the kill and the return; with a slave, a second group started right after the kill ' +
    'from the first offset, and how many of broker-a\'s messages acknowledged before the kill it read (from the slave) before the return. ' +
    'Duplicates: messages delivered before the return and again after it (bound: see duplicateBound in fault-scenario.ts). ' +
    'Converged: every acknowledged message delivered, and how long after sending stopped; "acked by restarted broker-a" counts sends of a producer ' +
    'started after the return (the long-lived one avoids broker-a for 10 minutes after its failed attempts, as Java\'s latency fault tolerance does).';
  const section = resultsSection(results, context);
  if (argv.includes('--no-docs')) process.stdout.write(`${section}\n`);
  else {
    writeResults(resolve(REPO_ROOT, 'docs/cluster-modes.md'), section);
    log('wrote docs/cluster-modes.md');
  }
  for (const line of broken) process.stderr.write(`test:faults: BROKEN ${line}\n`);
  return broken.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`test:faults: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
