import * as fs from 'node:fs';
import type { CommitLog } from '../commitlog/commit-log';
import type { ConsumeQueueTable } from '../consumequeue/consume-queue-table';
import type { KeyIndex } from '../kv/key-index';

export interface RetentionPolicy {
  /** Hours a segment is kept after its last write. */
  fileReservedTime: number;
  /** Hours of the day at which expired segments are deleted, RocketMQ syntax: "04" or "04;16". */
  deleteWhen: string;
  diskMaxUsedSpaceRatio: number;
  diskSpaceCleanForciblyRatio: number;
}

export interface RetentionRun {
  /** Segments deleted in this run. */
  deletedSegments: number;
  /** Why the run was allowed to delete: the hour, disk pressure, or a caller's request. */
  reason: 'time' | 'disk' | 'forced' | 'manual' | 'none';
  /** Commit-log minimum offset after the run. */
  minOffset: number;
}

/** At most this many segments go per run (RocketMQ deleteCommitLogFilesInterval / batch), to spread I/O. */
const MAX_DELETES_PER_RUN = 10;

/**
 * Deletes old commit-log segments (RocketMQ's CleanCommitLogService) and lets consume queues and the
 * key index follow the new minimum offset. Never deletes the segment being written.
 */
export class Retention {
  constructor(
    private readonly policy: RetentionPolicy,
    private readonly commitLog: CommitLog,
    private readonly queues: ConsumeQueueTable,
    private readonly keyIndex: KeyIndex,
    private readonly diskUsageRatio: () => number,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
  ) {}

  async run(options: { now?: number; manual?: boolean } = {}): Promise<RetentionRun> {
    const now = options.now ?? Date.now();
    const usage = this.diskUsageRatio();
    const forcibly = usage > this.policy.diskSpaceCleanForciblyRatio;
    let reason: RetentionRun['reason'] = 'none';
    if (options.manual) reason = 'manual';
    else if (forcibly) reason = 'forced';
    else if (usage > this.policy.diskMaxUsedSpaceRatio) reason = 'disk';
    else if (isDeleteHour(this.policy.deleteWhen, new Date(now).getHours())) reason = 'time';
    if (reason === 'none') return { deletedSegments: 0, reason, minOffset: this.commitLog.minOffset() };

    const reservedMs = this.policy.fileReservedTime * 3600 * 1000;
    let deleted = 0;
    while (deleted < MAX_DELETES_PER_RUN) {
      const segments = this.commitLog.log.all();
      if (segments.length < 2) break; // the last segment is being written
      const oldest = segments[0]!;
      const expired = now - oldest.lastModified() >= reservedMs;
      // Under forcible pressure the oldest goes even unexpired, one per run (RocketMQ destroys forcibly too).
      if (!expired && !(reason === 'forced' && deleted === 0)) break;
      await this.commitLog.log.removeFirst();
      deleted += 1;
    }
    const minOffset = this.commitLog.minOffset();
    if (deleted > 0) {
      for (const queue of this.queues.all()) await queue.deleteBelow(minOffset);
      await this.keyIndex.deleteBelow(minOffset);
      this.log('info', `retention (${reason}): deleted ${deleted} commit-log segment(s); minimum offset is now ${minOffset}`);
    }
    return { deletedSegments: deleted, reason, minOffset };
  }
}

export function isDeleteHour(deleteWhen: string, hour: number): boolean {
  return deleteWhen
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .some((part) => Number(part) === hour);
}

/** Fraction of the filesystem holding `dir` that is used (0..1); 0 if it cannot be read. */
export function fileSystemUsageRatio(dir: string): number {
  try {
    const stats = fs.statfsSync(dir);
    const total = stats.blocks * stats.bsize;
    if (total <= 0) return 0;
    return (total - stats.bavail * stats.bsize) / total;
  } catch {
    return 0;
  }
}
