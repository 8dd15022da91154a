// Room for encoded frames, handed out from large buffers one after another (a bump allocator).
//
// Why: Buffer.allocUnsafe for a frame of ~1 KiB cost ~0.55 us in bench:remoting (Node's pool is
// 8 KiB, so a new pool every few frames), more than writing the JSON header. Frames encoded one
// after another into a slab also lie next to each other, so a transport can write a whole batch as
// one buffer. Nothing is ever written twice into a slab: a frame handed out (to a socket, to a
// caller) stays valid while anything references it, and a slab is garbage once its frames are.
import type { FrameCodecOptions } from './frame-layout';
import type { RemotingCommand } from './remoting-command';

/** Writes a frame into target[offset..]; the offset after it, or minus the room needed (encodeCommandInto). */
export type FrameWriter = (command: RemotingCommand, target: Buffer, offset: number, options?: FrameCodecOptions) => number;

export class FrameSlab {
  private buffer: Buffer;
  private offset = 0;
  /** Where the last encode() put its frame: lastBuffer[lastStart, lastEnd). */
  lastBuffer: Buffer;
  lastStart = 0;
  lastEnd = 0;

  /**
   * @param size bytes per slab; a frame needing more than a quarter of it gets a buffer of its own,
   *   so one large frame does not throw away the rest of a slab.
   */
  constructor(
    private readonly write: FrameWriter,
    private readonly size = 64 * 1024,
  ) {
    this.buffer = Buffer.allocUnsafeSlow(size);
    this.lastBuffer = this.buffer;
  }

  /** Frames needing more room than this get a buffer of their own: a quarter of a slab. */
  get largeFrameBytes(): number {
    return this.size >>> 2;
  }

  /**
   * Encodes `command` after the previous frame; read where it went from lastBuffer/lastStart/lastEnd.
   * `write` replaces the slab's writer for this frame (e.g. one that writes a frame's head only).
   */
  encode(command: RemotingCommand, options?: FrameCodecOptions, write: FrameWriter = this.write): void {
    const end = write(command, this.buffer, this.offset, options);
    if (end >= 0) {
      this.place(this.buffer, this.offset, end);
      this.offset = end;
      return;
    }
    const needed = -end;
    if (needed > this.largeFrameBytes) {
      const own = Buffer.allocUnsafeSlow(needed);
      this.place(own, 0, write(command, own, 0, options));
      return;
    }
    this.buffer = Buffer.allocUnsafeSlow(this.size);
    this.offset = write(command, this.buffer, 0, options);
    this.place(this.buffer, 0, this.offset);
  }

  private place(buffer: Buffer, start: number, end: number): void {
    this.lastBuffer = buffer;
    this.lastStart = start;
    this.lastEnd = end;
  }
}
