import fc from 'fast-check';
import { ReplicationErrorCode } from './errors';
import { OffsetReportDecoder, TransferFrameDecoder, encodeOffsetReport, encodeTransferHeader, type TransferFrame } from './ha-frames';

function encodeFrame(frame: TransferFrame): Buffer {
  return Buffer.concat([encodeTransferHeader(frame.phyOffset, frame.body.length), frame.body]);
}

/** Cuts `bytes` at the given (sorted, deduplicated) positions. */
function cut(bytes: Buffer, positions: number[]): Buffer[] {
  const points = [...new Set(positions.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks;
}

const frameArb = fc.record({
  phyOffset: fc.maxSafeNat(),
  body: fc.uint8Array({ maxLength: 300 }).map((array) => Buffer.from(array)),
});

describe('HA frame codec', () => {
  it('golden bytes: an offset report is 8 bytes big-endian', () => {
    expect(encodeOffsetReport(0x0102030405).toString('hex')).toBe('0000000102030405');
  });

  it('golden bytes: a transfer frame is offset (8), size (4), body', () => {
    const frame = encodeFrame({ phyOffset: 2 ** 32 + 7, body: Buffer.from('abc') });
    expect(frame.toString('hex')).toBe('0000000100000007' + '00000003' + '616263');
  });

  it('round trip: frames survive any split of the stream, including one byte at a time', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), fc.boolean(), (frames, positions, byteAtATime) => {
        const stream = Buffer.concat(frames.map(encodeFrame));
        const chunks = byteAtATime ? [...stream].map((byte) => Buffer.from([byte])) : cut(stream, positions);
        const decoder = new TransferFrameDecoder(1024);
        const decoded = chunks.flatMap((chunk) => decoder.push(chunk));
        expect(decoded.map((f) => ({ phyOffset: f.phyOffset, body: Buffer.from(f.body) }))).toEqual(frames);
        expect(decoder.pending()).toBe(0);
      }),
    );
  });

  it('round trip: offset reports survive any split, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat(), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 20 }), (offsets, positions) => {
        const stream = Buffer.concat(offsets.map(encodeOffsetReport));
        const decoder = new OffsetReportDecoder();
        expect(cut(stream, positions).flatMap((chunk) => decoder.push(chunk))).toEqual(offsets);
      }),
    );
  });

  it('several frames in one chunk, and a frame cut inside its header', () => {
    const a = { phyOffset: 10, body: Buffer.from('hello') };
    const b = { phyOffset: 15, body: Buffer.alloc(0) };
    const c = { phyOffset: 15, body: Buffer.from('world!') };
    const stream = Buffer.concat([a, b, c].map(encodeFrame));
    const decoder = new TransferFrameDecoder(100);
    expect(decoder.push(stream.subarray(0, 30))).toHaveLength(2);
    expect(decoder.push(stream.subarray(30))).toEqual([expect.objectContaining({ phyOffset: 15, body: Buffer.from('world!') })]);
  });

  it('refuses a frame larger than the maximum before buffering its body', () => {
    const decoder = new TransferFrameDecoder(16);
    expect(() => decoder.push(encodeTransferHeader(0, 17))).toThrow(expect.objectContaining({ code: ReplicationErrorCode.FRAME_TOO_LARGE }));
    const negative = encodeTransferHeader(0, 0);
    negative.writeInt32BE(-1, 8);
    expect(() => new TransferFrameDecoder(16).push(negative)).toThrow(expect.objectContaining({ code: ReplicationErrorCode.FRAME_TOO_LARGE }));
  });
});
