// Topic administration (Java AdminBrokerProcessor): 17 UPDATE_AND_CREATE_TOPIC, 215
// DELETE_TOPIC_IN_BROKER, 21 GET_ALL_TOPIC_CONFIG (body: TopicConfigSerializeWrapper JSON); also
// registers the subscription-group, message-query and statistics processors beside them.
import { topicConfigWithDefaults } from '@pulsejet/core';
import { RequestCode, ResponseCode, createResponse, encodeTopicConfigSerializeWrapper, validateTopicName } from '@pulsejet/protocol';
import type { RemotingServer } from '@pulsejet/remoting';
import type { BrokerContext } from '../broker-context';
import { HeaderError, HeaderReader } from '../remoting/header-fields';
import { registerGroupProcessors } from './group-processors';
import { registerQueryProcessors } from './query-processors';
import { registerStatsProcessors } from './stats-processors';
import { registerSyncProcessors } from './sync-processors';

export function registerAdminProcessors(server: RemotingServer, ctx: BrokerContext): void {
  const { topics, options } = ctx;

  server.registerProcessor(RequestCode.UPDATE_AND_CREATE_TOPIC, async (request) => {
    try {
      const h = new HeaderReader(request.extFields);
      const topic = h.string('topic');
      const problem = validateTopicName(topic);
      if (problem !== undefined) return createResponse(request, ResponseCode.SYSTEM_ERROR, `illegal topic: ${problem}`);
      if (topic === options.brokerClusterName) {
        return createResponse(request, ResponseCode.SYSTEM_ERROR, `the topic[${topic}] is conflict with system reserved words`);
      }
      const filter = h.optionalString('topicFilterType') ?? 'SINGLE_TAG';
      if (filter !== 'SINGLE_TAG' && filter !== 'MULTI_TAG') return createResponse(request, ResponseCode.SYSTEM_ERROR, `topicFilterType must be SINGLE_TAG or MULTI_TAG, got ${filter}`);
      const config = topicConfigWithDefaults(topic, {
        readQueueNums: h.int('readQueueNums'),
        writeQueueNums: h.int('writeQueueNums'),
        perm: h.int('perm'),
        topicFilterType: filter,
        topicSysFlag: h.optionalInt('topicSysFlag') ?? 0,
        order: h.optionalBoolean('order') ?? false,
      });
      await topics.put(config);
      return createResponse(request, ResponseCode.SUCCESS);
    } catch (error) {
      if (error instanceof HeaderError || error instanceof RangeError || error instanceof TypeError) {
        return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad UPDATE_AND_CREATE_TOPIC request: ${error.message}`);
      }
      throw error;
    }
  });

  server.registerProcessor(RequestCode.DELETE_TOPIC_IN_BROKER, async (request) => {
    const topic = request.extFields['topic'];
    if (topic === undefined || topic === '') return createResponse(request, ResponseCode.SYSTEM_ERROR, 'bad DELETE_TOPIC_IN_BROKER header: the custom field <topic> is null');
    await topics.delete(topic);
    await ctx.store.deleteTopic(topic);
    return createResponse(request, ResponseCode.SUCCESS);
  });

  server.registerProcessor(RequestCode.GET_ALL_TOPIC_CONFIG, (request) =>
    createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeTopicConfigSerializeWrapper(topics.serializeWrapper())),
  );

  registerGroupProcessors(server, ctx);
  registerQueryProcessors(server, ctx);
  registerStatsProcessors(server, ctx);
  registerSyncProcessors(server, ctx);
}
