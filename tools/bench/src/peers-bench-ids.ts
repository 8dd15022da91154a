// Every body in the peers benchmark carries its send time and id, so each scenario can check that
// nothing was lost or duplicated and measure end-to-end latency on one clock.
import type { Integrity } from './peers-bench-types';

/** Bytes 0..7: send time (performance.now(), float64 LE); bytes 8..11: id (uint32 LE). */
export const BODY_HEADER_BYTES = 12;

export function makeBody(bodyBytes: number, id: number, sentAt = 0): Buffer {
  if (bodyBytes < BODY_HEADER_BYTES) throw new RangeError(`bodies carry a ${BODY_HEADER_BYTES}-byte header; bodyBytes must be >= ${BODY_HEADER_BYTES}`);
  const body = Buffer.alloc(bodyBytes, 0x62);
  body.writeDoubleLE(sentAt, 0);
  body.writeUInt32LE(id, 8);
  return body;
}

export function bodyId(body: Uint8Array): number {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).readUInt32LE(8);
}

export function bodySentAt(body: Uint8Array): number {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).readDoubleLE(0);
}

/** Counts each id's arrivals among ids 0..expected-1 (ids outside that range count as duplicates). */
export class IdTracker {
  private readonly seen: Uint8Array;
  private distinct = 0;
  private extra = 0;

  constructor(readonly expected: number) {
    this.seen = new Uint8Array(expected);
  }

  record(id: number): void {
    if (id >= this.expected || this.seen[id] !== 0) {
      this.extra += 1;
      return;
    }
    this.seen[id] = 1;
    this.distinct += 1;
  }

  /** Ids seen at least once. */
  get received(): number {
    return this.distinct;
  }

  integrity(): Integrity {
    return { expected: this.expected, lost: this.expected - this.distinct, duplicated: this.extra };
  }
}

/** A publish-only check: every id acked once and the server holds exactly as many messages. */
export function publishIntegrity(acked: IdTracker, stored: number): Integrity {
  const own = acked.integrity();
  return { expected: own.expected, lost: Math.max(own.lost, own.expected - stored), duplicated: own.duplicated + Math.max(0, stored - own.expected) };
}

export function isClean(integrity: Integrity): boolean {
  return integrity.lost === 0 && integrity.duplicated === 0;
}
