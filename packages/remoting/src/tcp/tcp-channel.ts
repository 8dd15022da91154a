// One TCP connection speaking RocketMQ remoting frames (reference §1), used by both the server
// (accepted sockets) and the client (connected sockets).
//
// Reads: a FrameDecoder is fed every chunk; bad bytes close only this connection, with a logged reason.
// Writes: frames produced in one tick are written together when the tick ends, or as soon as a
// batch is full (FLUSH_AFTER_FRAMES); that is where the throughput of many requests in flight comes
// from. Frames are encoded one after another into a slab shared by the process's channels
// (@pulsejet/protocol FrameSlab), so a batch is usually one buffer and one write() (not a writev of
// a buffer per frame), and no frame costs an allocation of its own; a large response body is not
// copied at all but written after its frame's head (SEPARATE_BODY_BYTES).
// Back-pressure: when the socket reports it (write() === false) we wait for 'drain' at most
// writeDrainTimeoutMs, then close the channel (aedes waitForDrain). A server also stops taking
// requests while it waits: it pauses the socket and holds the requests already decoded from the
// last chunk, so a peer that sends requests but never reads the answers makes us hold at most one
// chunk of requests and about one high-water mark of answers, not a chunk's worth of large answers
// (64 KiB of small requests could ask for GiBs).
import type { Socket } from 'node:net';
import * as protocol from '@pulsejet/protocol';
import type { FrameDecoder as FrameDecoderType, RemotingCommand } from '@pulsejet/protocol';
import { AbstractChannel } from '../abstract-channel';
import type { ChannelOptions } from '../abstract-channel';
import { RemotingError } from '../errors';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter
// call, which the profile of the send path showed per message.
const { DEFAULT_MAX_FRAME_SIZE, FrameDecoder, FrameSlab, RemotingCommandFlag, encodeCommandHeadInto, encodeCommandInto } = protocol;

/**
 * Where every TCP channel of the process encodes its frames. A channel's frames stay contiguous
 * while no other channel encodes in between, which is the common case within one tick.
 */
const slab = new FrameSlab(encodeCommandInto);

export interface TcpChannelOptions extends ChannelOptions {
  /** Largest frame accepted or sent (totalLength: the frame without its 4-byte prefix). */
  maxFrameSize: number;
  /** How long a congested socket may take to drain before the channel is closed. */
  writeDrainTimeoutMs: number;
  /** Close after this long without reads or writes; 0 never. */
  idleTimeoutMs: number;
  /** Stop reading while writes wait for drain (servers: yes; clients: no, to never deadlock a server doing the same). */
  pauseReadsWhileCongested: boolean;
}

// A batch is written early once it holds this many frames or bytes. Waiting for the end of the tick
// would send a whole window at once and leave the peer idle while we encode it (and us idle while it
// answers); a few smaller writes let both sides work at once. Measured with 64 requests of 1 KiB in
// flight between two processes: 32 frames gave ~75-85k round trips/s against ~40-50k for
// whole-tick batches, and less CPU per round trip; 16 or fewer cost more syscalls than they save.
const FLUSH_AFTER_FRAMES = 32;
const FLUSH_AFTER_BYTES = 64 * 1024;

/**
 * A response body of the slab's large-frame size or more (FrameSlab.largeFrameBytes) is written as it
 * is, after its frame's head, instead of being copied into the slab: the slab would give such a frame
 * a buffer of its own, so the copy cost an allocation as well. Pull replies are the case: a broker
 * reads 32 records of 1 KiB into a buffer of the reply's own, and copying them again doubled the
 * memory a drain churns through. Only responses: their bodies are the responder's (read for this
 * reply), while a request's body may be a caller's buffer that the caller reuses once request()
 * returned.
 */
const SEPARATE_BODY_BYTES = slab.largeFrameBytes;

interface DrainWaiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class TcpChannel extends AbstractChannel {
  private readonly decoder: FrameDecoderType;
  // undefined for the default limit: the codec then skips re-resolving options on every frame.
  private readonly encodeOptions: { maxFrameSize: number } | undefined;
  /** Encoded frames not yet written: earlier runs in `outbox`, the latest run in openRun*. */
  private outbox: Buffer[] = [];
  private outboxBytes = 0;
  private outboxFrames = 0;
  /** The run of frames encoded back to back in one slab buffer that the next frame may extend. */
  private openRunBuffer: Buffer | undefined;
  private openRunStart = 0;
  private openRunEnd = 0;
  /** Decoded requests held while congested, oldest first from backlogHead. */
  private backlog: RemotingCommand[] = [];
  private backlogHead = 0;
  private flushScheduled = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private drainWaiters: DrainWaiter[] = [];
  private socketError: Error | undefined;

