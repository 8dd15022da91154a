// The RocketMQ remoting server over TCP (Java NettyRemotingServer): accepts connections, runs the
// shared dispatcher on their requests, closes idle ones, and can call its clients back.
import * as net from 'node:net';
import { formatAddress } from '../address';
import { RemotingServerBase } from '../remoting-server-base';
import { TcpChannel } from './tcp-channel';
import { resolveTcpServerOptions } from './tcp-server-options';
import type { ResolvedTcpServerOptions, TcpServerOptions } from './tcp-server-options';

export class TcpRemotingServer extends RemotingServerBase {
  private readonly options: ResolvedTcpServerOptions;
  private readonly server: net.Server;
  private listening: string | undefined;

  constructor(options: TcpServerOptions = {}) {
    const resolved = resolveTcpServerOptions(options);
    super(resolved.log);
    this.options = resolved;
    this.server = net.createServer({ noDelay: true, highWaterMark: resolved.socketHighWaterMark }, this.onConnection);
  }

  address(): string {
    if (this.listening === undefined) throw new Error('the server has no address until start() has resolved');
    return this.listening;
  }

  protected listen(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        this.server.on('error', (error) => this.log('error', `server ${this.listening ?? ''} error: ${error.message}`));
        const bound = this.server.address() as net.AddressInfo;
        this.listening = formatAddress(this.options.host, bound.port);
        resolve();
      });
    });
  }

  protected stopListening(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    // Resolves once every connection is gone; the base closes them right after calling this.
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private readonly onConnection = (socket: net.Socket): void => {
    const remote = formatAddress(socket.remoteAddress ?? 'unknown', socket.remotePort ?? 0);
    if (this.isClosing()) {
      socket.destroy();
      return;
    }
    const channel = new TcpChannel(socket, remote, {
      dispatcher: this.dispatcher,
      maxInFlight: this.options.maxInFlightPerChannel,
      closeOnTimeout: false,
      log: this.log,
      maxFrameSize: this.options.maxFrameSize,
      writeDrainTimeoutMs: this.options.writeDrainTimeoutMs,
      idleTimeoutMs: this.options.channelIdleTimeoutMs,
      pauseReadsWhileCongested: true,
    });
    this.addChannel(channel);
  };
}
