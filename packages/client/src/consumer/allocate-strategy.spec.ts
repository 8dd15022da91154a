import fc from 'fast-check';
import {
  allocateAveragely,
  allocateAveragelyByCircle,
  allocateConsistentHash,
  resolveAllocateStrategy,
  sortCids,
  sortQueues,
  type AllocateStrategy,
  type QueueRef,
} from './allocate-strategy';

function queuesOf(count: number, brokers = 1): QueueRef[] {
  const queues: QueueRef[] = [];
  for (let b = 0; b < brokers; b++) for (let q = 0; q < count; q++) queues.push({ topic: 'T', brokerName: `broker-${b}`, queueId: q });
  return queues;
}

const ids = (queues: QueueRef[]): string[] => queues.map((q) => `${q.brokerName}/${q.queueId}`);

describe('allocate strategies', () => {
  it('averagely gives contiguous blocks, the first members one more (Java AllocateMessageQueueAveragely)', () => {
    const queues = queuesOf(8);
    const cids = ['a', 'b', 'c'];
    expect(ids(allocateAveragely.allocate('a', queues, cids))).toEqual(['broker-0/0', 'broker-0/1', 'broker-0/2']);
    expect(ids(allocateAveragely.allocate('b', queues, cids))).toEqual(['broker-0/3', 'broker-0/4', 'broker-0/5']);
    expect(ids(allocateAveragely.allocate('c', queues, cids))).toEqual(['broker-0/6', 'broker-0/7']);
    // More members than queues: the last members get nothing.
    expect(ids(allocateAveragely.allocate('c', queuesOf(2), cids))).toEqual([]);
    expect(ids(allocateAveragely.allocate('b', queuesOf(2), cids))).toEqual(['broker-0/1']);
  });

  it('by circle deals queues round robin', () => {
    const queues = queuesOf(8);
    expect(ids(allocateAveragelyByCircle.allocate('b', queues, ['a', 'b', 'c']))).toEqual(['broker-0/1', 'broker-0/4', 'broker-0/7']);
  });

  it('gives nothing to a client that is not a member', () => {
    for (const strategy of [allocateAveragely, allocateAveragelyByCircle, allocateConsistentHash()]) {
      expect(strategy.allocate('z', queuesOf(4), ['a', 'b'])).toEqual([]);
    }
  });

  it('consistent hash moves only some queues when a member joins', () => {
    const strategy = allocateConsistentHash();
    const queues = queuesOf(16, 2);
    const before = ['a', 'b'].flatMap((cid) => strategy.allocate(cid, queues, ['a', 'b']).map((q) => [ids([q])[0], cid]));
    const after = new Map(['a', 'b', 'c'].flatMap((cid) => strategy.allocate(cid, queues, ['a', 'b', 'c']).map((q) => [ids([q])[0], cid])));
    // Every queue that moved moved to the newcomer: a and b never swap queues.
    for (const [queue, owner] of before) expect([owner, 'c']).toContain(after.get(queue!));
  });

  it('resolves names and rejects a bad virtual node count', () => {
    expect(resolveAllocateStrategy('AVG')).toBe(allocateAveragely);
    expect(resolveAllocateStrategy('AVG_BY_CIRCLE')).toBe(allocateAveragelyByCircle);
    expect(resolveAllocateStrategy('CONSISTENT_HASH').name).toBe('CONSISTENT_HASH');
    expect(() => allocateConsistentHash(0)).toThrow(RangeError);
  });

  const strategies: [string, AllocateStrategy][] = [
    ['AVG', allocateAveragely],
    ['AVG_BY_CIRCLE', allocateAveragelyByCircle],
    ['CONSISTENT_HASH', allocateConsistentHash()],
  ];
  const input = fc.record({
    queueCount: fc.integer({ min: 0, max: 40 }),
    brokers: fc.integer({ min: 1, max: 3 }),
    cids: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 12 }),
  });

  describe.each(strategies)('%s (property)', (_name, strategy) => {
    it('assigns every queue to exactly one member', () => {
      fc.assert(
        fc.property(input, ({ queueCount, brokers, cids }) => {
          const queues = sortQueues(queuesOf(queueCount, brokers));
          const sorted = sortCids(cids);
          const owners = new Map<string, number>();
          for (const cid of sorted) for (const q of ids(strategy.allocate(cid, queues, sorted))) owners.set(q, (owners.get(q) ?? 0) + 1);
          expect(owners.size).toBe(queues.length);
          for (const count of owners.values()) expect(count).toBe(1);
        }),
      );
    });

    it('is deterministic for the same sorted input, whatever order the caller had', () => {
      fc.assert(
        fc.property(input, fc.integer({ min: 0, max: 1000 }), ({ queueCount, brokers, cids }, seed) => {
          const queues = queuesOf(queueCount, brokers);
          const shuffled = [...queues].sort((a, b) => ((a.queueId * 31 + seed) % 7) - ((b.queueId * 31 + seed) % 7));
          const cid = cids[seed % cids.length]!;
          const first = strategy.allocate(cid, sortQueues(queues), sortCids(cids));
          const second = strategy.allocate(cid, sortQueues(shuffled), sortCids([...cids].reverse()));
          expect(ids(second)).toEqual(ids(first));
        }),
      );
    });
  });

  it('averaging strategies balance: shares differ by at most one', () => {
    fc.assert(
      fc.property(input, ({ queueCount, cids }) => {
        for (const strategy of [allocateAveragely, allocateAveragelyByCircle]) {
          const sizes = cids.map((cid) => strategy.allocate(cid, queuesOf(queueCount), cids).length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
