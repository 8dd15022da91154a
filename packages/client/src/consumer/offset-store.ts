// Where a consumer keeps how far it got in each queue (Java OffsetStore). The in-memory table is
// the truth while running; persist() writes it out: to the broker in clustering mode
// (RemoteBrokerOffsetStore), to a local file in broadcasting mode (LocalFileOffsetStore).
import type { MessageQueue } from '../message/message-queue';
import * as messageQueue from '../message/message-queue';

// Bound once at load (a module-export getter call per use under CommonJS; offsets update per message).
const { queueKey } = messageQueue;

export interface OffsetStore {
  /** Reads what was persisted before (the local file); no-op for the broker store. */
  load(): Promise<void>;
  /** Sets the in-memory offset; with increaseOnly, never moves it backwards. */
  update(mq: MessageQueue, offset: number, increaseOnly: boolean): void;
  /** The in-memory offset, or -1 when none. */
  readMemory(mq: MessageQueue): number;
  /** The persisted offset (broker or file), cached in memory; -1 when there is none. */
  readStore(mq: MessageQueue): Promise<number>;
  /** Persists the offsets of these queues (those with an in-memory value). */
  persistAll(mqs: readonly MessageQueue[]): Promise<void>;
  persist(mq: MessageQueue): Promise<void>;
  /** Forgets the in-memory offset of a queue no longer owned. */
  remove(mq: MessageQueue): void;
}

/** The in-memory table both stores share. */
export class OffsetTable {
  private readonly table = new Map<string, { mq: MessageQueue; offset: number }>();

  update(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const key = queueKey(mq);
    const entry = this.table.get(key);
    if (entry === undefined) this.table.set(key, { mq, offset });
    else if (!increaseOnly || offset > entry.offset) entry.offset = offset;
  }

  get(mq: MessageQueue): number {
    return this.table.get(queueKey(mq))?.offset ?? -1;
  }

  has(mq: MessageQueue): boolean {
    return this.table.has(queueKey(mq));
  }

  remove(mq: MessageQueue): void {
    this.table.delete(queueKey(mq));
  }

  entries(): { mq: MessageQueue; offset: number }[] {
    return [...this.table.values()].map((e) => ({ ...e }));
  }
}
