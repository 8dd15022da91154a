import { encodeCommand, encodeCommandHeadInto, encodeCommandInto, decodeCommandFrame } from './frame-codec';
import { FrameSlab } from './frame-slab';
import { createRequest } from './remoting-command';

const request = (bodyBytes: number, opaque: number) => ({ ...createRequest(9001, { topic: 'T' }, Buffer.alloc(bodyBytes, opaque & 0xff)), opaque });

function frameOf(slab: FrameSlab): Buffer {
  return slab.lastBuffer.subarray(slab.lastStart, slab.lastEnd);
}

describe('FrameSlab', () => {
  it('puts consecutive frames next to each other in one buffer', () => {
    const slab = new FrameSlab(encodeCommandInto, 4096);
    slab.encode(request(100, 1));
    const first = { buffer: slab.lastBuffer, end: slab.lastEnd };
    slab.encode(request(100, 2));
    expect(slab.lastBuffer).toBe(first.buffer);
    expect(slab.lastStart).toBe(first.end);
    expect(frameOf(slab)).toEqual(encodeCommand(request(100, 2)));
  });

  it('starts a new buffer when the frame does not fit, and never rewrites frames handed out', () => {
    const slab = new FrameSlab(encodeCommandInto, 4096);
    const frames: Buffer[] = [];
    for (let opaque = 0; opaque < 40; opaque += 1) {
      slab.encode(request(300, opaque));
      frames.push(frameOf(slab));
    }
    expect(new Set(frames.map((frame) => frame.buffer)).size).toBeGreaterThan(2);
    frames.forEach((frame, opaque) => {
      const command = decodeCommandFrame(frame.subarray(4));
      expect(command.opaque).toBe(opaque);
      expect(command.body).toEqual(Buffer.alloc(300, opaque));
    });
  });

  it('gives a frame that does not fit and needs over a quarter of a slab a buffer of its own; the slab fills on after it', () => {
    const slab = new FrameSlab(encodeCommandInto, 4096);
    slab.encode(request(10, 1));
    const shared = slab.lastBuffer;
    const end = slab.lastEnd;
    slab.encode(request(5000, 2));
    expect(slab.largeFrameBytes).toBe(1024);
    expect(slab.lastBuffer).not.toBe(shared);
    expect(frameOf(slab)).toEqual(encodeCommand(request(5000, 2)));
    slab.encode(request(10, 3));
    expect(slab.lastBuffer).toBe(shared);
    expect(slab.lastStart).toBe(end);
  });

  it('takes another writer for one frame: the head of a large frame goes next to the small frames before it', () => {
    const slab = new FrameSlab(encodeCommandInto, 4096);
    slab.encode(request(10, 1));
    const { lastBuffer, lastEnd } = slab;
    const large = request(50_000, 2);
    slab.encode(large, undefined, encodeCommandHeadInto);
    expect(slab.lastBuffer).toBe(lastBuffer);
    expect(slab.lastStart).toBe(lastEnd);
    expect(Buffer.concat([frameOf(slab), large.body!])).toEqual(encodeCommand(large));
    slab.encode(request(10, 3));
    expect(frameOf(slab)).toEqual(encodeCommand(request(10, 3)));
  });

  it('leaves the slab as it was when encoding throws', () => {
    const slab = new FrameSlab(encodeCommandInto, 4096);
    slab.encode(request(10, 1));
    const { lastBuffer, lastEnd } = slab;
    expect(() => slab.encode({ ...request(10, 2), opaque: 2 ** 40 })).toThrow();
    slab.encode(request(10, 3));
    expect(slab.lastBuffer).toBe(lastBuffer);
    expect(slab.lastStart).toBe(lastEnd);
  });
});
