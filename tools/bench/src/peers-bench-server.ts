// A peer's server as a child process of this run: its own temp data directory, a free port on
// 127.0.0.1, started in the foreground (no daemonising, so the pid we hold is the server's) and
// stopped by that pid only. Missing Debian packages are installed with apt-get when the CLI asks.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { sleep } from './measure';

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

/** Servers this process started and has not stopped: killed by pid if this process exits first (a crash must not orphan them). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const server of running) server.kill('SIGKILL');
  });
}

export interface ServerChild {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Every stdout/stderr line so far, for error messages. */
  output: string[];
}

/**
 * Spawns `executable args` and resolves once `ready()` resolves true (polled), failing with the
 * server's output when it exits first or the timeout passes.
 */
export async function startServer(name: string, executable: string, args: readonly string[], ready: () => Promise<boolean>, timeoutMs = 60_000): Promise<ServerChild> {
  const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  const output: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => output.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  let failure: Error | undefined;
  void spawnError.then((error) => (failure = error));
  const server: ServerChild = { name, child, pid: child.pid ?? -1, output };
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (failure) throw new Error(`${name} could not be started (${executable}): ${failure.message}`);
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (code ${String(child.exitCode)}) before it was ready:\n${output.slice(-20).join('\n')}`);
      if (await ready().catch(() => false)) return server;
      if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${output.slice(-20).join('\n')}`);
      await sleep(100);
    }
  } catch (error) {
    await stopServer(server);
    throw error;
  }
}

/** SIGTERM to this child's pid only, SIGKILL after `timeoutMs`. */
export async function stopServer(server: ServerChild, timeoutMs = 20_000): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
