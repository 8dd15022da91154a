// Every message the writers saw acknowledged, across all cycles. A position (queue offset or
// commit-log offset) once acknowledged belongs to that message for good: a later child being handed
// the same position for another message means the store lost the first one and reused its place.
import type { AckLine } from './crash-protocol';

export interface AckedMessage extends AckLine {
  /** The cycle whose child acknowledged it (for failure messages). */
  cycle: number;
}

export function queueKey(topic: string, queueId: number): string {
  return `${topic}/${queueId}`;
}

export class AckLedger {
  private readonly byPosition = new Map<string, AckedMessage>();
  private readonly byPhysicalOffset = new Map<number, AckedMessage>();
  private readonly queueEnds = new Map<string, number>();
  private end = 0;

  /** Records an acknowledgement; throws if its position was already acknowledged to another message. */
  add(ack: AckLine, cycle: number): void {
    const message: AckedMessage = { ...ack, cycle };
    const position = `${queueKey(ack.topic, ack.queueId)}@${ack.queueOffset}`;
    const earlier = this.byPosition.get(position) ?? this.byPhysicalOffset.get(ack.physicalOffset);
    if (earlier) {
      throw new Error(
        `the store acknowledged ${ack.uniqKey} (cycle ${cycle}) at ${position}, commit-log offset ${ack.physicalOffset}, ` +
          `where it had already acknowledged ${earlier.uniqKey} (cycle ${earlier.cycle}) at ${queueKey(earlier.topic, earlier.queueId)}@${earlier.queueOffset}, ` +
          `commit-log offset ${earlier.physicalOffset}: an acknowledged message was lost and its place reused`,
      );
    }
    this.byPosition.set(position, message);
    this.byPhysicalOffset.set(ack.physicalOffset, message);
    const key = queueKey(ack.topic, ack.queueId);
    this.queueEnds.set(key, Math.max(this.queueEnds.get(key) ?? 0, ack.queueOffset + 1));
    this.end = Math.max(this.end, ack.physicalOffset + ack.size);
  }

  get size(): number {
    return this.byPosition.size;
  }

  /** Commit-log offset just past the last acknowledged record. */
  logEnd(): number {
    return this.end;
  }

  /** One past the highest acknowledged queue offset of a queue (0 if none). */
  queueEnd(topic: string, queueId: number): number {
    return this.queueEnds.get(queueKey(topic, queueId)) ?? 0;
  }

  queueKeys(): string[] {
    return [...this.queueEnds.keys()];
  }

  at(topic: string, queueId: number, queueOffset: number): AckedMessage | undefined {
    return this.byPosition.get(`${queueKey(topic, queueId)}@${queueOffset}`);
  }

  all(): IterableIterator<AckedMessage> {
    return this.byPosition.values();
  }
}
