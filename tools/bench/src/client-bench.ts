/**
 * The client benchmark (`npm run bench:client`): produce and consume throughput and end-to-end
 * latency through @pulsejet/client's public API beside the same loads over the raw remoting
 * protocol, in one run, over TCP (broker app child process) and embedded (in-process transport).
 * Prints a markdown report and rewrites the client section of docs/benchmarks.md. `--help` lists the flags.
 */
import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import { ClientUsageError, parseClientArgs } from './client-bench-config';
import { evaluateClientTargets, renderClientSection } from './client-bench-report';
import { runClientBench } from './client-bench-run';
import { writeSection } from './docs-section';

const CLIENT_SECTION = 'client';

async function main(): Promise<void> {
  const cli = parseClientArgs(process.argv.slice(2));
  const results = await runClientBench(cli.config, (line) => process.stderr.write(`${line}\n`));
  const section = renderClientSection(results, evaluateClientTargets(results));
  process.stdout.write(`\n${section}\n`);
  if (cli.out) {
    writeSection(cli.out, CLIENT_SECTION, section);
    process.stderr.write(`\nwrote the client section of ${path.relative(REPO_ROOT, cli.out)}\n`);
  }
}

main().catch((error: unknown) => {
  const usage = error instanceof ClientUsageError;
  process.stderr.write(`${usage ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = usage && error.help ? 0 : 1;
});
