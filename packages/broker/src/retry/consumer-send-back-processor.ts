// CONSUMER_SEND_MSG_BACK (36): a consumer hands back a message it failed to consume (Java
// SendMessageProcessor.consumerSendMsgBack, reference §3.10). The message, looked up by its commit-log
// offset, is re-put to %RETRY%<group> through the delay path (level 3 + reconsumeTimes unless the
// client chose one), or to %DLQ%<group> once it has been reconsumed maxReconsumeTimes times.
import { PERM_WRITE, subscriptionGroupWithDefaults, type PutMessageInput } from '@pulsejet/core';
import { MessageConst, ResponseCode, createResponse, type RemotingCommand } from '@pulsejet/protocol';
import type { BrokerContext } from '../broker-context';
import { HeaderError, HeaderReader } from '../remoting/header-fields';
import { isStoredStatus } from '../send/put-status';
import { rewriteForStore } from '../send/send-message-processor';
import { dlqTopicOf } from '../topic/system-topics';

export interface ConsumerSendMsgBackHeader {
  /** Commit-log offset of the delivered copy. */
  offset: number;
  group: string;
  /** 0: the broker chooses (3 + reconsumeTimes); < 0: straight to the DLQ. */
  delayLevel: number;
  originMsgId: string | undefined;
  originTopic: string | undefined;
  unitMode: boolean;
  maxReconsumeTimes: number | undefined;
}

/** Reads the header like Java's decodeCommandCustomHeader; throws HeaderError. */
export function parseConsumerSendMsgBackHeader(ext: Readonly<Record<string, string>>): ConsumerSendMsgBackHeader {
  const reader = new HeaderReader(ext);
  return {
    offset: reader.int('offset'),
    group: reader.string('group'),
    delayLevel: reader.int('delayLevel'),
    originMsgId: reader.optionalString('originMsgId'),
    originTopic: reader.optionalString('originTopic'),
    unitMode: reader.optionalBoolean('unitMode') ?? false,
    maxReconsumeTimes: reader.optionalInt('maxReconsumeTimes'),
  };
}

export function createConsumerSendMsgBackProcessor(ctx: BrokerContext) {
  return async (request: RemotingCommand): Promise<RemotingCommand> => {
    let header: ConsumerSendMsgBackHeader;
    try {
      header = parseConsumerSendMsgBackHeader(request.extFields);
    } catch (error) {
      if (error instanceof HeaderError) return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad CONSUMER_SEND_MSG_BACK header: ${error.message}`);
      throw error;
    }
    const { options, store, topics } = ctx;
    if (options.brokerRole === 'SLAVE') {
      return createResponse(request, ResponseCode.NO_PERMISSION, `the broker[${options.brokerName}] is a slave; sending message back is forbidden`);
    }
    if (header.group === '') return createResponse(request, ResponseCode.SYSTEM_ERROR, 'the custom field <group> is empty');
    const group = store.metadata.getGroup(header.group) ?? subscriptionGroupWithDefaults(header.group);
    // Java: a group without retry queues silently drops what is sent back.
    if (group.retryQueueNums <= 0) return createResponse(request, ResponseCode.SUCCESS);

    const message = store.lookMessageByOffset(header.offset);
    if (message === undefined) return createResponse(request, ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${header.offset}`);

    const properties: Record<string, string> = { ...message.properties };
    properties[MessageConst.RETRY_TOPIC] ??= message.topic;
    const originMsgId = properties[MessageConst.ORIGIN_MESSAGE_ID];
    properties[MessageConst.ORIGIN_MESSAGE_ID] = originMsgId === undefined || originMsgId.trim() === '' ? message.msgId : originMsgId;
    delete properties[MessageConst.DELAY_TIME_LEVEL];

    const maxReconsumeTimes = header.maxReconsumeTimes ?? group.retryMaxTimes;
    const toDlq = message.reconsumeTimes >= maxReconsumeTimes || header.delayLevel < 0;
    let topic: string;
    let queueId: number;
    try {
      if (toDlq) {
        const config = await topics.createDlqTopic(header.group);
        topic = config.topicName;
        queueId = 0;
        if ((config.perm & PERM_WRITE) === 0) return createResponse(request, ResponseCode.NO_PERMISSION, `the topic[${topic}] sending message is forbidden`);
      } else {
        const config = await topics.createRetryTopic(header.group, group.retryQueueNums);
        topic = config.topicName;
        if ((config.perm & PERM_WRITE) === 0) return createResponse(request, ResponseCode.NO_PERMISSION, `the topic[${topic}] sending message is forbidden`);
        queueId = Math.floor(Math.random() * Math.max(1, Math.min(group.retryQueueNums, config.writeQueueNums)));
        properties[MessageConst.DELAY_TIME_LEVEL] = String(header.delayLevel === 0 ? 3 + message.reconsumeTimes : header.delayLevel);
      }
    } catch (error) {
      if (error instanceof RangeError) return createResponse(request, ResponseCode.SYSTEM_ERROR, `cannot create the topic for group ${header.group}: ${error.message}`);
      throw error;
    }
    if (toDlq) options.log('info', `message ${message.msgId} of group ${header.group} goes to ${dlqTopicOf(header.group)} after ${message.reconsumeTimes} reconsumes`);

    const input: PutMessageInput = {
      topic,
      queueId,
      body: Buffer.from(message.body),
      properties,
      flag: message.flag,
      sysFlag: message.sysFlag,
      bornTimestamp: message.bornTimestamp,
      bornHost: message.bornHost,
      reconsumeTimes: message.reconsumeTimes + 1,
      waitStoreMsgOK: false,
    };
    // A dead letter is stored as is: its timer properties (TIMER_DELAY_MS, ...) must not delay it again.
    const result = await store.putMessage(toDlq ? input : rewriteForStore(input, options.delayLevelsMs));
    if (!isStoredStatus(result.status)) {
      return createResponse(request, ResponseCode.SYSTEM_ERROR, result.message ?? `putting the message back failed: ${result.status}`);
    }
    return createResponse(request, ResponseCode.SUCCESS);
  };
}
