/**
 * The replication benchmark (`npm run bench:replication`): send throughput of async versus sync
 * replication (a master and its slave, each the broker app in a child process; 1 KiB, 256 in flight)
 * in one run, and the slave's replication lag under that load. Prints a markdown report and rewrites
 * the replication section of docs/benchmarks.md. `--help` lists the flags.
 */
import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import { writeSection } from './docs-section';
import { ReplicationUsageError, parseReplicationArgs } from './replication-bench-config';
import { evaluateReplicationTargets, renderReplicationSection } from './replication-bench-report';
import { runReplicationBench } from './replication-bench-run';

const REPLICATION_SECTION = 'replication';

async function main(): Promise<void> {
  const cli = parseReplicationArgs(process.argv.slice(2));
  const results = await runReplicationBench(cli.config, (line) => process.stderr.write(`${line}\n`));
  const section = renderReplicationSection(results, evaluateReplicationTargets(results));
  process.stdout.write(`\n${section}\n`);
  if (cli.out) {
    writeSection(cli.out, REPLICATION_SECTION, section);
    process.stderr.write(`\nwrote the replication section of ${path.relative(REPO_ROOT, cli.out)}\n`);
  }
}

main().catch((error: unknown) => {
  const usage = error instanceof ReplicationUsageError;
  process.stderr.write(`${usage ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = usage && error.help ? 0 : 1;
});
