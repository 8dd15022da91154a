// Clustering offsets live on the broker (Java RemoteBrokerOffsetStore): QUERY_CONSUMER_OFFSET when a
// queue is newly owned, UPDATE_CONSUMER_OFFSET on a timer, on queue removal and on close.
import { queueKey as key, type MessageQueue } from '../message/message-queue';
import { queryConsumerOffset, updateConsumerOffset } from './broker-calls';
import type { ConsumerClient } from './consumer-client';
import { OffsetTable, type OffsetStore } from './offset-store';

export class RemoteBrokerOffsetStore implements OffsetStore {
  private readonly table = new OffsetTable();
  /** Last value sent per queue, so an idle timer sends nothing. */
  private readonly sent = new Map<string, number>();

  constructor(
    private readonly client: ConsumerClient,
    private readonly group: string,
  ) {}

  /** Nothing to load: the broker is asked per queue (readStore). */
  load(): Promise<void> {
    return Promise.resolve();
  }

  update(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    this.table.update(mq, offset, increaseOnly);
  }

  readMemory(mq: MessageQueue): number {
    return this.table.get(mq);
  }

  async readStore(mq: MessageQueue): Promise<number> {
    const offset = await queryConsumerOffset(this.client, this.group, mq);
    if (offset === undefined) return -1;
    this.table.update(mq, offset, false);
    this.sent.set(key(mq), offset);
    return offset;
  }

  async persistAll(mqs: readonly MessageQueue[]): Promise<void> {
    const wanted = new Set(mqs.map(key));
    const failures: unknown[] = [];
    await Promise.all(
      this.table.entries().map(async ({ mq, offset }) => {
        if (!wanted.has(key(mq)) || offset < 0 || this.sent.get(key(mq)) === offset) return;
        try {
          await updateConsumerOffset(this.client, this.group, mq, offset);
          this.sent.set(key(mq), offset);
        } catch (error) {
          failures.push(error);
        }
      }),
    );
    if (failures.length > 0) throw failures[0];
  }

  async persist(mq: MessageQueue): Promise<void> {
    const offset = this.table.get(mq);
    if (offset < 0) return;
    await updateConsumerOffset(this.client, this.group, mq, offset);
    this.sent.set(key(mq), offset);
  }

  remove(mq: MessageQueue): void {
    this.table.remove(mq);
    this.sent.delete(key(mq));
  }
}
