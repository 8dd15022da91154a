import type { PreparedBatch, PreparedRecord } from '@pulsejet/protocol';

/** One record to append: validated and checksummed, written by the writer with its position. */
export interface AppendRecord {
  readonly prepared: PreparedRecord;
  readonly tagsCode: number;
  /** Set when the put arrived (and already written into `bytes`), as RocketMQ stamps it before the append lock. */
  readonly storeTimestamp: number;
}

/**
 * Records that must land contiguously, with consecutive queue offsets, in one queue: a single message,
 * or the messages of one batch send.
 */
export interface AppendRequest {
  readonly topic: string;
  readonly queueId: number;
  /** The records, unless `batch` holds them. */
  readonly records: readonly AppendRecord[];
  /** A batch send's records in columns (then `records` is empty). */
  readonly batch?: AppendBatch;
  readonly totalSize: number;
}

/** The records of a batch send, prepared in columns (protocol's prepareStoredBatch). */
export interface AppendBatch {
  readonly prepared: PreparedBatch;
  /** Each entry's consume-queue tag code. */
  readonly tagsCodes: Float64Array;
  readonly storeTimestamp: number;
}

/** Where an appended record went: what a consume-queue entry and a send reply need. */
export interface AppendedRecord {
  topic: string;
  queueId: number;
  queueOffset: number;
  physicalOffset: number;
  size: number;
  tagsCode: number;
  storeTimestamp: number;
}

export interface AppendResult {
  /** One per record of the request, in order. */
  readonly records: AppendedRecord[];
  /** Commit-log offset just past the request's last byte: the offset a flush must cover. */
  readonly endOffset: number;
}
