// How a clustering group shares a topic's queues (Java AllocateMessageQueueStrategy). Every member
// runs the same function on the same sorted inputs (queues by topic, brokerName, queueId; client ids
// sorted), so without talking to each other they agree on a split where each queue has exactly
// one owner. A strategy is pure: queues in, this client's share out.
import { createHash } from 'node:crypto';

/** The identity of a queue, as strategies see it (a MessageQueue satisfies it). */
export interface QueueRef {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
}

export interface AllocateStrategy {
  /** A name for logs and errors ('AVG', 'AVG_BY_CIRCLE', 'CONSISTENT_HASH'; Java's getName()). */
  readonly name: string;
  /**
   * The queues `currentCid` owns. `queues` and `cids` must be sorted the same way by every member
   * (see sortQueues and the caller's sort of cids). A cid that is not in `cids` owns nothing.
   */
  allocate<Q extends QueueRef>(currentCid: string, queues: readonly Q[], cids: readonly string[]): Q[];
}

/** Queues in the order every member uses: topic, then brokerName, then queueId (Java MessageQueue.compareTo). */
export function sortQueues<Q extends QueueRef>(queues: readonly Q[]): Q[] {
  return [...queues].sort(
    (a, b) => compareStrings(a.topic, b.topic) || compareStrings(a.brokerName, b.brokerName) || a.queueId - b.queueId,
  );
}

/** Client ids sorted as Java's Collections.sort(String) does (UTF-16 code units, not locale). */
export function sortCids(cids: readonly string[]): string[] {
  return [...cids].sort(compareStrings);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Java AllocateMessageQueueAveragely: contiguous blocks; the first `queues % cids` members get one
 * queue more. With more members than queues the last members get none.
 */
export const allocateAveragely: AllocateStrategy = {
  name: 'AVG',
  allocate(currentCid, queues, cids) {
    const index = cids.indexOf(currentCid);
    if (index < 0 || queues.length === 0) return [];
    const mod = queues.length % cids.length;
    const base = Math.floor(queues.length / cids.length);
    const size = queues.length <= cids.length ? 1 : mod > 0 && index < mod ? base + 1 : base;
    const start = mod > 0 && index < mod ? index * size : index * size + mod;
    const range = Math.min(size, queues.length - start);
    const result: (typeof queues)[number][] = [];
    for (let i = 0; i < range; i++) result.push(queues[(start + i) % queues.length]!);
    return result;
  },
};

/** Java AllocateMessageQueueAveragelyByCircle: queue i goes to member i mod members (round robin). */
export const allocateAveragelyByCircle: AllocateStrategy = {
  name: 'AVG_BY_CIRCLE',
  allocate(currentCid, queues, cids) {
    const index = cids.indexOf(currentCid);
    if (index < 0) return [];
    const result: (typeof queues)[number][] = [];
    for (let i = index; i < queues.length; i += cids.length) result.push(queues[i]!);
    return result;
  },
};

/** Virtual nodes per member on the ring (Java AllocateMessageQueueConsistentHash default). */
export const DEFAULT_VIRTUAL_NODES = 10;

/**
 * Java AllocateMessageQueueConsistentHash: members are placed on an MD5 ring `virtualNodes` times
 * each; a queue belongs to the first virtual node at or after its hash (wrapping). When a member
 * joins or leaves, only the queues next to its nodes move, unlike the averaging strategies.
 */
export function allocateConsistentHash(virtualNodes = DEFAULT_VIRTUAL_NODES): AllocateStrategy {
  if (!Number.isInteger(virtualNodes) || virtualNodes < 1) throw new RangeError(`virtualNodes must be an integer >= 1, got ${virtualNodes}`);
  return {
    name: 'CONSISTENT_HASH',
    allocate(currentCid, queues, cids) {
      if (!cids.includes(currentCid)) return [];
      // Java keeps the ring in a TreeMap: a later node with an equal hash replaces the earlier one.
      const ring = new Map<number, string>();
      for (const cid of cids) {
        for (let i = 0; i < virtualNodes; i++) ring.set(md5Hash(`${cid}-${i}`), cid);
      }
      const points = [...ring.keys()].sort((a, b) => a - b);
      return queues.filter((queue) => {
        const hash = md5Hash(javaQueueString(queue));
        const point = points.find((p) => p >= hash) ?? points[0]!;
        return ring.get(point) === currentCid;
      });
    },
  };
}

/** Java MessageQueue.toString(), the key the Java strategy hashes. */
function javaQueueString(queue: QueueRef): string {
  return `MessageQueue [topic=${queue.topic}, brokerName=${queue.brokerName}, queueId=${queue.queueId}]`;
}

/** Java ConsistentHashRouter.MD5Hash: the first 4 bytes of the MD5 digest as an unsigned int. */
function md5Hash(key: string): number {
  return createHash('md5').update(key, 'utf8').digest().readUInt32BE(0);
}

export type AllocateStrategyName = 'AVG' | 'AVG_BY_CIRCLE' | 'CONSISTENT_HASH';

/** A strategy by name, or the given one. */
export function resolveAllocateStrategy(strategy: AllocateStrategyName | AllocateStrategy): AllocateStrategy {
  if (typeof strategy !== 'string') return strategy;
  switch (strategy) {
    case 'AVG':
      return allocateAveragely;
    case 'AVG_BY_CIRCLE':
      return allocateAveragelyByCircle;
    case 'CONSISTENT_HASH':
      return allocateConsistentHash();
  }
}
