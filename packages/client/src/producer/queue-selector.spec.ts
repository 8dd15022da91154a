import { LatencyFaultTolerance, notAvailableDuration } from './latency-fault-tolerance';
import { RoundRobinSelector, queueForShardingKey } from './queue-selector';

const queues = ['a', 'b'].flatMap((brokerName) => [0, 1].map((queueId) => ({ topic: 'T', brokerName, queueId })));
const key = (q: { brokerName: string; queueId: number }): string => `${q.brokerName}/${q.queueId}`;

describe('RoundRobinSelector', () => {
  it('visits every queue in turn', () => {
    const selector = new RoundRobinSelector();
    const seen = Array.from({ length: 8 }, () => key(selector.select(queues, undefined, undefined)));
    expect(new Set(seen.slice(0, 4)).size).toBe(4);
    expect(seen.slice(4)).toEqual(seen.slice(0, 4));
  });

  it('avoids the broker of the previous failure while another exists', () => {
    const selector = new RoundRobinSelector();
    for (let i = 0; i < 10; i++) expect(selector.select(queues, 'a', undefined).brokerName).toBe('b');
    const onlyA = queues.filter((q) => q.brokerName === 'a');
    expect(selector.select(onlyA, 'a', undefined).brokerName).toBe('a');
  });

  it('avoids isolated brokers until their time is up, and uses them when nothing else is left', () => {
    let now = 1_000;
    const faults = new LatencyFaultTolerance(() => now);
    faults.update('a', 0, true);
    const selector = new RoundRobinSelector();
    for (let i = 0; i < 10; i++) expect(selector.select(queues, undefined, faults).brokerName).toBe('b');
    faults.update('b', 0, true);
    expect(['a', 'b']).toContain(selector.select(queues, undefined, faults).brokerName);
    now += 600_000;
    expect(faults.isAvailable('a')).toBe(true);
  });
});

describe('latency fault tolerance', () => {
  it('maps latency to Java notAvailableDuration', () => {
    expect([0, 99, 100, 549, 550, 1000, 2000, 3000, 15000, 30000].map(notAvailableDuration)).toEqual([0, 0, 0, 0, 30_000, 60_000, 120_000, 180_000, 600_000, 600_000]);
    const faults = new LatencyFaultTolerance(() => 0);
    faults.update('slow', 600, false);
    expect(faults.isAvailable('slow')).toBe(false);
    faults.update('slow', 10, false);
    expect(faults.isAvailable('slow')).toBe(true);
  });
});

describe('queueForShardingKey', () => {
  it('is stable per key and spreads keys over the queues', () => {
    expect(key(queueForShardingKey(queues, 'order-42'))).toBe(key(queueForShardingKey(queues, 'order-42')));
    const used = new Set(Array.from({ length: 50 }, (_, i) => key(queueForShardingKey(queues, `order-${i}`))));
    expect(used.size).toBe(4);
    // Java: "x".hashCode() is 120; SelectMessageQueueByHash takes abs(hash % size).
    expect(queueForShardingKey(queues, 'x')).toBe(queues[Math.abs(120 % 4)]);
  });
});
