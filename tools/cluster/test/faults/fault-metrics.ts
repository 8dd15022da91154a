// What a fault run measured, computed from the raw records (sends, receipts, the kill and return
// times) so the arithmetic is tested apart from the processes that produce the records.

/** A send() that resolved: the broker stored the message (any SendStatus). */
export interface AckRecord {
  msgId: string;
  brokerName: string;
  status: string;
  at: number;
}

/** A send() that rejected after its retries. */
export interface SendFailure {
  at: number;
  message: string;
}

/** One delivery of a message to the consumer's handler. */
export interface Receipt {
  msgId: string;
  brokerName: string;
  at: number;
}

export interface FaultTimeline {
  /** When the master was SIGKILLed. */
  killedAt: number;
  /** When the restarted master was registered with the nameserver again. */
  returnedAt: number;
}

export interface FaultMetrics {
  acked: number;
  /** Acknowledged msgIds never delivered to the consumer. */
  lost: string[];
  /** Lost msgIds by the status their send resolved with (SEND_OK, SLAVE_NOT_AVAILABLE...). */
  lostByStatus: Record<string, number>;
  failedSends: number;
  /** First to last failed send, ms (0 with no failure). */
  producerErrorWindowMs: number;
  /** Sends acknowledged by another master while the killed one was down. */
  ackedByOthersWhileDown: number;
  /** Sends the restarted master acknowledged (it is back in the producers' rotation). */
  victimAckedAfterReturn: number;
  /** Longest stretch without any delivery between the kill and the return, ms. */
  consumerGapMs: number;
  /** Deliveries of the killed master's group between the kill and the return (served by its slave). */
  victimDeliveredWhileDown: number;
  /** Messages delivered again after the return, having been delivered before it. */
  duplicatesAfterReturn: number;
  /** Deliveries of a message already delivered, at any time. */
  redeliveries: number;
}

export function computeFaultMetrics(acks: readonly AckRecord[], failures: readonly SendFailure[], receipts: readonly Receipt[], timeline: FaultTimeline, victim: string): FaultMetrics {
  const firstSeen = new Map<string, number>();
  let redeliveries = 0;
  const duplicated = new Set<string>();
  for (const receipt of [...receipts].sort((a, b) => a.at - b.at)) {
    const first = firstSeen.get(receipt.msgId);
    if (first === undefined) {
      firstSeen.set(receipt.msgId, receipt.at);
      continue;
    }
    redeliveries++;
    if (first < timeline.returnedAt && receipt.at >= timeline.returnedAt) duplicated.add(receipt.msgId);
  }
  const lost = acks.filter((ack) => !firstSeen.has(ack.msgId));
  const lostByStatus: Record<string, number> = {};
  for (const ack of lost) lostByStatus[ack.status] = (lostByStatus[ack.status] ?? 0) + 1;
  const failedAt = failures.map((failure) => failure.at).sort((a, b) => a - b);
  const down = (at: number): boolean => at >= timeline.killedAt && at < timeline.returnedAt;
  return {
    acked: acks.length,
    lost: lost.map((ack) => ack.msgId),
    lostByStatus,
    failedSends: failures.length,
    producerErrorWindowMs: failedAt.length === 0 ? 0 : failedAt[failedAt.length - 1]! - failedAt[0]!,
    ackedByOthersWhileDown: acks.filter((ack) => ack.brokerName !== victim && down(ack.at)).length,
    victimAckedAfterReturn: acks.filter((ack) => ack.brokerName === victim && ack.at >= timeline.returnedAt).length,
    consumerGapMs: longestGap(receipts.map((receipt) => receipt.at), timeline.killedAt, timeline.returnedAt),
    victimDeliveredWhileDown: receipts.filter((receipt) => receipt.brokerName === victim && down(receipt.at)).length,
    duplicatesAfterReturn: duplicated.size,
    redeliveries,
  };
}

/** The longest interval in [from, to] containing none of `times` (the whole span when none falls in it). */
export function longestGap(times: readonly number[], from: number, to: number): number {
  const inside = times.filter((at) => at >= from && at <= to).sort((a, b) => a - b);
  let previous = from;
  let longest = 0;
  for (const at of [...inside, to]) {
    longest = Math.max(longest, at - previous);
    previous = at;
  }
  return longest;
}
