// A pure incremental frame parser (in the spirit of nats.js core/src/parser.ts): the transport
// feeds it whatever chunks the socket produced and gets whole commands back. No sockets, no timers.
//
// Memory: chunks are held as they arrived and only copied when one frame spans several of them
// (one copy, exactly the frame's size, made when its last byte arrives). A frame inside one chunk
// is decoded from a view of it, so its body is a view too. Each length prefix is checked against
// maxFrameSize as soon as its 4 bytes are here, before anything is held for the frame, so a peer
// can make us hold at most maxFrameSize + 3 bytes. A peer that trickles tiny chunks can't make the
// chunk list (and the final copy's bookkeeping) grow without bound: once the list is long, small
// chunks are appended into a buffer of ours instead (like Netty's cumulation buffer).
import * as frameCodec from './frame-codec';
import * as layout from './frame-layout';
import type { FrameCodecOptions } from './frame-layout';
import type { RemotingCommand } from './remoting-command';

// Bound once at load: under CommonJS every use of an imported name is a getter call on the other
// module's exports, and these run for every frame received (bench:broker profile).
const { decodeFrameAt } = frameCodec;
const { LENGTH_PREFIX_SIZE, checkTotalLength, resolveFrameCodecOptions } = layout;

/** With at least this many chunks held, small chunks are copied into the tail buffer. */
const MAX_LISTED_CHUNKS = 16;
/** Chunks this large are always held as they are: copying them to save a list entry isn't worth it. */
const SMALL_CHUNK = 4096;
/** Capacity of a tail buffer (less when the current frame needs less). */
const TAIL_CAPACITY = 16 * 1024;

export interface FrameDecoderOptions extends FrameCodecOptions {
  /**
   * Binary headers' extFields are built when first read, and rawExtFieldsOf gives their bytes until
   * then (./binary-header). For servers, whose processors read every field by name; commands from such
   * a decoder keep extFields out of object spreads and JSON.stringify. @default false
   */
  lazyExtFields?: boolean;
}

export class FrameDecoder {
  private readonly maxFrameSize: number;
  private readonly lazyExtFields: boolean;
  /** Held bytes, oldest first; the first chunk's bytes before `headOffset` are already consumed. */
  private readonly chunks: Buffer[] = [];
  private headOffset = 0;
  /** Bytes held: in `chunks` after headOffset, plus tail[tailStart, tailEnd). */
  private held = 0;
  /** A buffer of ours collecting small chunks; bytes [tailStart, tailEnd) are not yet in `chunks`. */
  private tail: Buffer | undefined;
  private tailStart = 0;
  private tailEnd = 0;
  /** totalLength of the frame at the head, or -1 while its 4-byte prefix is incomplete. */
  private frameLength = -1;
  private failure: unknown;
  private failed = false;

  constructor(options?: FrameDecoderOptions) {
    this.maxFrameSize = resolveFrameCodecOptions(options).maxFrameSize;
    this.lazyExtFields = options?.lazyExtFields ?? false;
  }

  /**
   * Takes the next chunk of the stream and returns the commands it completes (often none, often
   * several). Throws ProtocolError BAD_FRAME, BAD_HEADER or FRAME_TOO_LARGE; after a throw the stream
   * can't be resynchronised, so the decoder drops what it holds and every later push throws the same
   * error: close the connection.
   */
  push(chunk: Buffer): RemotingCommand[] {
    if (this.failed) throw this.failure;
    try {
      this.append(chunk);
      return this.drain();
    } catch (error) {
      this.failed = true;
      this.failure = error;
      this.chunks.length = 0;
      this.tail = undefined;
      this.held = 0;
      throw error;
    }
  }

  /** Bytes held that do not yet form a whole frame (at most maxFrameSize + 3 between pushes). */
  pending(): number {
    return this.held;
  }