  constructor(
    private readonly socket: Socket,
    remoteAddress: string,
    private readonly tcpOptions: TcpChannelOptions,
  ) {
    super(remoteAddress, 'tcp', tcpOptions);
    // Binary headers' extFields are built on first read (protocol's FrameDecoderOptions.lazyExtFields):
    // a server's hottest processors read the fields they know from the bytes (rawExtFieldsOf), and a
    // client that checks only a reply's code (a raw producer, heartbeats, offset commits) never builds
    // them. Every length is checked at decode either way.
    this.decoder = new FrameDecoder({ maxFrameSize: tcpOptions.maxFrameSize, lazyExtFields: true });
    this.encodeOptions = tcpOptions.maxFrameSize === DEFAULT_MAX_FRAME_SIZE ? undefined : { maxFrameSize: tcpOptions.maxFrameSize };
    // Requests and responses are small and latency-bound; we batch per tick ourselves.
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onSocketClose);
    if (tcpOptions.idleTimeoutMs > 0) {
      socket.setTimeout(tcpOptions.idleTimeoutMs);
      socket.on('timeout', this.onIdle);
    }
  }

  /** Whether writes are waiting for the peer to read (for tests and stats). */
  get congested(): boolean {
    return this.drainTimer !== undefined;
  }

  protected transmit(command: RemotingCommand): Promise<void> | undefined {
    const body = command.body;
    const separateBody = body !== undefined && body.length >= SEPARATE_BODY_BYTES && (command.flag & RemotingCommandFlag.RESPONSE) !== 0;
    // Throws ProtocolError FRAME_TOO_LARGE rather than sending a frame the peer would die on.
    if (separateBody) slab.encode(command, this.encodeOptions, encodeCommandHeadInto);
    else slab.encode(command, this.encodeOptions);
    const { lastBuffer, lastStart, lastEnd } = slab;
    if (lastBuffer === this.openRunBuffer && lastStart === this.openRunEnd) {
      this.openRunEnd = lastEnd;
    } else {
      this.closeOpenRun();
      this.openRunBuffer = lastBuffer;
      this.openRunStart = lastStart;
      this.openRunEnd = lastEnd;
    }
    this.outboxFrames += 1;
    this.outboxBytes += lastEnd - lastStart;
    if (separateBody) {
      // The body follows its head in the same writev; the next frame starts a new run after it.
      this.closeOpenRun();
      this.outbox.push(body);
      this.outboxBytes += body.length;
    }
    // A full batch goes out now (see FLUSH_AFTER_FRAMES); past the high-water mark that also shows
    // congestion before the next request runs.
    if (this.outboxFrames >= FLUSH_AFTER_FRAMES || this.outboxBytes >= FLUSH_AFTER_BYTES) this.flushOutbox();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      // nextTick runs after the current callback and its promise jobs, so every response a chunk of
      // requests produces (synchronously or in microtasks) goes out in one write.
      process.nextTick(this.flush);
    }
    if (this.drainTimer === undefined) return undefined;
    return new Promise<void>((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  protected closeTransport(reason: string): void {
    // What is already batched goes to the kernel first (e.g. the answer a processor sent just before
    // closing); destroy() then drops only what the kernel would not take.
    this.flushOutbox();
    this.stopWaitingForDrain(this.closedErrorOr(reason));
    this.socket.destroy();
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.isActive()) this.flushOutbox();
  };

  /** Moves the open run into the outbox as one buffer. */
  private closeOpenRun(): void {
    if (this.openRunBuffer === undefined) return;
    this.outbox.push(this.openRunBuffer.subarray(this.openRunStart, this.openRunEnd));
    this.openRunBuffer = undefined;
  }

  private flushOutbox(): void {
    this.closeOpenRun();
    const frames = this.outbox;
    if (frames.length === 0) return;
    this.outbox = [];
    this.outboxBytes = 0;
    this.outboxFrames = 0;
    if (this.socket.destroyed || !this.socket.writable) return;
    if (frames.length === 1) {
      this.socket.write(frames[0]!);
    } else {
      // Runs from several slab buffers: cork/uncork turns them into one writev.
      this.socket.cork();
      for (const frame of frames) this.socket.write(frame);
      this.socket.uncork();
    }
    // What write() returns, judged after the kernel took what it could: at or over the high-water
    // mark, write() said false (and set needDrain), so 'drain' will come.
    const accepted = this.socket.writableLength < this.socket.writableHighWaterMark;
    if (!accepted && this.drainTimer === undefined && this.isActive()) this.startWaitingForDrain();
  }

  private startWaitingForDrain(): void {
    this.drainTimer = setTimeout(this.onDrainTimeout, this.tcpOptions.writeDrainTimeoutMs);
    if (this.tcpOptions.pauseReadsWhileCongested) this.socket.pause();
  }

  private stopWaitingForDrain(error?: unknown): void {
    if (this.drainTimer === undefined) return;
    clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }

  private readonly onDrain = (): void => {
    if (this.drainTimer === undefined) return;
    this.stopWaitingForDrain();
    if (!this.tcpOptions.pauseReadsWhileCongested) return;
    // Held requests first (they came first); they may congest the socket again.
    this.processBacklog();
    if (this.drainTimer === undefined && this.isActive()) this.socket.resume();
  };

  private holdingRequests(): boolean {
    return this.drainTimer !== undefined && this.tcpOptions.pauseReadsWhileCongested;
  }

  private processBacklog(): void {
    while (this.backlogHead < this.backlog.length && this.isActive() && !this.holdingRequests()) {
      const command = this.backlog[this.backlogHead]!;
      this.backlogHead += 1;
      this.receive(command);
    }
    if (this.backlogHead >= this.backlog.length) {
      this.backlog = [];
      this.backlogHead = 0;
    }
  }

  private readonly onDrainTimeout = (): void => {
    const pending = this.socket.writableLength;
    const error = new RemotingError(
      'WRITE_TIMEOUT',
      `${this.remoteAddress} did not read ${pending} pending bytes within ${this.tcpOptions.writeDrainTimeoutMs} ms; closing the channel`,
    );
    this.options.log('warn', error.message);
    this.stopWaitingForDrain(error);
    this.terminate(`write timeout: ${pending} bytes not drained in ${this.tcpOptions.writeDrainTimeoutMs} ms`, { cause: error });
  };

  private readonly onData = (chunk: Buffer): void => {
    let commands: RemotingCommand[];
    try {
      commands = this.decoder.push(chunk);
    } catch (error) {
      // The stream can't be re-synchronised after a bad frame: drop this connection, keep the others.
      const message = error instanceof Error ? error.message : String(error);
      this.options.log('warn', `closing the connection from ${this.remoteAddress}: bad frame: ${message}`);
      this.terminate(`bad frame: ${message}`, { cause: error });
      return;
    }
    if (this.backlogHead < this.backlog.length) {
      this.backlog.push(...commands); // keep arrival order behind what is held
      return;
    }
    for (let i = 0; i < commands.length; i += 1) {
      if (!this.isActive()) return;
      if (this.holdingRequests()) {
        this.backlog = commands.slice(i);
        this.backlogHead = 0;
        return;
      }
      this.receive(commands[i]!);
    }
  };

  private readonly onEnd = (): void => {
    const pending = this.decoder.pending();
    if (pending > 0) {
      this.options.log('warn', `${this.remoteAddress} closed the connection in the middle of a frame (${pending} bytes of it received)`);
    }
  };

  private readonly onError = (error: Error): void => {
    this.socketError ??= error;
  };

  private readonly onIdle = (): void => {
    this.options.log('info', `closing the connection from ${this.remoteAddress}: idle for ${this.tcpOptions.idleTimeoutMs} ms`);
    this.terminate(`idle for ${this.tcpOptions.idleTimeoutMs} ms`);
  };

  private readonly onSocketClose = (): void => {
    const reason = this.socketError !== undefined ? `socket error: ${this.socketError.message}` : 'closed by peer';
    const options = this.socketError !== undefined ? { cause: this.socketError } : {};
    if (this.markClosed(reason, options)) {
      this.outbox = [];
      this.outboxBytes = 0;
      this.outboxFrames = 0;
      this.openRunBuffer = undefined;
      this.backlog = [];
      this.stopWaitingForDrain(this.closedErrorOr(reason));
    }
  };

  private closedErrorOr(reason: string): RemotingError {
    return this.closedError ?? new RemotingError('CHANNEL_CLOSED', `channel ${this.id} to ${this.remoteAddress} closed: ${reason}`);
  }
}
