// A peer's server as a child process of this run: its own temp data directory, a free port on
// 127.0.0.1, started in the foreground (no daemonising, so the pid we hold is the server's) and
// stopped by that pid only, together with the processes it started itself (RabbitMQ's start script
// runs the Erlang VM, which runs erl_child_setup and inet_gethost in sessions of their own, so a
// process group would not hold them: their pids are read from /proc). Where util-linux's setpriv
// can, a server also gets SIGTERM from the kernel when this process dies, even by SIGKILL or
// Ctrl-C, so an interrupted run leaves nothing behind. Missing Debian packages are installed with
// apt-get when the CLI asks.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { sleep } from './measure';
import { processId, processTree, signalProcess, stillRunning } from './peers-bench-processes';
import type { ProcessId } from './peers-bench-processes';

const SEARCH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The executable's path, or undefined when neither PATH nor the usual system dirs have it. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(path.delimiter).filter((d) => d !== ''), ...SEARCH_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Installs the Debian packages whose executables are missing (apt-get, as root only); returns one
 * line per package saying what happened. Never throws: a peer that cannot be installed is reported
 * as unavailable by its target.
 */
export function installMissing(packages: readonly { executable: string; debianPackage: string }[], log: (line: string) => void): void {
  const missing = packages.filter((p) => findExecutable(p.executable) === undefined);
  if (missing.length === 0) return;
  const names = missing.map((p) => p.debianPackage);
  if (typeof process.getuid !== 'function' || process.getuid() !== 0 || findExecutable('apt-get') === undefined) {
    log(`not installing ${names.join(', ')}: apt-get needs root on Debian; those peers are skipped and reported as not run`);
    return;
  }
  log(`apt-get install -y ${names.join(' ')}`);
  const result = spawnSync('apt-get', ['install', '-y', ...names], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
  if (result.status !== 0) log(`apt-get install failed (status ${String(result.status)}): ${String(result.stderr).trim().split('\n').slice(-3).join(' / ')}`);
}

/** Every process the servers of this process were seen to be (root and descendants), for checks that none outlives its stop. */
const started = new Map<string, ProcessId>();

function remember(ids: readonly ProcessId[]): void {
  for (const id of ids) started.set(`${id.pid}/${id.startTime}`, id);
}

/** The processes every server started by this process consisted of, as far as they were seen. */
export function startedProcesses(): ProcessId[] {
  return [...started.values()];
}

/** Servers this process started and has not stopped: killed by pid if this process exits first (a crash must not orphan them). */
const running = new Set<ServerChild>();
let exitHookInstalled = false;

function track(server: ServerChild): void {
  running.add(server);
  server.child.once('exit', () => running.delete(server));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const tracked of running) {
      // Read the tree before the root dies: its orphans are re-parented and no longer found under it.
      const descendants = [...tracked.descendants, ...processTree(tracked.pid)];
      tracked.child.kill('SIGKILL');
      for (const descendant of descendants) signalProcess(descendant, 'SIGKILL');
    }
  });
}

let setpriv: { path: string | undefined } | undefined;

/** util-linux's setpriv when it can set the parent-death signal here (Linux only; checked once). */
function parentDeathSignaller(): string | undefined {
  if (setpriv === undefined) {
    const found = process.platform === 'linux' ? findExecutable('setpriv') : undefined;
    const usable = found !== undefined && String(spawnSync(found, ['--help'], { encoding: 'utf8', timeout: 10_000 }).stdout).includes('--pdeathsig');
    setpriv = { path: usable ? found : undefined };
  }
  return setpriv.path;
}

export interface SpawnSettings {
  /** The child's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The child's working directory (default: this process's). */
  cwd?: string;
}

export interface ServerChild {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The last stdout/stderr lines, for error messages. */
  output: string[];
  /** Processes the server started itself, as last seen (stopped with it). */
  descendants: ProcessId[];
}

/** Output lines kept per server (a chatty server must not grow this process's memory). */
const OUTPUT_LINES = 200;

/**
 * Spawns `executable args` and resolves once `ready()` resolves true (polled), failing with the
 * server's output when it exits first or the timeout passes.
 */
export async function startServer(
  name: string,
  executable: string,
  args: readonly string[],
  ready: () => Promise<boolean>,
  timeoutMs = 60_000,
  settings: SpawnSettings = {},
): Promise<ServerChild> {
  // setpriv sets the parent-death signal and then execs the server: the pid stays the server's.
  const signaller = parentDeathSignaller();
  const [command, commandArgs] = signaller ? [signaller, ['--pdeathsig', 'TERM', '--', executable, ...args]] : [executable, [...args]];
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: settings.env ?? process.env, cwd: settings.cwd });
  const output: string[] = [];
  const keep = (line: string): void => {
    output.push(line);
    if (output.length > OUTPUT_LINES) output.shift();
  };
  createInterface({ input: child.stdout! }).on('line', keep);
  createInterface({ input: child.stderr! }).on('line', keep);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  let failure: Error | undefined;
  void spawnError.then((error) => (failure = error));
  const server: ServerChild = { name, child, pid: child.pid ?? -1, output, descendants: [] };
  track(server);
  const root = child.pid === undefined ? undefined : processId(child.pid);
  if (root) remember([root]);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (failure) throw new Error(`${name} could not be started (${executable}): ${failure.message}`);
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (code ${String(child.exitCode)}) before it was ready:\n${output.slice(-20).join('\n')}`);
      if (await ready().catch(() => false)) {
        // Again now that it runs its own executable (the command it had at spawn was this process's).
        const itself = processId(server.pid);
        server.descendants = processTree(server.pid);
        remember([...(itself ? [itself] : []), ...server.descendants]);
        return server;
      }
      if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${output.slice(-20).join('\n')}`);
      await sleep(100);
    }
  } catch (error) {
    await stopServer(server);
    throw error;
  }
}

/**
 * SIGTERM to this child's pid only, SIGKILL after `timeoutMs`; then waits up to
 * `descendantsTimeoutMs` for the processes it started (seen when it became ready and now) to exit
 * with it, SIGKILLs by pid any that do not, and returns once they are gone.
 */
export async function stopServer(server: ServerChild, timeoutMs = 20_000, descendantsTimeoutMs = 10_000): Promise<void> {
  const { child } = server;
  const known = new Map<number, ProcessId>();
  for (const descendant of [...server.descendants, ...(child.pid === undefined ? [] : processTree(child.pid))]) known.set(descendant.pid, descendant);
  const descendants = [...known.values()];
  remember(descendants);
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      for (const descendant of descendants) signalProcess(descendant, 'SIGKILL');
    }, timeoutMs);
    await exited;
    clearTimeout(timer);
  }
  const deadline = Date.now() + descendantsTimeoutMs;
  while (descendants.some(stillRunning) && Date.now() < deadline) await sleep(50);
  for (const descendant of descendants.filter(stillRunning)) signalProcess(descendant, 'SIGKILL');
  // SIGKILL is not instant either: return once they are gone (or the kernel keeps them past reason).
  const killDeadline = Date.now() + KILL_WAIT_MS;
  while (descendants.some(stillRunning) && Date.now() < killDeadline) await sleep(20);
}

const KILL_WAIT_MS = 5_000;
