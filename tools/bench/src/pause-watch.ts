// What the machine did to an idle bystander during a measured window: the longest time its 20 ms
// timer fired late, and the CPU time the hypervisor stole from the VM (./pause-watch-child.cjs).
// Why: end-to-end rows at 5,000 msg/s put one message in 100 above p99, so a single stall of
// 100 ms moves p99 by that much. Runs of bench:client saw such stalls with no cause in the bench
// process; an idle process beside it saw a 242 ms stall with 120 ms of steal time while the bench
// ran. A report that says what the bystander saw tells a host pause from a stall of our own.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';

/** The messages to and from the child (which, being plain JavaScript, cannot import these). */
export interface PauseWatchRequest {
  id: number;
  /** Date.now() bounds of the window. */
  from: number;
  to: number;
}

export interface PauseWatchReply {
  id: number;
  longestLagMs: number;
  stealMs: number;
}

/** What the bystander saw in one window. */
export interface PauseStats {
  /** The longest time its timer fired late, ms (0 when never more than 5 ms). */
  longestLagMs: number;
  /** CPU time the hypervisor took from the VM's cores, ms (all cores summed; 0 outside a VM). */
  stealMs: number;
}

const CHILD_SCRIPT = path.join(__dirname, 'pause-watch-child.cjs');
const START_TIMEOUT_MS = 30_000;
const REPLY_TIMEOUT_MS = 5_000;

export class PauseWatch {
  private lastId = 0;
  private readonly waiting = new Map<number, (reply: PauseWatchReply) => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: PauseWatchReply) => {
      const resolve = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      resolve?.(reply);
    });
  }

  /** Starts the bystander process and waits until it ticks. */
  static async start(): Promise<PauseWatch> {
    // No tsx and no inherited flags: the child is plain JavaScript (see there why).
    const child = fork(CHILD_SCRIPT, [], { cwd: REPO_ROOT, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`the pause watcher did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        child.kill();
        reject(error);
      };
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => fail(new Error(`the pause watcher exited (code ${String(code)}) before it started`)));
    });
    child.removeAllListeners('exit');
    return new PauseWatch(child);
  }

  /** What the bystander saw between two Date.now() instants; undefined if it is gone or does not answer. */
  window(from: number, to: number): Promise<PauseStats | undefined> {
    if (!this.child.connected) return Promise.resolve(undefined);
    const id = ++this.lastId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, REPLY_TIMEOUT_MS);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        resolve({ longestLagMs: reply.longestLagMs, stealMs: reply.stealMs });
      });
      const request: PauseWatchRequest = { id, from, to };
      this.child.send(request);
    });
  }

  /** The bystander's process id (tests stop it to make a stall). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  close(): void {
    this.child.kill();
  }
}

/**
 * Runs `measure` with a bystander watching, started for it and stopped after: an idle process still
 * costs a little CPU on this VM (each timer wake-up ~0.1 ms), so it watches the latency rows only.
 */
export async function withPauseWatch<T>(measure: (watch: PauseWatch) => Promise<T>): Promise<T> {
  const watch = await PauseWatch.start();
  try {
    return await measure(watch);
  } finally {
    watch.close();
  }
}

/** Date.now() time of a performance.now() reading of this process. */
export function epochOf(performanceNow: number): number {
  return performance.timeOrigin + performanceNow;
}

/** The sentence a report puts beside a latency table that has the bystander's column. */
export const PAUSE_COLUMN_NOTE =
  'The last column is what an idle process beside the bench saw from the start of the window until the last message arrived: ' +
  'the longest time its 20 ms timer fired late, and the CPU time the hypervisor stole from the VM (steal time, all cores summed). ' +
  'A stall there as long as the row\'s max latency means the machine, not the code measured, held the messages.';

/** "242 ms / 120 ms"; "≤ 5 ms" when the timer was never more than 5 ms late; "—" without a watcher. */
export function formatPauses(pauses: PauseStats | undefined): string {
  if (pauses === undefined) return '—';
  const lag = pauses.longestLagMs > 0 ? `${Math.round(pauses.longestLagMs)} ms` : '≤ 5 ms';
  return `${lag} / ${Math.round(pauses.stealMs)} ms`;
}
