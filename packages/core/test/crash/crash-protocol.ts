// What the crash test's parent and its writer child say to each other: the child's configuration
// (one JSON argv) and the lines it prints on stdout, one JSON object per line.
import { createHash } from 'node:crypto';
import type { MessageStoreOptions, RecoveryReport } from '../../src/index';

/** Store options that survive JSON (no `log` function: the child supplies its own). */
export type CrashStoreOptions = Omit<MessageStoreOptions, 'storePathRootDir' | 'memory' | 'log'>;

export interface WriterConfig {
  store: CrashStoreOptions;
  /** Prefix of every UNIQ_KEY this child writes, so keys stay unique across children. */
  runId: string;
  /** Puts in flight at once (each writer loop awaits its put before the next). */
  inFlight: number;
  topics: readonly string[];
  queuesPerTopic: number;
}

/** Property holding the hex SHA-256 of the body: what makes a served body verifiable. */
export const SHA_PROPERTY = 'CRASH_SHA256';

export interface QueueEnd {
  topic: string;
  queueId: number;
  maxOffset: number;
}

/** One acknowledged (PUT_OK) message, printed only after the put resolved. */
export interface AckLine {
  kind: 'ack';
  topic: string;
  queueId: number;
  queueOffset: number;
  physicalOffset: number;
  size: number;
  msgId: string;
  uniqKey: string;
  sha256: string;
  bodyLength: number;
}

export type WriterLine =
  /** Printed before MessageStore.open: a kill from here on may land inside recovery. */
  | { kind: 'opening'; pid: number }
  | { kind: 'ready'; recovery: RecoveryReport | undefined; queues: QueueEnd[] }
  | AckLine
  /** A put that did not answer PUT_OK (e.g. FLUSH_DISK_TIMEOUT on a slow disk): not acknowledged. */
  | { kind: 'nack'; status: string; message: string | undefined };

export function sha256Hex(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Parses one complete line; throws on anything that is not a writer line (garbage is a failure). */
export function parseWriterLine(line: string): WriterLine {
  const value = JSON.parse(line) as { kind?: unknown };
  if (value.kind !== 'opening' && value.kind !== 'ready' && value.kind !== 'ack' && value.kind !== 'nack') {
    throw new Error(`not a crash-writer line: ${line.slice(0, 200)}`);
  }
  return value as WriterLine;
}
