// Public API of @pulsejet/remoting: the RocketMQ 4.x remoting transports. Explicit names only (STYLE.md habit 2).
export type {
  RemotingChannel,
  RequestContext,
  RequestProcessor,
  ProcessorOptions,
  ChannelEvent,
  RemotingServer,
  RemotingClient,
} from './transport';
export { RemotingError, RemotingErrorCode } from './errors';
export { defaultRemotingLog } from './log';
export type { RemotingLog, RemotingLogLevel } from './log';
export { DEFAULT_MAX_IN_FLIGHT } from './in-flight';
export { DEFAULT_PROCESSOR_MAX_CONCURRENCY, DEFAULT_PROCESSOR_MAX_QUEUED, resolveProcessorOptions } from './request-dispatcher';
export { parseAddress, formatAddress } from './address';
export type { HostPort } from './address';
export { TcpRemotingServer } from './tcp/tcp-remoting-server';
export {
  DEFAULT_SERVER_HOST,
  DEFAULT_CHANNEL_IDLE_TIMEOUT_MS,
  DEFAULT_WRITE_DRAIN_TIMEOUT_MS,
  DEFAULT_SOCKET_HIGH_WATER_MARK,
  resolveTcpServerOptions,
} from './tcp/tcp-server-options';
export type { TcpServerOptions, ResolvedTcpServerOptions } from './tcp/tcp-server-options';
export { TcpRemotingClient } from './tcp/tcp-remoting-client';
export { DEFAULT_CONNECT_TIMEOUT_MS, resolveTcpClientOptions } from './tcp/tcp-client-options';
export type { TcpClientOptions, ResolvedTcpClientOptions } from './tcp/tcp-client-options';
export { InProcessNetwork } from './inprocess/in-process-network';
export { InProcessRemotingServer } from './inprocess/in-process-remoting-server';
export type { InProcessServerOptions } from './inprocess/in-process-remoting-server';
export { InProcessRemotingClient } from './inprocess/in-process-remoting-client';
export type { InProcessClientOptions } from './inprocess/in-process-remoting-client';
