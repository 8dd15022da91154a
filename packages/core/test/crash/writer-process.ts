// The parent's handle on one crash-writer child: spawns it under tsx, splits its stdout into lines
// (a line cut by the kill is dropped: it was never fully said), and lets the test wait for a line
// or for the exit, always with a timeout.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { parseWriterLine, type WriterConfig, type WriterLine } from './crash-protocol';

const WRITER = path.join(__dirname, 'crash-writer.ts');
/** The workspace root: `--import tsx` resolves tsx from the working directory's node_modules. */
const WORKSPACE_ROOT = path.resolve(__dirname, '../../../..');
/** Most stderr kept for failure messages. */
const STDERR_KEEP = 16 * 1024;

export interface WriterExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class WriterProcess {
  readonly lines: WriterLine[] = [];
  private readonly child: ChildProcess;
  private partial = '';
  private stderrText = '';
  /** A malformed line, or a failure to start the child: fails every wait. */
  private failure: Error | undefined;
  private exitInfo: WriterExit | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(dir: string, config: WriterConfig) {
    this.child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, JSON.stringify(config)], {
      cwd: WORKSPACE_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderrText = (this.stderrText + chunk).slice(-STDERR_KEEP);
    });
    this.child.once('error', (error) => {
      this.failure ??= new Error(`crash writer could not be started or killed: ${error.message}`);
      this.notify();
    });
    // 'close' comes after the exit AND the end of both pipes: every complete line has been read.
    this.child.once('close', (code, signal) => {
      this.exitInfo = { code, signal };
      this.notify();
    });
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** True until the child has exited and its pipes are drained. */
  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** Waits for the first line matching `predicate` (lines already received count). */
  async waitForLine<L extends WriterLine>(what: string, predicate: (line: WriterLine) => line is L, timeoutMs: number): Promise<L> {
    let found: L | undefined;
    await this.waitUntil(what, timeoutMs, () => {
      found = this.lines.find(predicate);
      return found !== undefined;
    });
    return found!;
  }

  /** Kills the child with SIGKILL (no-op once it has exited). */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** Waits for the exit and the end of its output. */
  async waitForClose(timeoutMs: number): Promise<WriterExit> {
    await this.waitUntil('the writer to exit', timeoutMs, () => this.exitInfo !== undefined);
    return this.exitInfo!;
  }

  private waitUntil(what: string, timeoutMs: number, condition: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.failure) return finish(this.failure);
        if (condition()) return finish();
        if (this.exitInfo !== undefined) {
          return finish(new Error(`crash writer exited (code ${this.exitInfo.code}, signal ${this.exitInfo.signal}) before ${what}; stderr:\n${this.stderrText}`));
        }
      };
      const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr:\n${this.stderrText}`)), timeoutMs);
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.listeners.add(check);
      check();
    });
  }

  private onStdout(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop()!;
    for (const part of parts) {
      if (part === '') continue;
      try {
        this.lines.push(parseWriterLine(part));
      } catch (error) {
        this.failure ??= new Error(`crash writer printed a malformed line (${String(error)}): ${part.slice(0, 200)}`);
      }
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
