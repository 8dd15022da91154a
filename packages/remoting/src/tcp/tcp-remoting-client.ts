// The RocketMQ remoting client over TCP (Java NettyRemotingClient): one connection per address,
// made on demand, re-made on the next call after it closes; server-to-client requests run through
// the processors registered here.
import * as net from 'node:net';
import { parseAddress } from '../address';
import { RemotingError } from '../errors';
import { RemotingClientBase } from '../remoting-client-base';
import { TcpChannel } from './tcp-channel';
import { resolveTcpClientOptions } from './tcp-client-options';
import type { ResolvedTcpClientOptions, TcpClientOptions } from './tcp-client-options';

// Node >= 20.1 passes highWaterMark through to the socket's stream; @types/node 20 doesn't list it.
type ConnectOptions = net.NetConnectOpts & { highWaterMark: number };

export class TcpRemotingClient extends RemotingClientBase {
  private readonly options: ResolvedTcpClientOptions;

  constructor(options: TcpClientOptions = {}) {
    const resolved = resolveTcpClientOptions(options);
    super(resolved.log);
    this.options = resolved;
  }

  protected connect(address: string): Promise<TcpChannel> {
    let target: { host: string; port: number };
    try {
      target = parseAddress(address);
    } catch (error) {
      return Promise.reject(error);
    }
    const { connectTimeoutMs, socketHighWaterMark } = this.options;
    return new Promise<TcpChannel>((resolve, reject) => {
      const socket = net.connect({ host: target.host, port: target.port, noDelay: true, highWaterMark: socketHighWaterMark } as ConnectOptions);
      const fail = (message: string, cause?: unknown): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(new RemotingError('CONNECT_FAILED', `could not connect to ${address}: ${message}`, cause === undefined ? {} : { cause }));
      };
      const timer = setTimeout(() => fail(`no connection within ${connectTimeoutMs} ms`), connectTimeoutMs);
      const onError = (error: Error): void => fail(error.message, error);
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(
          new TcpChannel(socket, address, {
            dispatcher: this.dispatcher,
            maxInFlight: this.options.maxInFlightPerChannel,
            closeOnTimeout: this.options.closeChannelOnTimeout,
            log: this.log,
            maxFrameSize: this.options.maxFrameSize,
            writeDrainTimeoutMs: this.options.writeDrainTimeoutMs,
            idleTimeoutMs: 0,
            pauseReadsWhileCongested: false,
          }),
        );
      });
    });
  }
}
