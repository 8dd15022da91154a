/**
 * The broker benchmark (`npm run bench:broker`): the broker app in a child process, this process as
 * producer and consumer on loopback. Send throughput (128 B and 1 KiB, 1 and 256 in flight, batches,
 * ASYNC_FLUSH and SYNC_FLUSH), consume throughput with long polling, end-to-end latency at a fixed
 * rate, and a CPU profile of the broker. Prints a markdown report and rewrites the broker section of
 * docs/benchmarks.md. `--help` lists the flags.
 */
import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import { BrokerUsageError, parseBrokerArgs } from './broker-bench-config';
import { evaluateBrokerTargets, renderBrokerSection } from './broker-bench-report';
import { runBrokerBench } from './broker-bench-run';
import { writeSection } from './docs-section';

const BROKER_SECTION = 'broker';

async function main(): Promise<void> {
  const cli = parseBrokerArgs(process.argv.slice(2));
  const results = await runBrokerBench(cli.config, (line) => process.stderr.write(`${line}\n`));
  const section = renderBrokerSection(results, evaluateBrokerTargets(results));
  process.stdout.write(`\n${section}\n`);
  if (cli.out) {
    writeSection(cli.out, BROKER_SECTION, section);
    process.stderr.write(`\nwrote the broker section of ${path.relative(REPO_ROOT, cli.out)}\n`);
  }
}

main().catch((error: unknown) => {
  const usage = error instanceof BrokerUsageError;
  process.stderr.write(`${usage ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = usage && error.help ? 0 : 1;
});
