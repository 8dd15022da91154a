// The bare baseline: a length-prefixed echo over plain Node sockets (int32 length | payload), with
// no headers, no JSON, no correlation table. It is written to be fast, not naive: the server echoes
// every complete frame of a chunk with one write, and the client refills the window with one write
// per chunk of answers, so the remoting transport is compared with the best plain Node can do.
import * as net from 'node:net';

/** Ends of the complete frames in buffer[0..], as the byte offset after the last one. */
function completeFramesEnd(buffer: Buffer): { end: number; frames: number } {
  let end = 0;
  let frames = 0;
  while (buffer.length - end >= 4) {
    const length = buffer.readUInt32BE(end);
    if (buffer.length - end - 4 < length) break;
    end += 4 + length;
    frames += 1;
  }
  return { end, frames };
}

/** Accumulates a stream and hands out the complete frames of each chunk. */
class FrameSplitter {
  private rest: Buffer = Buffer.alloc(0);

  /** The bytes of the complete frames now available (one slice), and how many frames they are. */
  push(chunk: Buffer): { bytes: Buffer; frames: number } {
    const buffer = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    const { end, frames } = completeFramesEnd(buffer);
    this.rest = buffer.subarray(end);
    return { bytes: buffer.subarray(0, end), frames };
  }
}

export function startEchoServer(): Promise<net.Server> {
  const server = net.createServer({ noDelay: true }, (socket) => {
    const splitter = new FrameSplitter();
    socket.on('data', (chunk: Buffer) => {
      const { bytes, frames } = splitter.push(chunk);
      if (frames > 0) socket.write(bytes);
    });
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A load generator keeping `inFlight` echo requests outstanding; the echo keeps them in order. */
export class EchoClient {
  private readonly splitter = new FrameSplitter();
  private readonly request: Buffer;
  private readonly sentAt: number[] = [];
  private sentHead = 0;
  private stopped = false;
  private drained: (() => void) | undefined;

  private constructor(
    private readonly socket: net.Socket,
    bodyBytes: number,
    private readonly onRoundTrip: (latencyMs: number) => void,
  ) {
    this.request = Buffer.alloc(4 + bodyBytes, 0x61);
    this.request.writeUInt32BE(bodyBytes, 0);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static connect(port: number, bodyBytes: number, onRoundTrip: (latencyMs: number) => void): Promise<EchoClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new EchoClient(socket, bodyBytes, onRoundTrip));
      });
    });
  }

  /** Sends `inFlight` requests and keeps that many outstanding until stop(). */
  start(inFlight: number): void {
    this.stopped = false;
    this.send(inFlight);
  }

  /** Stops refilling; resolves when every outstanding answer has arrived. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.sentHead === this.sentAt.length) return Promise.resolve();
    return new Promise((resolve) => (this.drained = resolve));
  }

  close(): void {
    this.socket.destroy();
  }

  private send(count: number): void {
    const now = performance.now();
    if (count > 1) this.socket.cork();
    for (let i = 0; i < count; i += 1) {
      this.sentAt.push(now);
      this.socket.write(this.request);
    }
    if (count > 1) this.socket.uncork();
  }

  private onData(chunk: Buffer): void {
    const { frames } = this.splitter.push(chunk);
    if (frames === 0) return;
    const now = performance.now();
    for (let i = 0; i < frames; i += 1) {
      this.onRoundTrip(now - this.sentAt[this.sentHead]!);
      this.sentHead += 1;
    }
    if (this.sentHead === this.sentAt.length) {
      this.sentAt.length = 0;
      this.sentHead = 0;
    }
    if (!this.stopped) this.send(frames);
    else if (this.sentHead === this.sentAt.length) this.drained?.();
  }
}
