import * as net from 'node:net';
import { ServiceLoop } from '@pulsejet/protocol';
import { GroupTransfer, type ReplicaWaitResult } from './group-transfer';
import { HAConnection, type SlaveConnectionInfo } from './ha-connection';
import { resolveHAMasterOptions, type HAMasterOptions, type ResolvedHAMasterOptions } from './options';

/**
 * The master's half of HA (RocketMQ's HAService on an ASYNC_MASTER or SYNC_MASTER): listens on the
 * HA port, streams the commit log to every slave that connects, tracks how far slaves acknowledged,
 * and lets SYNC_MASTER puts wait for a slave (group transfer).
 *
 *   const ha = new HAMasterService({ store, listenPort: 10912 });
 *   await ha.start();
 *   // SYNC_MASTER, after a put: await ha.waitForReplica(endOffset, syncFlushTimeout)
 *   await ha.close();
 */
export class HAMasterService {
  readonly options: ResolvedHAMasterOptions;
  private readonly connections = new Set<HAConnection>();
  private readonly transfer = new GroupTransfer();
  private readonly housekeeping: ServiceLoop;
  private server: net.Server | undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Where the store's log ended when this service was made, before this run wrote anything. */
  private readonly startEnd: number;
  /** The furthest any closed connection was sent; open ones are asked. */
  private closedSentUpTo = 0;

  constructor(options: HAMasterOptions) {
    this.options = resolveHAMasterOptions(options);
    this.startEnd = this.options.store.maxPhysicalOffset();
    this.housekeeping = new ServiceLoop({
      name: 'HA master housekeeping',
      intervalMs: Math.min(1000, this.options.heartbeatIntervalMs),
      task: () => {
        const now = Date.now();
        for (const connection of this.connections) connection.checkIdle(now);
      },
      onError: (error) => this.options.log('error', `HA master housekeeping failed: ${String(error)}`),
    });
  }

  /** Listens on the HA port. Idempotent. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('HAMasterService is closed; create a new one'));
    this.starting ??= this.listen();
    return this.starting;
  }

  private async listen(): Promise<void> {
    const server = net.createServer((socket) => this.accept(socket));
    server.on('error', (error) => this.options.log('error', `HA master: server error: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      const failed = (error: Error): void => reject(new Error(`HA master could not listen on ${this.options.host}:${this.options.listenPort}: ${error.message}; choose another haListenPort`, { cause: error }));
      server.once('error', failed);
      server.listen(this.options.listenPort, this.options.host, () => {
        server.off('error', failed);
        resolve();
      });
    });
    this.server = server;
    this.unsubscribe = this.options.store.onCommitLogGrowth(() => {
      for (const connection of this.connections) connection.notifyGrowth();
    });
    this.housekeeping.start();
  }

  /** Where slaves connect, once started. */
  address(): { host: string; port: number } | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? { host: address.address, port: address.port } : undefined;
  }

  /** Attached slaves (streaming or still being checked). */
  connectedSlaves(): SlaveConnectionInfo[] {
    return [...this.connections].map((connection) => connection.info());
  }

  /** The highest offset a streaming slave has acknowledged; -1 when no slave streams. */
  get slaveAckOffset(): number {
    let ack = -1;
    for (const connection of this.connections) if (connection.isStreaming() && connection.ack() > ack) ack = connection.ack();
    return ack;
  }

  /**
   * Whether a slave is attached and no more than `maxLagBytes` behind `endOffset` (RocketMQ's
   * HAService.isSlaveOK, checked per put with the put's end offset).
   */
  isSlaveOk(maxLagBytes = this.options.maxGapNotInSync, endOffset = this.options.store.maxPhysicalOffset()): boolean {
    const ack = this.slaveAckOffset;
    return ack >= 0 && endOffset - ack < maxLagBytes;
  }

  /**
   * SYNC_MASTER: resolves 'OK' once a slave has acknowledged everything below `endOffset` (a put's
   * end), 'FLUSH_SLAVE_TIMEOUT' if that takes longer than `timeoutMs`, and 'SLAVE_NOT_AVAILABLE' at
   * once when no slave streams or the best one lags more than maxGapNotInSync. Concurrent waits share
   * one structure, released together by each ack (group transfer).
   */
  waitForReplica(endOffset: number, timeoutMs: number): Promise<ReplicaWaitResult> {
    if (this.closing) return Promise.resolve('SLAVE_NOT_AVAILABLE');
    if (this.slaveAckOffset >= endOffset) return Promise.resolve('OK');
    if (!this.isSlaveOk(this.options.maxGapNotInSync, endOffset)) return Promise.resolve('SLAVE_NOT_AVAILABLE');
    return this.transfer.wait(endOffset, timeoutMs);
  }

  /** Puts waiting for a slave. */
  pendingReplicaWaits(): number {
    return this.transfer.pending();
  }

  /** Stops listening and drops every slave; pending waits answer SLAVE_NOT_AVAILABLE. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.unsubscribe?.();
    await this.housekeeping.close();
    for (const connection of [...this.connections]) connection.close();
    this.transfer.releaseAll('SLAVE_NOT_AVAILABLE');
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * A slave whose log ends beyond anything this master has had in this run (its log's end at start,
   * or what it sent any slave since) holds data this master did not give it: the master lost it
   * (store deleted, unflushed tail lost in a crash), or the slave followed another master. Either
   * way the owner is told (onSlaveAhead); whether the slave is then refused is begin()'s decision.
   */
  private checkSlaveEnd(reporting: HAConnection, slaveEnd: number): void {
    let had = Math.max(this.startEnd, this.closedSentUpTo);
    for (const connection of this.connections) if (connection !== reporting) had = Math.max(had, connection.info().transferOffset);
    if (slaveEnd <= had) return;
    this.options.onSlaveAhead({ slaveAddress: reporting.address, slaveEnd, masterStartEnd: this.startEnd, masterEnd: this.options.store.maxPhysicalOffset() });
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const connection = new HAConnection(socket, this.options, {
      onFirstReport: (reporting, slaveEnd) => this.checkSlaveEnd(reporting, slaveEnd),
      onAck: (_connection, offset) => this.transfer.ack(offset),
      onClose: (closed) => {
        this.closedSentUpTo = Math.max(this.closedSentUpTo, closed.info().transferOffset);
        if (this.connections.delete(closed)) this.options.log('info', `HA master: slave ${closed.address} disconnected`);
      },
    });
    this.connections.add(connection);
    this.options.log('info', `HA master: slave connected from ${connection.address}`);
  }
}
