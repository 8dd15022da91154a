// Broker and queue statistics (Java AdminBrokerProcessor): 28 GET_BROKER_RUNTIME_INFO (body: KVTable
// JSON), 202 GET_TOPIC_STATS_INFO (body: TopicStatsTable), 208 GET_CONSUME_STATS (body: ConsumeStats).
//
// TopicStatsTable and ConsumeStats are maps keyed by MessageQueue objects. fastjson, which every Java
// admin tool decodes them with, writes such a key as the object itself:
//   {"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"maxOffset":3,...}}}
// That is not strict JSON, but it is what Java brokers send and Java tools expect, so Pulsejet emits
// exactly it (fields sorted by name, as fastjson writes them). Strict-JSON readers must rewrite keys.
import { PULSEJET_REMOTING_VERSION, RequestCode, ResponseCode, createResponse } from '@pulsejet/protocol';
import type { RemotingServer } from '@pulsejet/remoting';
import type { BrokerContext } from '../broker-context';
import { HeaderError, HeaderReader } from '../remoting/header-fields';

/** MQVersion.getVersionDesc of the version Pulsejet reports (PULSEJET_REMOTING_VERSION). */
export const BROKER_VERSION_DESC = 'V4_9_8';

/** A MessageQueue map key as fastjson writes it. */
function messageQueueKey(topic: string, brokerName: string, queueId: number): string {
  return `{"brokerName":${JSON.stringify(brokerName)},"queueId":${queueId},"topic":${JSON.stringify(topic)}}`;
}

/** `{"<field>":{<mq>:<value>,...}}` with MessageQueue object keys. */
function mqTable(entries: ReadonlyArray<{ topic: string; brokerName: string; queueId: number; value: Record<string, number> }>): string {
  return `{${entries.map((e) => `${messageQueueKey(e.topic, e.brokerName, e.queueId)}:${JSON.stringify(e.value)}`).join(',')}}`;
}

/** Java StoreStatsService.getFormatRuntime. */
export function formatRuntime(elapsedMs: number): string {
  const total = Math.max(0, Math.floor(elapsedMs / 1000));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return `[ ${days} days, ${hours} hours, ${minutes} minutes, ${seconds} seconds ]`;
}

function bad(request: Parameters<typeof createResponse>[0], what: string, error: unknown): ReturnType<typeof createResponse> {
  if (error instanceof HeaderError) return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad ${what} header: ${error.message}`);
  throw error;
}

export function registerStatsProcessors(server: RemotingServer, ctx: BrokerContext): void {
  const { store, topics, options } = ctx;
  const bootTimestamp = Date.now();
  // Messages stored since the broker started (Java BrokerStats' msgPutTotalTodayNow counts since boot too).
  let msgPutTotal = 0;
  store.onMessageArrival(() => {
    msgPutTotal++;
  });

  server.registerProcessor(RequestCode.GET_BROKER_RUNTIME_INFO, (request) => {
    const stats = store.stats();
    const table: Record<string, string> = {
      bootTimestamp: String(bootTimestamp),
      brokerVersion: String(PULSEJET_REMOTING_VERSION),
      brokerVersionDesc: BROKER_VERSION_DESC,
      commitLogMaxOffset: String(stats.commitLogMaxOffset),
      commitLogMinOffset: String(stats.commitLogMinOffset),
      msgPutTotalTodayNow: String(msgPutTotal),
      runtime: formatRuntime(Date.now() - bootTimestamp),
      ...(ctx.haRuntimeInfo?.() ?? {}),
    };
    return createResponse(request, ResponseCode.SUCCESS, undefined, {}, Buffer.from(JSON.stringify({ table }), 'utf8'));
  });

  server.registerProcessor(RequestCode.GET_TOPIC_STATS_INFO, (request) => {
    let topic: string;
    try {
      topic = new HeaderReader(request.extFields).string('topic');
    } catch (error) {
      return bad(request, 'GET_TOPIC_STATS_INFO', error);
    }
    const config = topics.get(topic);
    if (!config) return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
    const entries = [];
    for (let queueId = 0; queueId < Math.max(config.writeQueueNums, config.readQueueNums); queueId++) {
      const minOffset = Math.max(0, store.getMinOffsetInQueue(topic, queueId));
      const maxOffset = Math.max(0, store.getMaxOffsetInQueue(topic, queueId));
      const lastUpdateTimestamp = maxOffset > 0 ? (store.getMessageStoreTimestamp(topic, queueId, maxOffset - 1) ?? 0) : 0;
      entries.push({ topic, brokerName: options.brokerName, queueId, value: { lastUpdateTimestamp, maxOffset, minOffset } });
    }
    return createResponse(request, ResponseCode.SUCCESS, undefined, {}, Buffer.from(`{"offsetTable":${mqTable(entries)}}`, 'utf8'));
  });

  server.registerProcessor(RequestCode.GET_CONSUME_STATS, (request) => {
    let group: string;
    let onlyTopic: string | undefined;
    try {
      const h = new HeaderReader(request.extFields);
      group = h.string('consumerGroup');
      onlyTopic = h.optionalString('topic');
    } catch (error) {
      return bad(request, 'GET_CONSUME_STATS', error);
    }
    if (group.trim() === '') return createResponse(request, ResponseCode.SYSTEM_ERROR, 'bad GET_CONSUME_STATS header: the custom field <consumerGroup> is empty');
    // Java: a blank topic means every topic the group has committed offsets for.
    const names =
      onlyTopic !== undefined && onlyTopic.trim() !== ''
        ? [onlyTopic]
        : [...new Set(store.metadata.offsetsOfGroup(group).map((row) => row.topic))].sort();
    const entries = [];
    for (const topic of names) {
      const config = topics.get(topic);
      if (!config) continue;
      for (let queueId = 0; queueId < config.readQueueNums; queueId++) {
        const brokerOffset = Math.max(0, store.getMaxOffsetInQueue(topic, queueId));
        const consumerOffset = Math.max(0, store.metadata.queryOffset(group, topic, queueId) ?? 0);
        const lastTimestamp = consumerOffset > 0 ? (store.getMessageStoreTimestamp(topic, queueId, consumerOffset - 1) ?? 0) : 0;
        // Pulsejet tracks no separate pull offset, so pullOffset is the consumer offset.
        entries.push({ topic, brokerName: options.brokerName, queueId, value: { brokerOffset, consumerOffset, lastTimestamp, pullOffset: consumerOffset } });
      }
    }
    // consumeTps: Pulsejet keeps no per-group get rate yet.
    return createResponse(request, ResponseCode.SUCCESS, undefined, {}, Buffer.from(`{"consumeTps":0.0,"offsetTable":${mqTable(entries)}}`, 'utf8'));
  });
}