  private append(chunk: Buffer): void {
    const length = chunk.length;
    if (length === 0) return;
    if (length >= SMALL_CHUNK || this.chunks.length < MAX_LISTED_CHUNKS) {
      this.flushTail();
      this.chunks.push(chunk);
    } else {
      let tail = this.tail;
      if (tail === undefined || tail.length - this.tailEnd < length) {
        this.flushTail();
        // Never more than the current frame still needs (when known), so a false length prefix
        // can't make us allocate ahead of the bytes actually received.
        const needed = this.frameLength < 0 ? 0 : LENGTH_PREFIX_SIZE + this.frameLength - this.held;
        tail = Buffer.allocUnsafe(Math.max(length, Math.min(TAIL_CAPACITY, needed)));
        this.tail = tail;
        this.tailStart = 0;
        this.tailEnd = 0;
      }
      // Bytes before tailEnd may already be handed out as views (frames, bodies): only append.
      tail.set(chunk, this.tailEnd);
      this.tailEnd += length;
    }
    this.held += length;
  }

  /** Moves the tail's unlisted bytes into `chunks` as a view; later small chunks go after them. */
  private flushTail(): void {
    if (this.tail !== undefined && this.tailEnd > this.tailStart) {
      this.chunks.push(this.tail.subarray(this.tailStart, this.tailEnd));
      this.tailStart = this.tailEnd;
    }
  }

  private drain(): RemotingCommand[] {
    const commands: RemotingCommand[] = [];
    for (;;) {
      if (this.frameLength < 0) {
        if (this.held < LENGTH_PREFIX_SIZE) break;
        this.flushTail();
        const totalLength = this.peekPrefix();
        checkTotalLength(totalLength, this.maxFrameSize);
        this.frameLength = totalLength;
      }
      if (this.held < LENGTH_PREFIX_SIZE + this.frameLength) break;
      this.flushTail();
      const first = this.chunks[0]!;
      const start = this.headOffset + LENGTH_PREFIX_SIZE;
      const end = start + this.frameLength;
      this.frameLength = -1;
      if (end <= first.length) {
        // The whole frame is in the first chunk: decoded where it lies, no view of it is made.
        this.held -= end - this.headOffset;
        this.headOffset = end;
        if (end === first.length) this.shiftChunk();
        commands.push(decodeFrameAt(first, start, end, this.lazyExtFields));
      } else {
        this.skip(LENGTH_PREFIX_SIZE);
        const frame = this.take(end - start);
        commands.push(decodeFrameAt(frame, 0, frame.length, this.lazyExtFields));
      }
    }
    return commands;
  }

  /** The unsigned int32 at the head; needs 4 held bytes, all in `chunks`. */
  private peekPrefix(): number {
    const first = this.chunks[0]!;
    if (first.length - this.headOffset >= LENGTH_PREFIX_SIZE) return first.readUInt32BE(this.headOffset);
    let value = 0;
    let read = 0;
    let index = 0;
    let offset = this.headOffset;
    while (read < LENGTH_PREFIX_SIZE) {
      const chunk = this.chunks[index]!;
      while (offset < chunk.length && read < LENGTH_PREFIX_SIZE) {
        value = value * 256 + chunk[offset]!;
        offset++;
        read++;
      }
      index++;
      offset = 0;
    }
    return value;
  }

  private skip(count: number): void {
    this.held -= count;
    while (count > 0) {
      const first = this.chunks[0]!;
      const step = Math.min(first.length - this.headOffset, count);
      this.headOffset += step;
      count -= step;
      if (this.headOffset === first.length) this.shiftChunk();
    }
  }

  /** The next `count` held bytes (a frame that spans chunks): a view when they are in one chunk, else one copy. */
  private take(count: number): Buffer {
    this.held -= count;
    // count >= 4 (checkTotalLength) and is held, so there is a first chunk.
    const first = this.chunks[0]!;
    if (first.length - this.headOffset >= count) {
      const view = first.subarray(this.headOffset, this.headOffset + count);
      this.headOffset += count;
      if (this.headOffset === first.length) this.shiftChunk();
      return view;
    }
    const frame = Buffer.allocUnsafe(count);
    let copied = 0;
    while (copied < count) {
      const chunk = this.chunks[0]!;
      const step = Math.min(chunk.length - this.headOffset, count - copied);
      chunk.copy(frame, copied, this.headOffset, this.headOffset + step);
      copied += step;
      this.headOffset += step;
      if (this.headOffset === chunk.length) this.shiftChunk();
    }
    return frame;
  }

  private shiftChunk(): void {
    this.chunks.shift();
    this.headOffset = 0;
  }
}

