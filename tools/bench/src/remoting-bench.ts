/**
 * The remoting benchmark (`npm run bench:remoting`): round trips per second over loopback TCP with
 * one request at a time and with 64 in flight, Pulsejet's transport beside a bare Node echo measured
 * in the same run. Prints a markdown report and rewrites the remoting section of docs/benchmarks.md.
 * `--help` lists the flags.
 */
import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import { writeSection } from './docs-section';
import { RemotingUsageError, parseRemotingArgs } from './remoting-bench-config';
import { evaluateRemotingTarget, renderRemotingSection } from './remoting-bench-report';
import { runRemotingBench } from './remoting-bench-run';

const REMOTING_SECTION = 'remoting';

async function main(): Promise<void> {
  const cli = parseRemotingArgs(process.argv.slice(2));
  const results = await runRemotingBench(cli.config, (line) => process.stderr.write(`${line}\n`));
  const section = renderRemotingSection(results, evaluateRemotingTarget(results));
  process.stdout.write(`\n${section}\n`);
  if (cli.out) {
    writeSection(cli.out, REMOTING_SECTION, section);
    process.stderr.write(`\nwrote the remoting section of ${path.relative(REPO_ROOT, cli.out)}\n`);
  }
}

main().catch((error: unknown) => {
  const usage = error instanceof RemotingUsageError;
  process.stderr.write(`${usage ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = usage && error.help ? 0 : 1;
});
