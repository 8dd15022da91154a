// Options of TcpRemotingClient: one interface, every field with its default, resolved once (STYLE.md habit 8).
import { DEFAULT_MAX_FRAME_SIZE } from '@pulsejet/protocol';
import { DEFAULT_MAX_IN_FLIGHT } from '../in-flight';
import { defaultRemotingLog } from '../log';
import type { RemotingLog } from '../log';
import { DEFAULT_SOCKET_HIGH_WATER_MARK, DEFAULT_WRITE_DRAIN_TIMEOUT_MS } from './tcp-server-options';

/** tcp-base's fallback and Java NettyClientConfig.connectTimeoutMillis. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;

export interface TcpClientOptions {
  /** Give up connecting after this long (CONNECT_FAILED). @default 3000 */
  connectTimeoutMs?: number;
  /** Requests awaiting responses per connection; more fail with TOO_MANY_IN_FLIGHT. @default 65536 */
  maxInFlightPerChannel?: number;
  /**
   * Close the connection when a request on it times out, failing everything else in flight on it
   * (ali-ons does; Java and this default keep it, since a slow answer isn't a dead peer). @default false
   */
  closeChannelOnTimeout?: boolean;
  /** Largest frame accepted or sent, counted without its 4-byte length prefix. @default 16 MiB */
  maxFrameSize?: number;
  /** Close a connection whose socket hasn't drained for this long after write() returned false. @default 30000 */
  writeDrainTimeoutMs?: number;
  /** Socket high-water mark, bytes. @default 1 MiB */
  socketHighWaterMark?: number;
  /** @default warnings and errors to stderr */
  log?: RemotingLog;
}

export type ResolvedTcpClientOptions = Required<TcpClientOptions>;

export function resolveTcpClientOptions(options: TcpClientOptions = {}): ResolvedTcpClientOptions {
  return {
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    maxInFlightPerChannel: options.maxInFlightPerChannel ?? DEFAULT_MAX_IN_FLIGHT,
    closeChannelOnTimeout: options.closeChannelOnTimeout ?? false,
    maxFrameSize: options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
    writeDrainTimeoutMs: options.writeDrainTimeoutMs ?? DEFAULT_WRITE_DRAIN_TIMEOUT_MS,
    socketHighWaterMark: options.socketHighWaterMark ?? DEFAULT_SOCKET_HIGH_WATER_MARK,
    log: options.log ?? defaultRemotingLog,
  };
}
