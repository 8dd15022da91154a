import type { RecoveryReport } from '@pulsejet/core';

/** What the recovery scenario's child processes tell the bench over IPC. */
export type ChildMessage = FilledMessage | RecoveredMessage | { kind: 'error'; message: string };

/** The writer reached the target log size (it keeps writing until it is killed). */
export interface FilledMessage {
  kind: 'filled';
  logBytes: number;
  messages: number;
  seconds: number;
}

/** A fresh process opened (and so recovered) the store. */
export interface RecoveredMessage {
  kind: 'recovered';
  /** Wall time of MessageStore.open, ms: recovery plus opening the LevelDB stores and the checkpoint write. */
  openMs: number;
  recovery: RecoveryReport;
  /** Messages in the consume queues after recovery. */
  messages: number;
  rss: number;
  peakRss: number;
}

/** Arguments of the child, in argv order after the script. */
export interface FillArgs {
  dir: string;
  targetBytes: number;
  segmentBytes: number;
  writers: number;
  bodySize: number;
}

export const RECOVERY_QUEUES = 8;
