/**
 * The store benchmark (`npm run bench:store`): ASYNC_FLUSH and SYNC_FLUSH puts, sequential reads and
 * recovery after a kill, beside this machine's raw disk figures from the same run. Prints a markdown
 * report and rewrites the store section of docs/benchmarks.md. `--help` lists the flags.
 */
import * as path from 'node:path';
import { REPO_ROOT, UsageError, parseArgs } from './bench-config';
import { writeSection } from './docs-section';
import { renderStoreSection } from './report';
import { runStoreBench } from './run-store-bench';
import { evaluateTargets } from './targets';

const STORE_SECTION = 'store';

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  const results = await runStoreBench(cli.config, (line) => process.stderr.write(`${line}\n`));
  const checks = evaluateTargets(results);
  const section = renderStoreSection(results, checks);
  process.stdout.write(`\n${section}\n`);
  if (cli.out) {
    writeSection(cli.out, STORE_SECTION, section);
    process.stderr.write(`\nwrote the store section of ${path.relative(REPO_ROOT, cli.out)}\n`);
  }
}

main().catch((error: unknown) => {
  const usage = error instanceof UsageError;
  process.stderr.write(`${usage ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = usage && error.help ? 0 : 1;
});
