import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecoveryReport } from '@pulsejet/core';
import { REPO_ROOT } from './bench-config';
import { cpuSnapshot, freshDirectory, otherCpuShare, processMemory, waitForQuietCpu } from './measure';
import type { ChildMessage, FilledMessage, RecoveredMessage } from './recovery-messages';

const CHILD_SCRIPT = path.join(__dirname, 'recovery-child.ts');
/** The store's checkpoint file (recovery/checkpoint.ts CHECKPOINT_FILE; not part of the public API). */
const CHECKPOINT_FILE = 'checkpoint';

export interface RecoveryOptions {
  logBytes: number;
  segmentBytes: number;
  writers: number;
  bodySize: number;
  /** Longest wait for a quiet CPU before the fill and before each open, ms (0: none). */
  quietWaitMs: number;
  /** Profile the recovering processes (node --cpu-prof) into this directory. */
  profileDir?: string | undefined;
}

export interface RecoveryMeasurement {
  /** Wall time of MessageStore.open in a fresh process, ms. */
  openMs: number;
  report: RecoveryReport;
  scannedBytes: number;
  messages: number;
  rss: number;
  peakRss: number;
  /** Share of the machine's CPU other processes used while the child started and opened the store. */
  otherCpuShare: number | undefined;
}

export interface RecoveryResult {
  options: RecoveryOptions;
  /** The writer that was killed: how far it got, and its memory just before SIGKILL. */
  fill: FilledMessage & { messagesPerSecond: number; MBps: number; rss: number; peakRss: number };
  /** Open after the kill, with the checkpoint the store last wrote (the normal case). */
  afterKill: RecoveryMeasurement;
  /** Open again with the checkpoint file deleted: the whole log is scanned (the worst case). */
  withoutCheckpoint: RecoveryMeasurement;
}

/**
 * A real crash: a child process fills a store to `logBytes` of commit log with concurrent writers
 * and is SIGKILLed while still writing; fresh processes then open (recover) the store.
 */
export async function runRecoveryScenario(dir: string, options: RecoveryOptions): Promise<RecoveryResult> {
  freshDirectory(dir);
  const quiet = async (): Promise<void> => {
    if (options.quietWaitMs > 0) await waitForQuietCpu(500, options.quietWaitMs);
  };
  try {
    await quiet();
    const filler = startChild(['fill', dir, options.logBytes, options.segmentBytes, options.writers, options.bodySize]);
    // Generous: 5 MB/s would be a broken store, not a slow one.
    const filled = await expectMessage<FilledMessage>(filler, 'filled', 60_000 + (options.logBytes / 5e6) * 1000);
    const memory = processMemory(filler.pid!);
    await kill(filler);

    const profileArgs = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
    await quiet();
    const afterKill = await recoverOnce(dir, options.segmentBytes, profileArgs);
    fs.rmSync(path.join(dir, CHECKPOINT_FILE), { force: true });
    await quiet();
    const withoutCheckpoint = await recoverOnce(dir, options.segmentBytes, profileArgs);
    for (const measurement of [afterKill, withoutCheckpoint]) {
      if (measurement.messages < filled.messages) {
        throw new Error(`recovery found ${measurement.messages} messages, but ${filled.messages} were acknowledged before the kill`);
      }
    }
    return {
      options,
      fill: {
        ...filled,
        messagesPerSecond: filled.messages / filled.seconds,
        MBps: filled.logBytes / 1e6 / filled.seconds,
        rss: memory?.rss ?? Number.NaN,
        peakRss: memory?.peakRss ?? Number.NaN,
      },
      afterKill,
      withoutCheckpoint,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function recoverOnce(dir: string, segmentBytes: number, nodeArgs: readonly string[]): Promise<RecoveryMeasurement> {
  const cpuBefore = cpuSnapshot();
  const child = startChild(['recover', dir, segmentBytes], nodeArgs);
  const message = await expectMessage<RecoveredMessage>(child, 'recovered', 120_000);
  await exited(child);
  // The child has exited, so its CPU time counts as ours (cutime), not as another process's.
  const otherCpu = otherCpuShare(cpuBefore, cpuSnapshot());
  return {
    openMs: message.openMs,
    report: message.recovery,
    scannedBytes: message.recovery.logEnd - message.recovery.scannedFrom,
    messages: message.messages,
    rss: message.rss,
    peakRss: message.peakRss,
    otherCpuShare: otherCpu,
  };
}

function startChild(args: ReadonlyArray<string | number>, nodeArgs: readonly string[] = []): ChildProcess {
  // tsx runs the TypeScript child the way the bench itself runs; resolved from the repository root.
  return fork(CHILD_SCRIPT, args.map(String), { cwd: REPO_ROOT, execArgv: [...nodeArgs, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function expectMessage<T extends ChildMessage>(child: ChildProcess, kind: T['kind'], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`recovery child sent no '${kind}' within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: ChildMessage): void => {
      if (message.kind === kind) {
        cleanup();
        resolve(message as T);
      } else if (message.kind === 'error') {
        cleanup();
        reject(new Error(`recovery child failed: ${message.message}`));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup();
      reject(new Error(`recovery child exited (code ${code}, signal ${signal}) before sending '${kind}'`));
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function kill(child: ChildProcess): Promise<void> {
  const done = exited(child);
  child.kill('SIGKILL');
  await done;
}
