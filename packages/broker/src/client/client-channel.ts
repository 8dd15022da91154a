// A client connection as the broker's client tables keep it (Java ClientChannelInfo).
import type { RemotingChannel } from '@pulsejet/remoting';

export interface ClientChannelInfo {
  readonly channel: RemotingChannel;
  readonly clientId: string;
  /** The client's language name from the request ('JAVA', 'NODE_JS', ...). */
  readonly language: string;
  readonly version: number;
  /** Epoch ms of the last heartbeat on this channel. */
  lastUpdateTimestamp: number;
}

/** Channels not heard from for this long are dropped (Java channelExpiredTimeout). */
export const DEFAULT_CHANNEL_EXPIRED_MILLIS = 120_000;
/** How often the client tables are scanned for expired channels (Java: every 10 s). */
export const DEFAULT_CLIENT_SCAN_INTERVAL_MILLIS = 10_000;
