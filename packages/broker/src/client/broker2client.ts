// Broker-to-client calls (Java Broker2Client). ali-ons never answers server requests (reference
// §2.3), so these are sent oneway and never awaited by callers: a slow or dead client cannot stall
// the broker.
import { RequestCode, createRequest } from '@pulsejet/protocol';
import type { RemotingChannel, RemotingLog } from '@pulsejet/remoting';

/** Tells each channel that the consumer ids of `group` changed, so it rebalances now. */
export function notifyConsumerIdsChanged(channels: Iterable<RemotingChannel>, group: string, log: RemotingLog): void {
  for (const channel of channels) {
    if (!channel.isActive()) continue;
    const request = createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: group }, undefined, { oneway: true });
    channel.oneway(request).catch((error: unknown) => {
      log('debug', `NOTIFY_CONSUMER_IDS_CHANGED for ${group} to ${channel.remoteAddress} failed: ${String(error)}`);
    });
  }
}
