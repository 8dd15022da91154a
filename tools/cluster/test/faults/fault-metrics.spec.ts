// The arithmetic of a fault run on hand-made records: loss, error window, gap, duplicates.
import { computeFaultMetrics, longestGap } from './fault-metrics';
import { replaceResults, RESULTS_BEGIN, RESULTS_END } from './fault-report';

describe('fault metrics', () => {
  const timeline = { killedAt: 1000, returnedAt: 5000 };
  const acks = [
    { msgId: 'a1', brokerName: 'broker-a', status: 'SEND_OK', at: 900 },
    { msgId: 'b1', brokerName: 'broker-b', status: 'SEND_OK', at: 2000 },
    { msgId: 'a2', brokerName: 'broker-a', status: 'SLAVE_NOT_AVAILABLE', at: 6000 },
  ];
  const receipts = [
    { msgId: 'a1', brokerName: 'broker-a', at: 950 },
    { msgId: 'b1', brokerName: 'broker-b', at: 2100 },
    { msgId: 'a1', brokerName: 'broker-a', at: 5100 },
    { msgId: 'b1', brokerName: 'broker-b', at: 4000 },
  ];

  it('counts acknowledged messages never delivered, by send status', () => {
    const metrics = computeFaultMetrics(acks, [], receipts, timeline, 'broker-a');
    expect(metrics.lost).toEqual(['a2']);
    expect(metrics.lostByStatus).toEqual({ SLAVE_NOT_AVAILABLE: 1 });
    expect(metrics.victimAckedAfterReturn).toBe(1);
    expect(metrics.ackedByOthersWhileDown).toBe(1);
  });

  it('counts a message delivered before the return and again after it as a duplicate after return', () => {
    const metrics = computeFaultMetrics(acks, [], receipts, timeline, 'broker-a');
    // a1 again at 5100 (after the return); b1 again at 4000 (before it): two redeliveries, one after.
    expect(metrics.redeliveries).toBe(2);
    expect(metrics.duplicatesAfterReturn).toBe(1);
  });

  it('measures the error window from the first to the last failed send', () => {
    const failures = [{ at: 1500, message: 'x' }, { at: 1200, message: 'y' }, { at: 3700, message: 'z' }];
    expect(computeFaultMetrics(acks, failures, receipts, timeline, 'broker-a')).toMatchObject({ failedSends: 3, producerErrorWindowMs: 2500 });
    expect(computeFaultMetrics(acks, [], receipts, timeline, 'broker-a').producerErrorWindowMs).toBe(0);
  });

  it('finds the longest stretch without deliveries inside the outage, edges included', () => {
    expect(longestGap([2100, 4000], 1000, 5000)).toBe(1900);
    expect(longestGap([1100, 1200], 1000, 5000)).toBe(3800);
    expect(longestGap([], 1000, 5000)).toBe(4000);
    expect(longestGap([500, 6000], 1000, 5000)).toBe(4000);
  });
});

describe('results section of docs/cluster-modes.md', () => {
  it('appends the section once, then replaces only what is between the markers', () => {
    const first = replaceResults('# Cluster modes\n\ntext\n', 'table 1');
    expect(first).toBe(`# Cluster modes\n\ntext\n\n${RESULTS_BEGIN}\ntable 1\n${RESULTS_END}\n`);
    const second = replaceResults(`${first}\nafter\n`, 'table 2');
    expect(second).toBe(`# Cluster modes\n\ntext\n\n${RESULTS_BEGIN}\ntable 2\n${RESULTS_END}\n\nafter\n`);
  });
});
