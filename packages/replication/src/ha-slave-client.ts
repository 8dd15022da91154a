import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { ReplicaAppendError, ReplicaErrorCode } from '@pulsejet/core';
import { parseAddress } from '@pulsejet/remoting';
import { ReplicationError, ReplicationErrorCode } from './errors';
import { encodeOffsetReport } from './ha-frames';
import { resolveHASlaveOptions, type HASlaveOptions, type ResolvedHASlaveOptions } from './options';
import { SlaveStream } from './slave-stream';
import { Wakeup } from './wakeup';

/**
 * - `idle`: not started, or no master address yet;
 * - `connecting`: opening the TCP connection (or waiting to retry);
 * - `connected`: offset reported, receiving the log;
 * - `refused`: the logs diverged or the slave is ahead; replication stopped (see lastError());
 * - `closed`.
 */
export type HASlaveState = 'idle' | 'connecting' | 'connected' | 'refused' | 'closed';

export interface HASlaveStats {
  state: HASlaveState;
  masterAddress: string | undefined;
  /** The slave store's end of log (= what it reports to the master). */
  maxOffset: number;
  /** End of the bytes received from the master (≥ maxOffset while a partial record is buffered). */
  receivedOffset: number;
  /** When a frame (data or heartbeat) last arrived, ms since the epoch; 0 if never. */
  lastMasterContactAt: number;
  bytesReceived: number;
  /** Successful connections so far. */
  connections: number;
  lastError: Error | undefined;
}

/** Events: 'state' (HASlaveState), 'appended' (new end offset), 'refused' (ReplicationError). */
export interface HASlaveEvents {
  state: [HASlaveState];
  appended: [number];
  refused: [ReplicationError];
}

/**
 * The slave's half of HA (RocketMQ's HAService.HAClient): connects to the master's HA port, reports
 * its commit-log end, appends what the master streams at the same offsets (the store dispatches it
 * to consume queues and the key index), and reports again after each append and every
 * reportIntervalMs. Reconnects with backoff; stops for good, in state 'refused', when its log and the
 * master's disagree, so a diverged slave is never silently overwritten or extended.
 *
 *   const slave = new HASlaveClient({ store, masterAddress: '10.0.0.1:10912' });
 *   slave.start();
 *   // later: slave.updateMasterAddress(addressFromNameserver); await slave.close();
 */
export class HASlaveClient extends EventEmitter<HASlaveEvents> {
  readonly options: ResolvedHASlaveOptions;
  private masterAddress: string | undefined;
  private current: HASlaveState = 'idle';
  private started = false;
  private running: Promise<void> | undefined;
  private socket: net.Socket | undefined;
  private readonly retry = new Wakeup();
  private lastError: Error | undefined;
  private lastContactAt = 0;
  private bytesReceived = 0;
  private connections = 0;
  private receivedOffset = 0;

  constructor(options: HASlaveOptions) {
    super();
    this.options = resolveHASlaveOptions(options);
    this.masterAddress = this.options.masterAddress;
    if (this.masterAddress) parseAddress(this.masterAddress);
  }

  state(): HASlaveState {
    return this.current;
  }

  stats(): HASlaveStats {
    const maxOffset = this.options.store.maxPhysicalOffset();
    return {
      state: this.current,
      masterAddress: this.masterAddress,
      maxOffset,
      receivedOffset: Math.max(maxOffset, this.receivedOffset),
      lastMasterContactAt: this.lastContactAt,
      bytesReceived: this.bytesReceived,
      connections: this.connections,
      lastError: this.lastError,
    };
  }

  /** Starts replicating (now, or once a master address is known). Idempotent. */
  start(): void {
    if (this.started || this.current === 'closed') return;
    this.started = true;
    this.running = this.run();
  }

  /**
   * Points the slave at another master (the nameserver's registration answer names it). A change
   * drops the current connection and connects to the new address; undefined stops until one is set.
   */
  updateMasterAddress(address: string | undefined): void {
    if (address) parseAddress(address);
    if (address === this.masterAddress) return;
    this.masterAddress = address;
    this.options.log('info', `HA slave: master address is now ${address ?? '(none)'}`);
    this.socket?.destroy();
    this.retry.wake();
  }

  /** Disconnects and stops. Idempotent. */
  async close(): Promise<void> {
    if (this.current === 'closed') return;
    this.setState('closed');
    this.socket?.destroy();
    this.retry.wake();
    await this.running;
  }

  private setState(state: HASlaveState): void {
    if (this.current === state || this.current === 'closed') return;
    this.current = state;
    this.emit('state', state);
  }

