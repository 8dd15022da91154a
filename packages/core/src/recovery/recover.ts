import { decodeProperties } from '@pulsejet/protocol';
import type { CommitLog } from '../commitlog/commit-log';
import { scanLog, type ScanStop, type ScannedRecord } from '../commitlog/log-scanner';
import type { ConsumeQueueTable } from '../consumequeue/consume-queue-table';
import type { TagsCodeFunction } from '../store/put-message';
import type { Checkpoint } from './checkpoint';

export interface RecoveryReport {
  /** The previous run did not close cleanly (the abort marker was there). */
  crashed: boolean;
  /** Where the scan started: the checkpoint's safe offset, or the log's start. */
  scannedFrom: number;
  /** End of the valid log: the next append goes here. */
  logEnd: number;
  /** Why the scan stopped; 'corrupt' means a torn or damaged tail was cut off. */
  stop: ScanStop;
  /** Consume-queue entries written back from the log. */
  redispatched: number;
  /** Consume-queue entries dropped because they pointed past the log's end. */
  trimmedEntries: number;
  /** Queues that had a hole and were rebuilt from the log's start. */
  rebuiltQueues: number;
  durationMs: number;
}

const ZERO_CHUNK = 1024 * 1024;

/**
 * Brings the commit log and consume queues back to a consistent state at start (RocketMQ's
 * recoverNormally / recoverAbnormally, reshaped):
 *  1. scan records from the last safe point, validating each (size, magic, CRC, own offset), and put
 *     back any consume-queue entry that is missing, in the same pass;
 *  2. cut the log where validation failed (a torn or corrupt tail) so nothing after it is ever served;
 *  3. drop consume-queue entries pointing past the log's end;
 *  4. a queue whose entries have a hole (files lost) is rebuilt from the whole log.
 * Everything recovery writes is idempotent, so a crash during recovery is recovered the same way.
 */
export async function recoverStore(args: {
  commitLog: CommitLog;
  queues: ConsumeQueueTable;
  checkpoint: Checkpoint | undefined;
  crashed: boolean;
  tagsCodeOf: TagsCodeFunction;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}): Promise<RecoveryReport> {
  const started = Date.now();
  const { commitLog, queues, checkpoint, crashed, tagsCodeOf, log } = args;
  commitLog.log.load();
  queues.load();
  const logMin = commitLog.minOffset();
  const last = commitLog.log.last();
  const logLimit = last ? last.start + last.size : 0;
  let from = Math.max(logMin, checkpoint?.safeOffset ?? 0);
  if (from > logLimit) from = logMin; // a checkpoint ahead of the files cannot be trusted

  let redispatched = 0;
  const gapQueues = new Set<string>();
  const place = (record: ScannedRecord, only?: Set<string>): void => {
    const key = `${record.topic}\u0000${record.queueId}`;
    if (only && !only.has(key)) return;
    if (!only && gapQueues.has(key)) return;
    const queue = queues.obtain(record.topic, record.queueId);
    if (only && !queue.hasEntries()) queue.startAt(record.queueOffset);
    const tagsCode = (): number => tagsCodeOf(record.topic, decodeProperties(record.properties), record.storeTimestamp);
    const outcome = queue.place(record.queueOffset, record.physicalOffset, record.size, tagsCode);
    if (outcome === 'gap') gapQueues.add(key);
    else if (outcome !== 'present') redispatched += 1;
  };

  const stop = scanLog(commitLog.log, from, Number.MAX_SAFE_INTEGER, (record) => place(record));
  const logEnd = stop.offset;
  if (stop.kind === 'corrupt') {
    log('warn', `commit log: invalid record at offset ${logEnd} (${stop.reason}); the log is cut there`);
    zeroTail(commitLog, logEnd);
  }
  const endSegment = commitLog.log.find(logEnd);
  await commitLog.log.removeFrom(endSegment ? endSegment.start + endSegment.size : logEnd);

  let trimmedEntries = 0;
  for (const queue of queues.all()) trimmedEntries += queue.trimPastLogEnd(logEnd);
  // Queues shorter than the checkpoint says lost files: a clean scan from the safe point cannot see that.
  for (const [ref, expected] of Object.entries(checkpoint?.queues ?? {})) {
    const slash = ref.lastIndexOf('/');
    const queue = queues.get(ref.slice(0, slash), Number(ref.slice(slash + 1)));
    if (!queue || queue.maxOffset() < expected) gapQueues.add(`${ref.slice(0, slash)}\u0000${ref.slice(slash + 1)}`);
  }

  let rebuiltQueues = 0;
  if (gapQueues.size > 0) {
    log('warn', `consume queues with missing entries are rebuilt from the commit log: ${[...gapQueues].map((k) => k.replace('\u0000', '/')).join(', ')}`);
    for (const key of gapQueues) {
      const [topic, queueId] = key.split('\u0000') as [string, string];
      const queue = queues.obtain(topic, Number(queueId));
      if (queue.maxOffset() > 0) queue.truncateFrom(queue.minOffset());
    }
    rebuiltQueues = gapQueues.size;
    const only = new Set(gapQueues);
    gapQueues.clear();
    scanLog(commitLog.log, commitLog.minOffset(), logEnd, (record) => place(record, only));
  }
  for (const queue of queues.all()) queue.correctMinOffset(commitLog.minOffset());

  const report: RecoveryReport = {
    crashed,
    scannedFrom: from,
    logEnd,
    stop,
    redispatched,
    trimmedEntries,
    rebuiltQueues,
    durationMs: Date.now() - started,
  };
  if (crashed) log('info', `recovered after an unclean shutdown: scanned ${logEnd - from} bytes from ${from}, ${redispatched} queue entries restored, ${trimmedEntries} dropped`);
  return report;
}

/** Overwrites the rest of a segment after a corrupt record with zeros, so no later scan trusts it. */
function zeroTail(commitLog: CommitLog, from: number): void {
  const segment = commitLog.log.find(from);
  if (!segment) return;
  const zeros = Buffer.alloc(ZERO_CHUNK);
  const end = Math.min(segment.size, segment.length());
  for (let position = from - segment.start; position < end; position += ZERO_CHUNK) {
    segment.write(zeros, 0, Math.min(ZERO_CHUNK, end - position), position);
  }
}
