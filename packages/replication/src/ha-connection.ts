import type { Socket } from 'node:net';
import { formatAddress } from '@pulsejet/remoting';
import { OffsetReportDecoder, encodeTransferHeader } from './ha-frames';
import type { ResolvedHAMasterOptions } from './options';
import { Wakeup } from './wakeup';

/** What the master shows about one attached slave. */
export interface SlaveConnectionInfo {
  /** The slave's address as the master sees it ("host:port"). */
  address: string;
  /** 'handshake' until the slave's first report is accepted; then 'streaming'. */
  state: 'handshake' | 'streaming';
  /** The slave's last reported end of log (-1 before its first report). */
  ackOffset: number;
  /** Next offset the master will send. */
  transferOffset: number;
  /** Master's end minus the slave's ack. */
  lagBytes: number;
  /** Bytes written to the socket but not yet taken by the kernel (bounded: see send()). */
  bufferedBytes: number;
  connectedAt: number;
  lastReportAt: number;
}

export interface HAConnectionEvents {
  /** The slave's first report: where its log ends, before the master decides where to stream from. */
  onFirstReport(connection: HAConnection, slaveEnd: number): void;
  /** A streaming slave reported `offset` (it has every byte below it). */
  onAck(connection: HAConnection, offset: number): void;
  onClose(connection: HAConnection): void;
}

/**
 * The master's end of one slave connection (RocketMQ's HAConnection with its read and write
 * services): reads the slave's offset reports, decides from the first one where streaming starts
 * (or refuses the slave), then pushes the log from there as it grows, honouring back-pressure:
 * the next range is read from the store only once the socket has drained.
 */
export class HAConnection {
  readonly address: string;
  readonly connectedAt = Date.now();
  private state: 'handshake' | 'streaming' | 'closed' = 'handshake';
  private ackOffset = -1;
  private transferOffset = 0;
  private lastReportAt = Date.now();
  private lastWriteAt = 0;
  private readonly reports = new OffsetReportDecoder();
  private readonly wakeup = new Wakeup();

