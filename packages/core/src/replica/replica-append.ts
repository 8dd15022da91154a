import * as protocol from '@pulsejet/protocol';
import type { AppendedRecord } from '../commitlog/append-types';
import type { CommitLog } from '../commitlog/commit-log';
import type { ConsumeQueueTable } from '../consumequeue/consume-queue-table';
import type { KeyIndexEntry } from '../kv/key-index';
import type { TagsCodeFunction } from '../store/put-message';
import { ReplicaAppendError, ReplicaErrorCode } from './replica-errors';
import { checkReplicaUnits } from './replica-units';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call.
const { MessageConst, decodeProperties, keysOf } = protocol;
const UNIQ_KEY = MessageConst.UNIQ_KEY;

/** What a replicated append wrote: its records (for arrival listeners) and their key-index entries. */
export interface ReplicaAppendResult {
  records: AppendedRecord[];
  indexEntries: KeyIndexEntry[];
}

/** What a replicated append needs of the store (passed by MessageStore, which owns these parts). */
export interface ReplicaAppendContext {
  commitLog: CommitLog;
  queues: ConsumeQueueTable;
  tagsCodeOf: TagsCodeFunction;
  /** Puts waiting for the local writer (a slave must have none). */
  queuedPuts: number;
  closing: boolean;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * Writes bytes copied from a master at the same offsets (a slave's half of HA) and dispatches their
 * records to the consume queues, exactly as local puts would be. Synchronous: validation, the write
 * and dispatch happen in one turn, so no local put can interleave. Returns the records appended.
 *
 * Refused with a ReplicaAppendError, writing nothing, when `offset` is not this log's end, the bytes
 * are not whole valid records, or local puts are queued. An empty log may start at any segment
 * start (a master whose oldest segments retention has deleted streams from its oldest one).
 */
export function appendReplicatedUnits(context: ReplicaAppendContext, offset: number, bytes: Buffer): ReplicaAppendResult {
  const { commitLog, queues } = context;
  if (context.closing) throw new ReplicaAppendError(ReplicaErrorCode.CLOSED, 'the message store is closing; reopen it to replicate');
  if (context.queuedPuts > 0) {
    throw new ReplicaAppendError(ReplicaErrorCode.LOCAL_WRITES, 'local puts are queued on this store; a slave store must only be written by replication (reject sends on a slave)');
  }
  const end = commitLog.maxOffset();
  const empty = end === 0 && commitLog.log.all().length === 0;
  const segmentSize = commitLog.segmentSize;
  if (offset !== end && !(empty && offset % segmentSize === 0)) {
    throw new ReplicaAppendError(
      ReplicaErrorCode.OFFSET_MISMATCH,
      `replicated bytes start at ${offset} but this store's commit log ends at ${end}; the slave must ask the master for ${end}`,
    );
  }
  const check = checkReplicaUnits(bytes, offset, segmentSize);
  if (check.kind === 'invalid') {
    throw new ReplicaAppendError(ReplicaErrorCode.CORRUPT_DATA, `refused replicated bytes at ${check.offset}: ${check.reason}; nothing was written`);
  }
  if (bytes.length === 0) return { records: [], indexEntries: [] };
  if (offset !== end) commitLog.resetPosition(offset);

  const appended: AppendedRecord[] = [];
  const indexEntries: KeyIndexEntry[] = [];
  for (const record of check.records) {
    const properties = decodeProperties(record.properties);
    appended.push({
      topic: record.topic,
      queueId: record.queueId,
      queueOffset: record.queueOffset,
      physicalOffset: record.physicalOffset,
      size: record.size,
      tagsCode: context.tagsCodeOf(record.topic, properties, record.storeTimestamp),
      storeTimestamp: record.storeTimestamp,
    });
    const keys = keysOf(properties);
    const uniqKey = properties[UNIQ_KEY];
    if (keys.length > 0 || uniqKey) {
      indexEntries.push({ topic: record.topic, keys, ...(uniqKey ? { uniqKey } : {}), physicalOffset: record.physicalOffset, storeTimestamp: record.storeTimestamp });
    }
  }
  commitLog.appendVerbatim(bytes);

  // Consume queues follow the queue offsets the master wrote into its records: they are derived
  // data, and the master is the truth. A queue met mid-way (the slave started from the master's
  // oldest segment) starts at its first offset; one that disagrees (the topic was deleted and
  // re-created on the master) is restarted where the master's records say.
  // Per queue met in these records: its first queue offset here and the one after its last.
  const next = new Map<string, { topic: string; queueId: number; first: number; offset: number }>();
  let consistent = true;
  for (const record of appended) {
    const key = `${record.topic}\u0000${record.queueId}`;
    const queue = next.get(key);
    const expected = queue ? queue.offset : queues.get(record.topic, record.queueId)?.maxOffset();
    if (expected !== undefined && expected !== record.queueOffset) consistent = false;
    if (queue) queue.offset = record.queueOffset + 1;
    else next.set(key, { topic: record.topic, queueId: record.queueId, first: record.queueOffset, offset: record.queueOffset + 1 });
  }
  if (consistent) {
    for (const { topic, queueId, first } of next.values()) {
      const queue = queues.obtain(topic, queueId);
      if (!queue.hasEntries() && queue.maxOffset() !== first) queue.startAt(first);
    }
    queues.dispatch(appended);
  } else {
    for (const record of appended) placeOne(context, record);
  }
  // Once per queue (not per record): the offset after its last record here, as the writer keeps it.
  for (const queue of next.values()) commitLog.setNextQueueOffset(queue.topic, queue.queueId, queue.offset);
  return { records: appended, indexEntries };
}

function placeOne(context: ReplicaAppendContext, record: AppendedRecord): void {
  const queue = context.queues.obtain(record.topic, record.queueId);
  if (queue.maxOffset() !== record.queueOffset) {
    if (queue.hasEntries()) {
      context.log('warn', `replica: queue ${record.topic}/${record.queueId} ends at ${queue.maxOffset()} but the master's record has queue offset ${record.queueOffset}; the queue restarts there`);
      queue.truncateFrom(queue.minOffset());
    }
    queue.startAt(record.queueOffset);
  }
  queue.appendRun([record]);
}
