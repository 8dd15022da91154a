// Who is connected (Java AdminBrokerProcessor.getConsumerConnectionList / getProducerConnectionList):
// 203 GET_CONSUMER_CONNECTION_LIST (body: ConsumerConnection JSON) and 204
// GET_PRODUCER_CONNECTION_LIST (body: ProducerConnection JSON), read from the heartbeat tables.
//
//   ConsumerConnection { "connectionSet": [Connection], "consumeFromWhere", "consumeType",
//                        "messageModel", "subscriptionTable": { "<topic>": SubscriptionData } }
//   ProducerConnection { "connectionSet": [Connection] }
//   Connection         { "clientAddr": "ip:port", "clientId", "language": "JAVA", "version": 409 }
//   SubscriptionData   { "classFilterMode", "codeSet", "expressionType", "subString", "subVersion",
//                        "tagsSet", "topic" }
// Fields are sorted by name, as fastjson (RemotingSerializable) writes them.
import { RequestCode, ResponseCode, createResponse, type RemotingCommand } from '@pulsejet/protocol';
import type { RemotingServer } from '@pulsejet/remoting';
import type { ClientChannelInfo } from '../client/client-channel';
import type { ConsumerGroupInfo, ConsumerManager } from '../client/consumer-manager';
import type { SubscriptionEntry } from '../client/heartbeat-data';
import type { ProducerManager } from '../client/producer-manager';
import { parseSubscription } from '../pull/subscription';
import { HeaderError, HeaderReader } from '../remoting/header-fields';

export interface ConnectionProcessorDeps {
  consumers: ConsumerManager;
  producers: ProducerManager;
}

function connectionToJson(client: ClientChannelInfo): Record<string, unknown> {
  return { clientAddr: client.channel.remoteAddress, clientId: client.clientId, language: client.language, version: client.version };
}

/**
 * A SubscriptionData as Java clients build it (FilterAPI.buildSubscriptionData): the heartbeat table
 * keeps only the expression, so tagsSet and codeSet are derived from it again. SQL92 and other
 * non-tag expressions have none.
 */
export function subscriptionDataToJson(sub: SubscriptionEntry): Record<string, unknown> {
  let tags: string[] = [];
  let codes: number[] = [];
  if (sub.expressionType === 'TAG') {
    const parsed = parseSubscription(sub.subString);
    if (parsed.ok) {
      tags = [...parsed.subscription.tags];
      codes = [...parsed.subscription.codes];
    }
  }
  return {
    classFilterMode: false,
    codeSet: codes,
    expressionType: sub.expressionType,
    subString: sub.subString,
    subVersion: sub.subVersion,
    tagsSet: tags,
    topic: sub.topic,
  };
}

/** The ConsumerConnection body for a group with live channels. */
export function consumerConnectionToJson(info: ConsumerGroupInfo): Record<string, unknown> {
  const subscriptionTable: Record<string, unknown> = {};
  for (const [topic, sub] of info.subscriptions) subscriptionTable[topic] = subscriptionDataToJson(sub);
  return {
    connectionSet: [...info.channels.values()].map(connectionToJson),
    consumeFromWhere: info.consumeFromWhere,
    consumeType: info.consumeType,
    messageModel: info.messageModel,
    subscriptionTable,
  };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** The header's group field; a SYSTEM_ERROR response (Java's CFNotNull failure) when missing or blank. */
function groupField(request: RemotingCommand, field: string, what: string): string | RemotingCommand {
  let group: string;
  try {
    group = new HeaderReader(request.extFields).string(field);
  } catch (error) {
    if (error instanceof HeaderError) return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad ${what} header: ${error.message}`);
    throw error;
  }
  if (group.trim() === '') return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad ${what} header: the custom field <${field}> is empty`);
  return group;
}

export function registerConnectionProcessors(server: RemotingServer, deps: ConnectionProcessorDeps): void {
  server.registerProcessor(RequestCode.GET_CONSUMER_CONNECTION_LIST, (request) => {
    const group = groupField(request, 'consumerGroup', 'GET_CONSUMER_CONNECTION_LIST');
    if (typeof group !== 'string') return group;
    // The manager drops a group with its last channel, so a known group always has a connection.
    const info = deps.consumers.groupInfo(group);
    if (!info || info.channels.size === 0) return createResponse(request, ResponseCode.CONSUMER_NOT_ONLINE, `the consumer group[${group}] not online`);
    return createResponse(request, ResponseCode.SUCCESS, undefined, {}, json(consumerConnectionToJson(info)));
  });

  server.registerProcessor(RequestCode.GET_PRODUCER_CONNECTION_LIST, (request) => {
    const group = groupField(request, 'producerGroup', 'GET_PRODUCER_CONNECTION_LIST');
    if (typeof group !== 'string') return group;
    const channels = deps.producers.channelsOf(group);
    // Java answers SYSTEM_ERROR (there is no PRODUCER_NOT_ONLINE code) for a group it does not know.
    if (!channels || channels.length === 0) return createResponse(request, ResponseCode.SYSTEM_ERROR, `the producer group[${group}] not exist`);
    return createResponse(request, ResponseCode.SUCCESS, undefined, {}, json({ connectionSet: channels.map(connectionToJson) }));
  });
}
