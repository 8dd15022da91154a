// The transport-independent half of a client (Java NettyRemotingClient.getAndCreateChannel): one
// channel per address, made on demand; concurrent first requests share one connect; a closed
// channel is forgotten so the next call reconnects. Subclasses only say how to connect.
import type { RemotingCommand } from '@pulsejet/protocol';
import type { AbstractChannel } from './abstract-channel';
import { ChannelEvents } from './channel-events';
import { RemotingError } from './errors';
import type { RemotingLog } from './log';
import { RequestDispatcher } from './request-dispatcher';
import type { ChannelEvent, ProcessorOptions, RemotingChannel, RemotingClient, RequestProcessor } from './transport';

export abstract class RemotingClientBase implements RemotingClient {
  protected readonly dispatcher: RequestDispatcher;
  private readonly events: ChannelEvents;
  private readonly channels = new Map<string, AbstractChannel>();
  private readonly connecting = new Map<string, Promise<AbstractChannel>>();
  private closing: Promise<void> | undefined;

  protected constructor(protected readonly log: RemotingLog) {
    this.dispatcher = new RequestDispatcher(log);
    this.events = new ChannelEvents(log);
  }

  request(address: string, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    // Fast path: a live channel needs no await, so no extra promise per request.
    const channel = this.channels.get(address);
    if (channel !== undefined && channel.isActive()) return channel.request(command, timeoutMs);
    return this.requestAfterConnect(address, command, timeoutMs);
  }

  async oneway(address: string, command: RemotingCommand): Promise<void> {
    const channel = await this.channel(address);
    return channel.oneway(command);
  }

  registerProcessor(code: number, processor: RequestProcessor, options?: ProcessorOptions): void {
    this.dispatcher.register(code, processor, options);
  }

  onChannelEvent(listener: (event: ChannelEvent, channel: RemotingChannel) => void): void {
    this.events.add(listener);
  }

  closeChannel(address: string): void {
    this.channels.get(address)?.close('closed by the client');
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** The channel to `address`, connecting if there is none (shared by concurrent callers). */
  channel(address: string): Promise<AbstractChannel> {
    if (this.closing !== undefined) return Promise.reject(this.closedError());
    const existing = this.channels.get(address);
    if (existing !== undefined && existing.isActive()) return Promise.resolve(existing);
    let pending = this.connecting.get(address);
    if (pending === undefined) {
      pending = this.connect(address).then(
        (channel) => this.connected(address, channel),
        (error: unknown) => {
          this.connecting.delete(address);
          throw error;
        },
      );
      this.connecting.set(address, pending);
    }
    return pending;
  }

  /** Opens a channel to `address`; rejects with CONNECT_FAILED. */
  protected abstract connect(address: string): Promise<AbstractChannel>;

  private async requestAfterConnect(address: string, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const started = Date.now();
    const channel = await this.channel(address);
    // The connect spent part of the caller's budget (Java invokeSync does the same).
    return channel.request(command, timeoutMs - (Date.now() - started));
  }

  private connected(address: string, channel: AbstractChannel): AbstractChannel {
    this.connecting.delete(address);
    if (this.closing !== undefined) {
      channel.terminate('client closed', { retriable: false });
      throw this.closedError();
    }
    this.channels.set(address, channel);
    channel.onClose(() => {
      if (this.channels.get(address) === channel) this.channels.delete(address);
      this.events.emit('close', channel);
    });
    this.events.emit('connect', channel);
    return channel;
  }

  private closedError(): RemotingError {
    return new RemotingError('CHANNEL_CLOSED', 'this client was closed; create a new one', { retriable: false });
  }

  private async shutdown(): Promise<void> {
    for (const channel of [...this.channels.values()]) channel.terminate('client closed', { retriable: false });
    // Connects under way finish (and are closed at once in connected()) before close resolves.
    await Promise.allSettled([...this.connecting.values()]);
  }
}
