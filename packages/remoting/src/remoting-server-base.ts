// The transport-independent half of a server: processors, channel bookkeeping and events, and the
// idempotent start/close lifecycle (STYLE.md habit 9). Subclasses only listen and stop listening.
import type { AbstractChannel } from './abstract-channel';
import { ChannelEvents } from './channel-events';
import { RemotingError } from './errors';
import type { RemotingLog } from './log';
import { RequestDispatcher } from './request-dispatcher';
import type { ChannelEvent, ProcessorOptions, RemotingChannel, RemotingServer, RequestProcessor } from './transport';

export abstract class RemotingServerBase implements RemotingServer {
  protected readonly dispatcher: RequestDispatcher;
  private readonly events: ChannelEvents;
  private readonly channels = new Set<AbstractChannel>();
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  protected constructor(protected readonly log: RemotingLog) {
    this.dispatcher = new RequestDispatcher(log);
    this.events = new ChannelEvents(log);
  }

  registerProcessor(code: number, processor: RequestProcessor, options?: ProcessorOptions): void {
    this.dispatcher.register(code, processor, options);
  }

  registerDefaultProcessor(processor: RequestProcessor, options?: ProcessorOptions): void {
    this.dispatcher.registerDefault(processor, options);
  }

  onChannelEvent(listener: (event: ChannelEvent, channel: RemotingChannel) => void): void {
    this.events.add(listener);
  }

  start(): Promise<void> {
    if (this.closing !== undefined) {
      return Promise.reject(new RemotingError('CHANNEL_CLOSED', 'this server was closed; create a new one to listen again', { retriable: false }));
    }
    // A failed listen (EADDRINUSE) may be retried on the same instance.
    this.starting ??= this.listen().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** Open channels (for tests and stats). */
  channelCount(): number {
    return this.channels.size;
  }

  abstract address(): string;

  protected isClosing(): boolean {
    return this.closing !== undefined;
  }

  /** Subclasses call this for every accepted connection. */
  protected addChannel(channel: AbstractChannel): void {
    if (this.closing !== undefined) {
      channel.terminate('server is closing', { retriable: false });
      return;
    }
    this.channels.add(channel);
    channel.onClose(() => {
      this.channels.delete(channel);
      this.events.emit('close', channel);
    });
    this.events.emit('connect', channel);
  }

  protected abstract listen(): Promise<void>;

  /** Stops accepting; resolves when the listener is gone. Called once, after the channels closed. */
  protected abstract stopListening(): Promise<void>;

  private async shutdown(): Promise<void> {
    // Close during start: let the listen settle first, so nothing is left listening afterwards.
    if (this.starting !== undefined) await this.starting.catch(() => undefined);
    const stopped = this.stopListening();
    for (const channel of [...this.channels]) channel.terminate('server closed', { retriable: false });
    await stopped;
  }
}
