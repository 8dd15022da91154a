// Options of TcpRemotingServer: one interface, every field with its default, resolved once (STYLE.md habit 8).
import { DEFAULT_MAX_FRAME_SIZE } from '@pulsejet/protocol';
import { DEFAULT_MAX_IN_FLIGHT } from '../in-flight';
import { defaultRemotingLog } from '../log';
import type { RemotingLog } from '../log';

/** Loopback unless told otherwise: exposing a broker is a decision, not a default. */
export const DEFAULT_SERVER_HOST = '127.0.0.1';
/** Java NettyServerConfig.serverChannelMaxIdleTimeSeconds (120 s); ali-ons talks at least every 30 s. */
export const DEFAULT_CHANNEL_IDLE_TIMEOUT_MS = 120_000;
/** A peer that reads nothing for this long is gone or stuck; its channel is closed. */
export const DEFAULT_WRITE_DRAIN_TIMEOUT_MS = 30_000;
/**
 * Bytes a socket buffers before write() reports back-pressure. Node's 16 KiB default would flag
 * every batch of 64 responses of 1 KiB; 1 MiB still bounds one connection's memory.
 */
export const DEFAULT_SOCKET_HIGH_WATER_MARK = 1024 * 1024;

export interface TcpServerOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port to listen on; 0 picks a free one (apps pass 9876 or 10911). @default 0 */
  port?: number;
  /** Largest frame accepted or sent, counted without its 4-byte length prefix (Java frameMaxLength). @default 16 MiB */
  maxFrameSize?: number;
  /** Close channels with no reads or writes for this long; 0 never. @default 120000 */
  channelIdleTimeoutMs?: number;
  /** Close a channel whose socket hasn't drained for this long after write() returned false. @default 30000 */
  writeDrainTimeoutMs?: number;
  /** Socket high-water mark, bytes. @default 1 MiB */
  socketHighWaterMark?: number;
  /** Server-to-client requests awaiting responses per channel. @default 65536 */
  maxInFlightPerChannel?: number;
  /** Where dropped frames, closed channels and processor failures are reported. @default warnings and errors to stderr */
  log?: RemotingLog;
}

export type ResolvedTcpServerOptions = Required<TcpServerOptions>;

export function resolveTcpServerOptions(options: TcpServerOptions = {}): ResolvedTcpServerOptions {
  return {
    host: options.host ?? DEFAULT_SERVER_HOST,
    port: options.port ?? 0,
    maxFrameSize: options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
    channelIdleTimeoutMs: options.channelIdleTimeoutMs ?? DEFAULT_CHANNEL_IDLE_TIMEOUT_MS,
    writeDrainTimeoutMs: options.writeDrainTimeoutMs ?? DEFAULT_WRITE_DRAIN_TIMEOUT_MS,
    socketHighWaterMark: options.socketHighWaterMark ?? DEFAULT_SOCKET_HIGH_WATER_MARK,
    maxInFlightPerChannel: options.maxInFlightPerChannel ?? DEFAULT_MAX_IN_FLIGHT,
    log: options.log ?? defaultRemotingLog,
  };
}
