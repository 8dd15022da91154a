// Child processes for the example's e2e test: `node --import tsx <entry>` with the example's
// tsconfig (esbuild needs experimentalDecorators from it), stdout collected as lines. Every wait
// has a timeout. (apps may not import each other, so this mirrors apps/broker/test/process-helpers.)
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const EXAMPLE_MAIN = 'apps/example/src/main.ts';
export const BROKER_START = 'apps/broker/src/start.ts';

export interface AppProcess {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnApp(entry: string, args: string[], env: Record<string, string> = {}): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TSX_TSCONFIG_PATH: 'apps/example/tsconfig.json', ...env },
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  return { child, lines, stderr, exited };
}

/** Waits until `condition` holds over the process's lines; fails early if it exits. */
export async function waitForLines(app: AppProcess, condition: (lines: readonly string[]) => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition(app.lines)) return;
    if (app.child.exitCode !== null) throw new Error(`process exited with ${app.child.exitCode} before ${what}; stdout: ${app.lines.join('\n')} stderr: ${app.stderr.join('')}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stdout: ${app.lines.join('\n')} stderr: ${app.stderr.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function waitForLine(app: AppProcess, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  let match: RegExpMatchArray | null = null;
  await waitForLines(app, (lines) => lines.some((line) => (match = pattern.exec(line)) !== null), `a line matching ${pattern}`, timeoutMs);
  return match!;
}

export async function stopApp(app: AppProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms of ${signal}`)), timeoutMs);
  });
  try {
    return await Promise.race([app.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
