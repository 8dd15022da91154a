import { MessageConst, decodeProperties, keysOf } from '@pulsejet/protocol';
import type { CommitLog } from '../commitlog/commit-log';
import { scanLog } from '../commitlog/log-scanner';
import type { KeyIndex, KeyIndexEntry } from '../kv/key-index';

/** Records indexed per LevelDB batch: bounds memory and keeps each batch small. */
const RECORDS_PER_BATCH = 10_000;

/**
 * Builds the key index from the commit log, off the put path (RocketMQ's IndexService fed by
 * ReputMessageService). It reads the log from the index's own persisted progress mark, so it needs no
 * queue in memory, catches up after a restart by itself, and never holds more than one batch.
 */
export class IndexDispatcher {
  private indexed: number | undefined;

  constructor(
    private readonly commitLog: CommitLog,
    private readonly index: KeyIndex,
  ) {}

  /** Offset up to which the index is built. */
  async progress(): Promise<number> {
    if (this.indexed === undefined) this.indexed = await this.index.indexedOffset();
    return this.indexed;
  }

  /** Indexes what was appended since the last run; returns true if more is waiting. */
  async runOnce(signal?: AbortSignal): Promise<boolean> {
    let from = Math.max(await this.progress(), this.commitLog.minOffset());
    const to = this.commitLog.maxOffset();
    if (from >= to || signal?.aborted) return false;
    const entries: KeyIndexEntry[] = [];
    let records = 0;
    const stop = scanLog(this.commitLog.log, from, to, (record) => {
      if (records >= RECORDS_PER_BATCH) return false;
      records += 1;
      // Only messages with keys cost a properties parse; most topics index nothing else.
      if (!record.properties.includes(MessageConst.KEYS) && !record.properties.includes(MessageConst.UNIQ_KEY)) return true;
      const properties = decodeProperties(record.properties);
      const keys = keysOf(properties);
      const uniqKey = properties[MessageConst.UNIQ_KEY];
      if (keys.length > 0 || uniqKey) {
        entries.push({ topic: record.topic, keys, ...(uniqKey ? { uniqKey } : {}), physicalOffset: record.physicalOffset, storeTimestamp: record.storeTimestamp });
      }
      return true;
    });
    if (stop.kind === 'corrupt') throw new Error(`index dispatch met a corrupt record at ${stop.offset}: ${stop.reason}`);
    from = stop.offset;
    await this.index.writeBatch(entries, from);
    this.indexed = from;
    return from < this.commitLog.maxOffset();
  }

  /** Forgets the cached progress (after recovery truncated the index). */
  reset(): void {
    this.indexed = undefined;
  }
}
