import type { AppendedRecord } from '../commitlog/append-types';
import { SegmentedLog } from '../commitlog/segmented-log';
import { CQ_ENTRY_SIZE, ConsumeQueue, type QueueEntryAt } from './consume-queue';
import type { QueueDirectories } from './queue-directories';

/** All consume queues of the store, by topic and queue id. */
export class ConsumeQueueTable {
  private readonly queues = new Map<string, Map<number, ConsumeQueue>>();

  constructor(
    private readonly directories: QueueDirectories,
    private readonly entriesPerFile: number,
  ) {}

  /** Opens every consume queue found in the directories. */
  load(): void {
    for (const { topic, queueId } of this.directories.list()) this.obtain(topic, queueId).load();
  }

  get(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.queues.get(topic)?.get(queueId);
  }

  obtain(topic: string, queueId: number): ConsumeQueue {
    let byId = this.queues.get(topic);
    if (!byId) {
      byId = new Map();
      this.queues.set(topic, byId);
    }
    let queue = byId.get(queueId);
    if (!queue) {
      const log = new SegmentedLog(this.directories.directoryFor(topic, queueId), this.entriesPerFile * CQ_ENTRY_SIZE);
      queue = new ConsumeQueue(topic, queueId, log);
      byId.set(queueId, queue);
    }
    return queue;
  }

  all(): ConsumeQueue[] {
    return [...this.queues.values()].flatMap((byId) => [...byId.values()]);
  }

  queuesOf(topic: string): ConsumeQueue[] {
    return [...(this.queues.get(topic)?.values() ?? [])];
  }

  topics(): string[] {
    return [...this.queues.keys()];
  }

  /**
   * Writes the entries of freshly appended records. Entries are grouped by queue first (a batch
   * interleaves queues), so each queue gets one write per batch however many messages it received.
   */
  dispatch(records: readonly AppendedRecord[]): void {
    if (records.length === 0) return;
    const first = records[0]!;
    if (records.every((record) => record.topic === first.topic && record.queueId === first.queueId)) {
      this.dispatchRun(records);
      return;
    }
    const runs = new Map<ConsumeQueue, QueueEntryAt[]>();
    for (const record of records) {
      const queue = this.obtain(record.topic, record.queueId);
      const run = runs.get(queue);
      if (run) run.push(record);
      else runs.set(queue, [record]);
    }
    // Within a batch a queue's offsets are consecutive: the writer assigned them in order.
    for (const [queue, run] of runs) queue.appendRun(run);
  }

  /**
   * dispatch for records the caller knows are one queue's, in offset order: the writer's puts (one
   * topic and queue each, a batch included), without the check and the grouping per call.
   */
  dispatchRun(records: readonly AppendedRecord[]): void {
    const first = records[0];
    if (first !== undefined) this.obtain(first.topic, first.queueId).appendRun(records);
  }

  async deleteTopic(topic: string): Promise<void> {
    for (const queue of this.queuesOf(topic)) queue.close();
    this.queues.delete(topic);
    await this.directories.removeTopic(topic);
  }

  /** Every queue writes its tail when this is called (see ConsumeQueue.flush); resolves once all are fsynced. */
  flush(): Promise<void> {
    return Promise.all(this.all().map((queue) => queue.flush())).then(() => undefined);
  }

  close(): void {
    for (const queue of this.all()) queue.close();
    this.queues.clear();
  }
}
