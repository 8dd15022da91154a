// `npm run cluster -- --mode <1m|2m|2m-2s-async|2m-2s-sync> --dir <dir>`: a nameserver and the brokers
// of a cluster mode as separate processes on loopback (free ports), <dir>/cluster.json once all are
// up, in the foreground until SIGTERM/SIGINT, which stops every process it started.
import { resolve } from 'node:path';
import { launchCluster, type RunningCluster } from './launcher';
import { CLUSTER_MODES, isClusterMode, type ClusterMode } from './modes';

export const USAGE = `usage: npm run cluster -- --mode <${CLUSTER_MODES.join('|')}> --dir <dir> [--timeout <ms>] [--set key=value]...
  Starts a nameserver and the mode's brokers (apps/broker/conf/<mode>/*.conf with free ports) on
  127.0.0.1, writes <dir>/cluster.json and stays in the foreground; SIGTERM/SIGINT stop everything.
  --set key=value (repeatable) sets a broker.conf key in every generated conf, e.g. --set flushDiskType=SYNC_FLUSH.`;

export interface ClusterArgs {
  mode: ClusterMode;
  dir: string;
  timeoutMs: number | undefined;
  /** --set key=value pairs, applied to every broker's conf. */
  overrides: Record<string, string>;
}

export function parseClusterArgs(argv: readonly string[]): ClusterArgs | 'help' {
  let mode: string | undefined;
  let dir: string | undefined;
  let timeoutMs: number | undefined;
  const overrides: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new Error(`${name} needs a value`);
    if (name === '--mode') mode = value;
    else if (name === '--dir') dir = value;
    else if (name === '--timeout' && /^\d+$/.test(value)) timeoutMs = Number(value);
    else if (name === '--set' && /^[A-Za-z][\w.]*=./.test(value)) overrides[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
    else throw new Error(`unknown or invalid argument ${arg}`);
  }
  if (mode === undefined || !isClusterMode(mode)) throw new Error(`--mode must be one of ${CLUSTER_MODES.join(', ')}, got ${String(mode)}`);
  if (dir === undefined) throw new Error('--dir is required (confs, stores, logs and cluster.json go there)');
  return { mode, dir, timeoutMs, overrides };
}

async function main(): Promise<number> {
  let args: ClusterArgs | 'help';
  try {
    args = parseClusterArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`cluster: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = (message: string): void => void process.stdout.write(`cluster: ${message}\n`);
  let running: RunningCluster | undefined;
  let signalled: NodeJS.Signals | undefined;
  // A signal during start-up stops what has started once launchCluster returns or fails.
  const onSignal = (signal: NodeJS.Signals): void => {
    signalled = signal;
    if (running) void shutdown();
  };
  let done: (code: number) => void = () => undefined;
  const finished = new Promise<number>((ok) => (done = ok));
  const shutdown = async (): Promise<void> => {
    log(`${String(signalled)} received, stopping every process`);
    await running?.stop();
    log('stopped');
    done(0);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    running = await launchCluster({ mode: args.mode, dir: args.dir, repoRoot: resolve(__dirname, '../../..'), ...(args.timeoutMs ? { startTimeoutMs: args.timeoutMs } : {}), overrides: args.overrides, log });
  } catch (error) {
    process.stderr.write(`cluster: ${(error as Error).message}\n`);
    return 1;
  }
  log(`${args.mode} is up: ${resolve(args.dir, 'cluster.json')} (nameserver ${running.description.namesrv}); Ctrl-C stops it`);
  if (signalled) void shutdown();
  return finished;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`cluster: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
