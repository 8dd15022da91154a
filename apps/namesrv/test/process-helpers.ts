// Starting apps/namesrv as a child process (`node --import tsx apps/namesrv/src/main.ts`) on a free
// 127.0.0.1 port, reading its pino lines, and stopping it. Every wait has a timeout.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface NamesrvProcess {
  child: ChildProcess;
  address: string;
  port: number;
  /** Parsed pino lines seen on stdout so far. */
  lines: Record<string, unknown>[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port that was free a moment ago (listen on 0, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startNamesrvProcess(port: number, args: string[] = [], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<NamesrvProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/namesrv/src/main.ts', '--port', String(port), '--host', '127.0.0.1', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`namesrv on port ${port} did not boot within ${timeoutMs} ms; stderr: ${stderr.join('')}`)), timeoutMs);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`namesrv exited with ${code} before booting; stderr: ${stderr.join('')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        parsed = { msg: line };
      }
      lines.push(parsed);
      if (typeof parsed['address'] === 'string' && String(parsed['msg']).includes('boot success')) {
        clearTimeout(timer);
        resolve(parsed['address']);
      }
    });
  });
  return { child, address, port, lines, stderr, exited };
}

/** Sends `signal` and waits for the exit. */
export async function stopNamesrvProcess(ns: NamesrvProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (ns.child.exitCode === null && ns.child.signalCode === null) ns.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`namesrv did not exit within ${timeoutMs} ms of ${signal}`)), timeoutMs);
  });
  try {
    return await Promise.race([ns.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
