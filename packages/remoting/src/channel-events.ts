// The 'connect' / 'close' listener list shared by servers and clients. A throwing listener is
// logged and never stops the others or the transport.
import type { RemotingLog } from './log';
import type { ChannelEvent, RemotingChannel } from './transport';

export type ChannelEventListener = (event: ChannelEvent, channel: RemotingChannel) => void;

export class ChannelEvents {
  private readonly listeners: ChannelEventListener[] = [];

  constructor(private readonly log: RemotingLog) {}

  add(listener: ChannelEventListener): void {
    this.listeners.push(listener);
  }

  emit(event: ChannelEvent, channel: RemotingChannel): void {
    for (const listener of this.listeners) {
      try {
        listener(event, channel);
      } catch (error) {
        this.log('error', `a channel ${event} listener threw for ${channel.remoteAddress}: ${String(error)}`);
      }
    }
  }
}
