/**
 * The peers benchmark (`npm run bench:peers`): Pulsejet (embedded, standalone ASYNC_FLUSH and
 * SYNC_FLUSH, master + sync slave) against Redis Streams (appendfsync everysec / always), NATS
 * JetStream (file storage) and RabbitMQ (classic and quorum queues, publisher confirms) in one run
 * on one machine with the same scenarios. Installs missing peer servers with
 * apt-get (as root), prints a markdown report and rewrites the peers section of docs/benchmarks.md
 * and the plot beside it. `--help` lists the flags.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import { writeSection } from './docs-section';
import { PeersUsageError, parsePeersArgs } from './peers-bench-config';
import { renderPeersSvg } from './peers-bench-plot';
import { PEERS_PLOT_FILE, PEERS_SECTION, renderPeersSection } from './peers-bench-report';
import { runPeersBench } from './peers-bench-run';
import { installMissing } from './peers-bench-server';
import { PEER_PACKAGES } from './peers-bench-targets';

async function main(): Promise<void> {
  const cli = parsePeersArgs(process.argv.slice(2));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  if (cli.config.install) installMissing(PEER_PACKAGES, log);
  const results = await runPeersBench(cli.config, log);
  const section = renderPeersSection(results, cli.out ? PEERS_PLOT_FILE : undefined);
  process.stdout.write(`\n${section}\n`);
  if (cli.out) {
    fs.writeFileSync(path.join(path.dirname(cli.out), PEERS_PLOT_FILE), renderPeersSvg(results));
    writeSection(cli.out, PEERS_SECTION, section);
    log(`\nwrote the peers section of ${path.relative(REPO_ROOT, cli.out)} and ${PEERS_PLOT_FILE} beside it`);
  }
}

main().catch((error: unknown) => {
  const usage = error instanceof PeersUsageError;
  process.stderr.write(`${usage ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = usage && error.help ? 0 : 1;
});
