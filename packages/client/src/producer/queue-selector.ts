// Choosing the queue of a send (Java TopicPublishInfo.selectOneMessageQueue and MQFaultStrategy):
// round robin over the topic's writable queues from a random start, skipping the broker the
// previous attempt failed on and, with latency fault tolerance, brokers that are out for a while.
// Ordered sends pick by sharding key instead (Java SelectMessageQueueByHash) and never move.
import { javaStringHashCode } from '@pulsejet/protocol';
import type { MessageQueue } from '../message/message-queue';
import type { LatencyFaultTolerance } from './latency-fault-tolerance';

export class RoundRobinSelector {
  private index = Math.floor(Math.random() * 0x7fffffff);

  /**
   * The next queue: first one on an available broker other than `avoidBroker`, else one on any
   * broker other than `avoidBroker`, else simply the next one. `queues` must not be empty.
   */
  select(queues: readonly MessageQueue[], avoidBroker: string | undefined, faults: LatencyFaultTolerance | undefined): MessageQueue {
    const start = this.index++;
    this.index &= 0x7fffffff;
    const count = queues.length;
    // Indexing inline rather than through a helper closure: this runs for every send.
    if (faults) {
      for (let i = 0; i < count; i++) {
        const mq = queues[(start + i) % count]!;
        if (mq.brokerName !== avoidBroker && faults.isAvailable(mq.brokerName)) return mq;
      }
    }
    if (avoidBroker !== undefined) {
      for (let i = 0; i < count; i++) {
        const mq = queues[(start + i) % count]!;
        if (mq.brokerName !== avoidBroker) return mq;
      }
    }
    return queues[start % count]!;
  }
}

/** The queue of a sharding key: Java String.hashCode modulo the queue count (SelectMessageQueueByHash). */
export function queueForShardingKey(queues: readonly MessageQueue[], shardingKey: string): MessageQueue {
  const value = Math.abs(javaStringHashCode(shardingKey) % queues.length);
  return queues[value]!;
}
