// The HA wire format of RocketMQ 4.x (Java store/ha/HAConnection and HAService.HAClient), on its own
// TCP port (haListenPort). There is no handshake and no remoting framing:
//
//   slave -> master: offset report, repeated
//     0  int64 BE  maxPhyOffset   the slave's commit-log end: where to stream from (first report)
//                                 and how far the slave has the data (every report: the ack)
//
//   master -> slave: transfer frame, repeated
//     0  int64 BE  phyOffset      commit-log offset of the first body byte
//     8  int32 BE  bodySize       0 for a heartbeat
//    12  bodySize bytes           raw commit-log bytes [phyOffset, phyOffset + bodySize)
//
// Pure functions and decoders fed arbitrary chunks; nothing here touches a socket.
import { readInt64, writeInt64 } from '@pulsejet/protocol';
import { ReplicationError, ReplicationErrorCode } from './errors';

export const OFFSET_REPORT_SIZE = 8;
export const TRANSFER_HEADER_SIZE = 12;

export interface TransferFrame {
  phyOffset: number;
  body: Buffer;
}

export function encodeOffsetReport(maxPhyOffset: number): Buffer {
  const buf = Buffer.allocUnsafe(OFFSET_REPORT_SIZE);
  writeInt64(buf, 0, maxPhyOffset);
  return buf;
}

/** The 12-byte header of a transfer frame; the body follows it on the wire (written separately, not copied). */
export function encodeTransferHeader(phyOffset: number, bodySize: number): Buffer {
  const buf = Buffer.allocUnsafe(TRANSFER_HEADER_SIZE);
  writeInt64(buf, 0, phyOffset);
  buf.writeInt32BE(bodySize, 8);
  return buf;
}

/** Reassembles 8-byte offset reports from chunks cut anywhere. */
export class OffsetReportDecoder {
  private partial = Buffer.alloc(0);

  push(chunk: Buffer): number[] {
    const buf = this.partial.length === 0 ? chunk : Buffer.concat([this.partial, chunk]);
    const reports: number[] = [];
    let at = 0;
    for (; buf.length - at >= OFFSET_REPORT_SIZE; at += OFFSET_REPORT_SIZE) reports.push(readInt64(buf, at));
    this.partial = Buffer.from(buf.subarray(at));
    return reports;
  }
}

/**
 * Reassembles transfer frames from chunks cut anywhere. The body size is checked against
 * `maxBodySize` before anything is allocated (Java's slave reads into a 4 MiB buffer, so that is the
 * most a master may send in one frame).
 */
export class TransferFrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxBodySize: number) {}

  push(chunk: Buffer): TransferFrame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: TransferFrame[] = [];
    for (;;) {
      if (this.buffered < TRANSFER_HEADER_SIZE) break;
      const header = this.peek(TRANSFER_HEADER_SIZE);
      const bodySize = header.readInt32BE(8);
      if (bodySize < 0 || bodySize > this.maxBodySize) {
        throw new ReplicationError(ReplicationErrorCode.FRAME_TOO_LARGE, `HA transfer frame announces ${bodySize} body bytes, outside 0..${this.maxBodySize}; is this peer an HA master?`);
      }
      if (this.buffered < TRANSFER_HEADER_SIZE + bodySize) break;
      const phyOffset = readInt64(header, 0);
      const frame = this.take(TRANSFER_HEADER_SIZE + bodySize);
      frames.push({ phyOffset, body: frame.subarray(TRANSFER_HEADER_SIZE) });
    }
    return frames;
  }

  /** Bytes received but not yet part of a whole frame. */
  pending(): number {
    return this.buffered;
  }

  private peek(length: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= length) return first;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(length: number): Buffer {
    const whole = this.peek(length);
    const frame = whole.subarray(0, length);
    const rest = whole.subarray(length);
    this.chunks.splice(0, 1);
    if (rest.length > 0) this.chunks.unshift(rest);
    this.buffered -= length;
    return frame;
  }
}
