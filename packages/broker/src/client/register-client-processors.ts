// HEART_BEAT (34), UNREGISTER_CLIENT (35) and GET_CONSUMER_LIST_BY_GROUP (38), Java
// ClientManageProcessor and ConsumerManageProcessor.getConsumerListByGroup (reference §3.2–3.4), plus
// the channel-close half of ClientHousekeepingService.
import { ResponseCode, RequestCode, createResponse, type RemotingCommand } from '@pulsejet/protocol';
import type { RemotingChannel, RemotingLog, RemotingServer } from '@pulsejet/remoting';
import type { ConsumerManager } from './consumer-manager';
import { parseHeartbeatData } from './heartbeat-data';
import type { ProducerManager } from './producer-manager';

export interface ClientProcessorDeps {
  consumers: ConsumerManager;
  producers: ProducerManager;
  /** Creates `%RETRY%<group>` if missing and re-registers with the nameservers (called on every heartbeat). */
  ensureRetryTopic: (group: string) => Promise<void>;
  log: RemotingLog;
}

export function registerClientProcessors(server: RemotingServer, deps: ClientProcessorDeps): void {
  server.registerProcessor(RequestCode.HEART_BEAT, (request, context) => heartBeat(request, context.channel, deps));
  server.registerProcessor(RequestCode.UNREGISTER_CLIENT, (request, context) => unregisterClient(request, context.channel, deps));
  server.registerProcessor(RequestCode.GET_CONSUMER_LIST_BY_GROUP, (request) => consumerListByGroup(request, deps));
  server.onChannelEvent((event, channel) => {
    if (event !== 'close') return;
    deps.consumers.channelClosed(channel);
    deps.producers.channelClosed(channel);
  });
}

async function heartBeat(request: RemotingCommand, channel: RemotingChannel, deps: ClientProcessorDeps): Promise<RemotingCommand> {
  const parsed = parseHeartbeatData(request.body);
  if (!parsed.ok) return createResponse(request, ResponseCode.SYSTEM_ERROR, parsed.reason);
  const { clientId, consumers, producerGroups } = parsed.heartbeat;
  const client = { channel, clientId, language: request.language, version: request.version };
  for (const consumer of consumers) deps.consumers.register(client, consumer);
  for (const group of producerGroups) deps.producers.register(group, client);
  // Every consumer group (broadcasting too, as in Java) gets its retry topic now, so the client's next
  // route poll finds it (reference §8.1 step 3). A failure is logged; the next heartbeat tries again.
  await Promise.all(
    consumers.map((consumer) =>
      deps.ensureRetryTopic(consumer.groupName).catch((error: unknown) => {
        deps.log('warn', `could not create the retry topic of consumer group ${consumer.groupName}: ${String(error)}`);
      }),
    ),
  );
  return createResponse(request, ResponseCode.SUCCESS);
}

function unregisterClient(request: RemotingCommand, channel: RemotingChannel, deps: ClientProcessorDeps): RemotingCommand {
  const clientId = request.extFields['clientID'];
  const consumerGroup = request.extFields['consumerGroup'];
  const producerGroup = request.extFields['producerGroup'];
  if (!clientId) return createResponse(request, ResponseCode.SYSTEM_ERROR, 'UNREGISTER_CLIENT needs a clientID');
  if (!consumerGroup && !producerGroup) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, 'UNREGISTER_CLIENT needs a consumerGroup or a producerGroup');
  }
  if (consumerGroup) deps.consumers.unregister(consumerGroup, channel);
  if (producerGroup) deps.producers.unregister(producerGroup, channel);
  return createResponse(request, ResponseCode.SUCCESS);
}

function consumerListByGroup(request: RemotingCommand, deps: ClientProcessorDeps): RemotingCommand {
  const group = request.extFields['consumerGroup'];
  if (!group) return createResponse(request, ResponseCode.SYSTEM_ERROR, 'GET_CONSUMER_LIST_BY_GROUP needs a consumerGroup');
  const ids = deps.consumers.consumerIds(group);
  if (ids.length === 0) return createResponse(request, ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${group}`);
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, Buffer.from(JSON.stringify({ consumerIdList: ids })));
}