  private stopped(): boolean {
    return this.current === 'closed' || this.current === 'refused';
  }

  private async run(): Promise<void> {
    let delay = this.options.reconnectMinMs;
    while (!this.stopped()) {
      const address = this.masterAddress;
      if (!address) {
        this.setState('idle');
        await this.retry.wait(this.options.reportIntervalMs);
        continue;
      }
      this.setState('connecting');
      const streamed = await this.session(address);
      if (this.stopped()) break;
      delay = streamed ? this.options.reconnectMinMs : Math.min(delay * 2, this.options.reconnectMaxMs);
      if (address === this.masterAddress) await this.retry.wait(streamed ? this.options.reconnectMinMs : delay);
    }
  }

  /** One connection's life; resolves when it ends. True if the master sent anything (so retry soon). */
  private async session(address: string): Promise<boolean> {
    const { host, port } = parseAddress(address);
    const store = this.options.store;
    const socket = net.connect({ host, port });
    this.socket = socket;
    socket.setNoDelay(true);
    let received = false;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`connect timed out after ${this.options.connectTimeoutMs} ms`)), this.options.connectTimeoutMs);
        socket.once('connect', () => {
          clearTimeout(timeout);
          resolve();
        });
        socket.once('error', (error) => {
          clearTimeout(timeout);
          reject(error);
        });
        socket.once('close', () => {
          clearTimeout(timeout);
          reject(new Error('connection closed'));
        });
      });
    } catch (error) {
      socket.destroy();
      this.options.log('warn', `HA slave: cannot connect to master ${address}: ${(error as Error).message}; retrying`);
      return false;
    }
    if (this.stopped() || address !== this.masterAddress) {
      socket.destroy();
      return false;
    }
    this.connections += 1;
    this.setState('connected');
    this.options.log('info', `HA slave: connected to master ${address}, reporting offset ${store.maxPhysicalOffset()}`);
    let lastReportAt = 0;
    const report = (offset: number): void => {
      lastReportAt = Date.now();
      if (!socket.destroyed) socket.write(encodeOffsetReport(offset));
    };
    // Frames are appended once per event-loop turn and reported once per append (see SlaveStream).
    // Too much waiting to be appended pauses the socket, so a slow slave pushes back on the master
    // through TCP instead of filling memory here.
    const stream = new SlaveStream(store, this.options.maxFrameBodySize, {
      acknowledge: report,
      appended: (end) => {
        this.receivedOffset = stream.receivedOffset();
        this.emit('appended', end);
      },
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      fail: (error) => this.fail(error, socket),
      log: this.options.log,
    });
    report(stream.durableOffset());
    let connectedAt = Date.now();
    timer = setInterval(() => {
      const now = Date.now();
      if (now - Math.max(this.lastContactAt, connectedAt) > this.options.housekeepingIntervalMs) {
        this.options.log('warn', `HA slave: master ${address} silent for ${now - Math.max(this.lastContactAt, connectedAt)} ms; reconnecting`);
        socket.destroy();
        return;
      }
      if (now - lastReportAt >= this.options.reportIntervalMs) report(stream.durableOffset());
    }, Math.min(1000, this.options.reportIntervalMs));
    timer.unref();

    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', (error) => this.options.log('warn', `HA slave: connection to master ${address} failed: ${error.message}`));
    socket.on('data', (chunk: Buffer) => {
      received = true;
      this.lastContactAt = Date.now();
      this.bytesReceived += chunk.length;
      stream.receive(chunk);
      this.receivedOffset = stream.receivedOffset();
    });
    await ended;
    await stream.close();
    clearInterval(timer);
    timer = undefined;
    connectedAt = 0;
    if (!this.stopped()) this.setState('connecting');
    return received;
  }

  private fail(error: unknown, socket: net.Socket): void {
    socket.destroy();
    const refused =
      ReplicationError.is(error) && error.code !== ReplicationErrorCode.UNEXPECTED_OFFSET
        ? error
        : ReplicaAppendError.is(error) && error.code === ReplicaErrorCode.CORRUPT_DATA
          ? new ReplicationError(ReplicationErrorCode.CORRUPT_STREAM, `${error.message}; replication stopped`, { cause: error })
          : undefined;
    this.lastError = error instanceof Error ? error : new Error(String(error));
    if (refused && this.current !== 'closed') {
      this.lastError = refused;
      this.options.log('error', `HA slave: ${refused.message}`);
      this.setState('refused');
      this.emit('refused', refused);
      this.retry.wake();
      return;
    }
    if (this.current !== 'closed') this.options.log('warn', `HA slave: ${this.lastError.message}; reconnecting`);
  }
}