  constructor(
    private readonly socket: Socket,
    private readonly options: ResolvedHAMasterOptions,
    private readonly events: HAConnectionEvents,
  ) {
    this.address = formatAddress(socket.remoteAddress ?? '?', socket.remotePort ?? 0);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.options.log('warn', `HA master: connection from slave ${this.address} failed: ${error.message}`));
    socket.on('close', () => this.closed());
  }

  isStreaming(): boolean {
    return this.state === 'streaming';
  }

  ack(): number {
    return this.ackOffset;
  }

  info(): SlaveConnectionInfo {
    return {
      address: this.address,
      state: this.state === 'streaming' ? 'streaming' : 'handshake',
      ackOffset: this.ackOffset,
      transferOffset: this.transferOffset,
      lagBytes: this.ackOffset < 0 ? this.options.store.maxPhysicalOffset() : Math.max(0, this.options.store.maxPhysicalOffset() - this.ackOffset),
      bufferedBytes: this.socket.writableLength,
      connectedAt: this.connectedAt,
      lastReportAt: this.lastReportAt,
    };
  }

  /** The log grew: send more if idle. */
  notifyGrowth(): void {
    this.wakeup.wake();
  }

  /** Drops a slave silent for longer than the housekeeping interval (Java HAConnection's read timeout). */
  checkIdle(now: number): void {
    if (this.state !== 'closed' && now - this.lastReportAt > this.options.housekeepingIntervalMs) {
      this.options.log('warn', `HA master: slave ${this.address} sent no offset report for ${now - this.lastReportAt} ms; closing its connection`);
      this.close();
    }
  }

  close(): void {
    if (this.state === 'closed') return;
    this.socket.destroy();
    this.closed();
  }

  private closed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.wakeup.wake();
    this.events.onClose(this);
  }

  private onData(chunk: Buffer): void {
    let reports: number[];
    try {
      reports = this.reports.push(chunk);
    } catch (error) {
      this.options.log('error', `HA master: slave ${this.address} sent an offset that is not a safe integer (${String(error)}); closing`);
      this.close();
      return;
    }
    for (const offset of reports) {
      if (this.state === 'closed') return;
      this.lastReportAt = Date.now();
      if (this.state === 'handshake') this.begin(offset);
      else this.acknowledge(offset);
    }
  }

  private acknowledge(offset: number): void {
    if (offset > this.transferOffset) {
      this.refuse(offset, `reports offset ${offset}, beyond the ${this.transferOffset} bytes it was sent`);
      return;
    }
    if (offset <= this.ackOffset) return;
    this.ackOffset = offset;
    this.events.onAck(this, offset);
  }

  /**
   * The first report says where the slave's log ends. A slave at 0 gets everything the master still
   * keeps (from its oldest segment; Java starts such a slave at the master's last segment instead,
   * which leaves it without the older messages a failover would need). Any other offset must be a
   * record boundary of the master's log that the master still has; the bytes just before it are sent
   * again so the slave can check that both logs agree there.
   */
  private begin(offset: number): void {
    this.events.onFirstReport(this, offset);
    const store = this.options.store;
    const end = store.maxPhysicalOffset();
    const min = store.minPhysicalOffset();
    let start = offset;
    if (offset === 0) {
      start = min;
    } else {
      const kind = store.commitLogOffsetKind(offset);
      if (kind === 'beyond-end') {
        this.refuse(offset, `is ahead of the master: its commit log ends at ${offset}, the master's at ${end}. Its extra data was not written by this master; wipe the slave's store, or make it the master`);
        return;
      }
      if (kind === 'below-min') {
        this.refuse(offset, `ends at ${offset}, before the oldest data this master keeps (${min}); wipe the slave's store so it copies from ${min}`);
        return;
      }
      if (kind === 'not-boundary') {
        this.refuse(offset, `ends at ${offset}, inside a record of the master's log: the logs diverged. Wipe the slave's store and restart it`);
        return;
      }
    }
    this.state = 'streaming';
    this.transferOffset = start;
    this.ackOffset = offset;
    this.options.log('info', `HA master: slave ${this.address} attached at offset ${offset}; streaming from ${start}`);
    this.events.onAck(this, offset);
    void this.pump(offset > 0 ? this.resumeCheck(offset) : undefined);
  }

  /** Bytes just before `offset` for the slave to compare (in its segment, or its previous segment's start). */
  private resumeCheck(offset: number): { phyOffset: number; body: Buffer } | undefined {
    const bytes = this.options.resumeCheckBytes;
    if (bytes <= 0) return undefined;
    const store = this.options.store;
    const segmentSize = store.commitLogSegmentSize();
    const within = offset % segmentSize;
    // Within the segment, the bytes before a boundary are records. At a segment start they would be
    // the previous segment's padding, which is not data, so its first bytes are compared instead.
    const from = within > 0 ? offset - Math.min(bytes, within) : offset - segmentSize;
    if (from < store.minPhysicalOffset()) return undefined;
    const body = store.readCommitLogRange(from, within > 0 ? offset - from : bytes);
    return body.length > 0 ? { phyOffset: from, body } : undefined;
  }

  /**
   * Refusal on the wire: an empty frame at an offset below the slave's own end (here the master's end,
   * or just below the slave's), which no slave can take for data. A Java slave logs "master pushed
   * offset not equal the max phy offset in slave" and disconnects; ours reports REFUSED_BY_MASTER.
   */
  private refuse(offset: number, why: string): void {
    const answer = Math.min(this.options.store.maxPhysicalOffset(), offset - 1);
    this.options.log('error', `HA master: refusing slave ${this.address}: it ${why}`);
    this.socket.end(encodeTransferHeader(Math.max(0, answer), 0));
    this.state = 'closed';
    this.events.onClose(this);
    // end() lets the refusal frame out; the socket is destroyed if the slave does not hang up.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private async pump(resumeCheck: { phyOffset: number; body: Buffer } | undefined): Promise<void> {
    try {
      if (resumeCheck) await this.send([resumeCheck]);
      while (this.state === 'streaming') {
        const store = this.options.store;
        if (this.transferOffset < store.maxPhysicalOffset()) {
          if (this.transferOffset < store.minPhysicalOffset()) {
            this.options.log('error', `HA master: the data slave ${this.address} needs next (${this.transferOffset}) was deleted by retention; closing (the slave must be wiped)`);
            this.close();
            return;
          }
          const frames = this.collect();
          if (frames.length === 0) {
            await this.wakeup.wait(this.options.heartbeatIntervalMs);
            continue;
          }
          await this.send(frames);
          continue;
        }
        const idle = Date.now() - this.lastWriteAt;
        if (idle >= this.options.heartbeatIntervalMs) {
          await this.send([{ phyOffset: this.transferOffset, body: Buffer.alloc(0) }]);
          continue;
        }
        await this.wakeup.wait(this.options.heartbeatIntervalMs - idle);
      }
    } catch (error) {
      this.options.log('warn', `HA master: streaming to slave ${this.address} failed: ${String(error)}`);
      this.close();
    }
  }

  /**
   * Everything new, as frames of at most transferBatchSize, up to about maxBytesPerWrite: what one
   * turn of the writer appended leaves in one socket write, so the slave is woken once for it
   * rather than once per frame.
   */
  private collect(): { phyOffset: number; body: Buffer }[] {
    const store = this.options.store;
    const frames: { phyOffset: number; body: Buffer }[] = [];
    for (let bytes = 0; bytes < this.options.maxBytesPerWrite && this.transferOffset < store.maxPhysicalOffset(); ) {
      const body = store.readCommitLogRange(this.transferOffset, this.options.transferBatchSize);
      if (body.length === 0) break;
      frames.push({ phyOffset: this.transferOffset, body });
      this.transferOffset += body.length;
      bytes += body.length;
    }
    return frames;
  }

  /** Writes frames in one write call; waits for 'drain' when the socket's buffer is full (a slow slave). */
  private async send(frames: readonly { phyOffset: number; body: Buffer }[]): Promise<void> {
    if (this.state === 'closed') return;
    this.lastWriteAt = Date.now();
    // Corked: headers and bodies leave in one writev (no copy into a joined buffer).
    this.socket.cork();
    let flushed = true;
    for (const { phyOffset, body } of frames) {
      flushed = this.socket.write(encodeTransferHeader(phyOffset, body.length));
      if (body.length > 0) flushed = this.socket.write(body);
    }
    this.socket.uncork();
    if (flushed) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }
}
