// RebalanceLockManager with an injected clock: lock, renew, conflict, expiry takeover, unlock by owner only, groups apart.
import { resolveBrokerOptions } from '../../src/broker-options';
import { RebalanceLockManager, type LockedQueue } from '../../src/lock/rebalance-lock-manager';

const q = (queueId: number, topic = 'TopicA', brokerName = 'broker-a'): LockedQueue => ({ topic, brokerName, queueId });

describe('RebalanceLockManager', () => {
  let now: number;
  let locks: RebalanceLockManager;
  beforeEach(() => {
    now = 1_000_000;
    locks = new RebalanceLockManager({ maxLiveTimeMs: 60_000, now: () => now });
  });

  it('defaults to a 60 s lock life and rejects a non-positive one', () => {
    expect(new RebalanceLockManager().maxLiveTimeMs).toBe(60_000);
    expect(() => new RebalanceLockManager({ maxLiveTimeMs: 0 })).toThrow(RangeError);
  });

  it('locks free queues, each once, and reports the holder', () => {
    expect(locks.tryLockBatch('G', [q(0), q(1), q(1)], 'c1')).toEqual([q(0), q(1)]);
    expect(locks.holderOf('G', q(0))).toBe('c1');
    expect(locks.holderOf('G', q(2))).toBeUndefined();
  });

  it('tells queues apart by topic and brokerName too', () => {
    locks.tryLockBatch('G', [q(0)], 'c1');
    expect(locks.tryLockBatch('G', [q(0, 'TopicB'), q(0, 'TopicA', 'broker-b')], 'c2')).toEqual([q(0, 'TopicB'), q(0, 'TopicA', 'broker-b')]);
  });

  it('renews a lock its holder asks for again, which pushes the expiry back', () => {
    locks.tryLockBatch('G', [q(0)], 'c1');
    now += 50_000;
    expect(locks.tryLockBatch('G', [q(0)], 'c1')).toEqual([q(0)]);
    now += 50_000; // 100 s after the first lock, 50 s after the renewal
    expect(locks.tryLockBatch('G', [q(0)], 'c2')).toEqual([]);
    expect(locks.holderOf('G', q(0))).toBe('c1');
  });

  it('refuses a queue another client holds and still grants the free ones', () => {
    locks.tryLockBatch('G', [q(0)], 'c1');
    expect(locks.tryLockBatch('G', [q(0), q(1)], 'c2')).toEqual([q(1)]);
    expect(locks.holderOf('G', q(0))).toBe('c1');
  });

  it('lets another client take over a lock once it expired, not before', () => {
    locks.tryLockBatch('G', [q(0)], 'c1');
    now += 60_000; // exactly the life: still held
    expect(locks.tryLockBatch('G', [q(0)], 'c2')).toEqual([]);
    now += 1;
    expect(locks.holderOf('G', q(0))).toBeUndefined();
    expect(locks.tryLockBatch('G', [q(0)], 'c2')).toEqual([q(0)]);
    expect(locks.holderOf('G', q(0))).toBe('c2');
    expect(locks.tryLockBatch('G', [q(0)], 'c1')).toEqual([]);
  });

  it('takes the time passed to tryLockBatch over its clock', () => {
    locks.tryLockBatch('G', [q(0)], 'c1', 0);
    expect(locks.tryLockBatch('G', [q(0)], 'c2', 60_001)).toEqual([q(0)]);
  });

  it('unlocks only what the caller holds', () => {
    locks.tryLockBatch('G', [q(0), q(1)], 'c1');
    locks.unlockBatch('G', [q(0), q(1)], 'c2');
    expect(locks.holderOf('G', q(0))).toBe('c1');
    locks.unlockBatch('G', [q(0), q(7)], 'c1');
    expect(locks.holderOf('G', q(0))).toBeUndefined();
    expect(locks.holderOf('G', q(1))).toBe('c1');
    expect(locks.tryLockBatch('G', [q(0)], 'c2')).toEqual([q(0)]);
    locks.unlockBatch('unknown-group', [q(0)], 'c2');
  });

  it('keeps consumer groups apart', () => {
    locks.tryLockBatch('G1', [q(0)], 'c1');
    expect(locks.tryLockBatch('G2', [q(0)], 'c2')).toEqual([q(0)]);
    locks.unlockBatch('G2', [q(0)], 'c1');
    expect(locks.holderOf('G1', q(0))).toBe('c1');
    expect(locks.holderOf('G2', q(0))).toBe('c2');
  });
});

describe('rebalanceLockMaxLiveTime option', () => {
  it('defaults to 60000 ms and must be positive', () => {
    expect(resolveBrokerOptions().rebalanceLockMaxLiveTime).toBe(60_000);
    expect(resolveBrokerOptions({ rebalanceLockMaxLiveTime: 5000 }).rebalanceLockMaxLiveTime).toBe(5000);
    expect(() => resolveBrokerOptions({ rebalanceLockMaxLiveTime: 0 })).toThrow(/rebalanceLockMaxLiveTime must be > 0 ms/);
  });
});
