// The transport contract shared by the TCP and in-process implementations (STYLE.md habit 13: one
// conformance suite runs against both). Processors see the same command objects either way.
import type { RemotingCommand } from '@pulsejet/protocol';

/** One connection as a processor sees it: the peer that sent a request, reachable for server-to-client calls. */
export interface RemotingChannel {
  /** Unique per connection for the life of the process. */
  readonly id: string;
  /** The peer's "ip:port" (or an in-process name). */
  readonly remoteAddress: string;
  /** Sends a request to the peer and waits for its response (e.g. CHECK_TRANSACTION_STATE). */
  request(command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand>;
  /** Sends a request marked oneway; resolves once written. */
  oneway(command: RemotingCommand): Promise<void>;
  isActive(): boolean;
  close(reason?: string): void;
  /** Called once when the channel closes, whoever closed it. */
  onClose(listener: (reason: string) => void): void;
}

export interface RequestContext {
  readonly channel: RemotingChannel;
}

/**
 * Handles one request. Returns the response (built with createResponse), or undefined for a oneway
 * request that wants no answer. Throwing is a bug in the processor: the dispatcher answers
 * SYSTEM_ERROR with the message, and the connection stays up.
 */
export type RequestProcessor = (request: RemotingCommand, context: RequestContext) => Promise<RemotingCommand | undefined> | RemotingCommand | undefined;

export interface ProcessorOptions {
  /** Requests of this processor running at once. @default 64 */
  maxConcurrency?: number;
  /** Requests waiting for a slot beyond which SYSTEM_BUSY is answered at once. @default 1024 */
  maxQueued?: number;
}

export type ChannelEvent = 'connect' | 'close';

export interface RemotingServer {
  registerProcessor(code: number, processor: RequestProcessor, options?: ProcessorOptions): void;
  /** Handles codes with no registered processor (otherwise: REQUEST_CODE_NOT_SUPPORTED). */
  registerDefaultProcessor(processor: RequestProcessor, options?: ProcessorOptions): void;
  onChannelEvent(listener: (event: ChannelEvent, channel: RemotingChannel) => void): void;
  /** Starts listening; idempotent. */
  start(): Promise<void>;
  /** The address clients use, "host:port" (a free port when 0 was asked for). Valid after start. */
  address(): string;
  /** Stops accepting, closes every channel; idempotent. */
  close(): Promise<void>;
}

export interface RemotingClient {
  /** Sends a request to `address` ("host:port"), connecting if needed, and waits for the response. */
  request(address: string, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand>;
  /** Sends a oneway request; resolves once written. */
  oneway(address: string, command: RemotingCommand): Promise<void>;
  /** Handles requests servers send on this client's connections (server-to-client calls). */
  registerProcessor(code: number, processor: RequestProcessor, options?: ProcessorOptions): void;
  /**
   * Connections this client opens ('connect') and loses ('close', whoever closed it), e.g. to learn
   * that a broker went away before the next request (Java ChannelEventListener on the client side).
   */
  onChannelEvent(listener: (event: ChannelEvent, channel: RemotingChannel) => void): void;
  /** Closes the connection to one address (e.g. after a timeout); the next call reconnects. */
  closeChannel(address: string): void;
  /** Closes every connection; later calls fail with CHANNEL_CLOSED. Idempotent. */
  close(): Promise<void>;
}
