// SEND_BATCH_MESSAGE (320): one header (V1 or V2 names, Java sends V2 with m=true), a body of
// MessageBatch-encoded messages for one topic and queue, stored together with consecutive queue
// offsets (Java SendMessageProcessor.asyncSendBatchMessage). The reply's msgId lists every offset
// msgId, comma-separated; queueOffset is the first message's.
import { MessageConst, ResponseCode, createResponse, type RemotingCommand } from '@pulsejet/protocol';
import type { RequestContext } from '@pulsejet/remoting';
import type { BrokerContext } from '../broker-context';
import { HeaderError } from '../remoting/header-fields';
import { delayPropertyProblem } from '../schedule/delay-property-check';
import { timerTargetOf } from '../schedule/schedule-rewrite';
import { isRetryTopic } from '../topic/system-topics';
import { isHalfMessageSend } from '../transaction/half-message';
import { BatchDecodeError, decodeMessageBatch, type BatchEntry } from './message-batch-codec';
import { PUT_STATUS_RESPONSE_CODE, isStoredStatus } from './put-status';
import { awaitReplica } from './replica-wait';
import { parseSendMessageHeader, type SendMessageRequestHeader } from './send-message-header';
import { DEFAULT_MSG_REGION, checkMessage, rewriteForStore } from './send-message-processor';

export function createSendBatchMessageProcessor(ctx: BrokerContext) {
  return async (request: RemotingCommand, { channel }: RequestContext): Promise<RemotingCommand> => {
    let header: SendMessageRequestHeader;
    try {
      // Java clients send batches with the V2 letters; accept full names too.
      header = parseSendMessageHeader(request.extFields, request.extFields['b'] !== undefined);
    } catch (error) {
      if (error instanceof HeaderError) return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad SEND_BATCH_MESSAGE header: ${error.message}`);
      throw error;
    }
    if (isRetryTopic(header.topic)) return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, `batch request does not support retry group ${header.topic}`);
    const body = request.body ?? Buffer.alloc(0);
    const checked = await checkMessage(ctx, header, body, channel.remoteAddress);
    if (!checked.ok) return createResponse(request, checked.code, checked.remark);

    let entries: BatchEntry[];
    try {
      entries = decodeMessageBatch(body);
    } catch (error) {
      if (error instanceof BatchDecodeError) return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, `bad batch body: ${error.message}`);
      throw error;
    }
    if (entries.length === 0) return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, 'the batch holds no messages');
    // Java's producer refuses to batch transactional messages ("Batching does not support transactions");
    // a half message needs its own send reply to be committed or rolled back.
    if (isHalfMessageSend(checked.input) || entries.some((entry) => isHalfMessageSend({ ...checked.input, properties: entry.properties }))) {
      return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, 'batch send does not support transactional messages (TRAN_MSG); send each half message on its own');
    }

    // The header's properties were checked by checkMessage; each entry has its own.
    for (const [index, entry] of entries.entries()) {
      const problem = delayPropertyProblem(entry.properties);
      if (problem !== undefined) return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, `batch message ${index}: ${problem}`);
    }

    // Java's CommitLog refuses delayed batches (MESSAGE_ILLEGAL) rather than store them undelayed.
    if ([checked.input.properties, ...entries.map((entry) => entry.properties)].some(isDelayed)) {
      return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, 'batch send does not support delayed messages (DELAY or TIMER_* properties); send delayed messages one by one');
    }

    const base = checked.input;
    const inputs = entries.map((entry) => {
      const properties = { ...entry.properties };
      delete properties[MessageConst.WAIT_STORE_MSG_OK];
      if (ctx.options.clusterPropertyEnable) properties[MessageConst.CLUSTER] = ctx.options.brokerClusterName;
      return rewriteForStore({ ...base, body: entry.body, flag: entry.flag, properties });
    });
    // One wait for the batch's end: the slave receives the batch in commit-log order.
    const result = await awaitReplica(ctx, await ctx.store.putMessages(inputs), base.waitStoreMsgOK !== false);
    const code = PUT_STATUS_RESPONSE_CODE[result.status];
    const stored = result.stored;
    if (!isStoredStatus(result.status) || stored === undefined || stored.length === 0) {
      return createResponse(request, code, result.message ?? `putting the batch failed: ${result.status}`);
    }
    return createResponse(request, code, code === ResponseCode.SUCCESS ? undefined : result.status, {
      msgId: stored.map((position) => position.msgId).join(','),
      queueId: String(base.queueId),
      queueOffset: String(stored[0]!.queueOffset),
      MSG_REGION: DEFAULT_MSG_REGION,
      TRACE_ON: 'true',
    });
  };
}

function isDelayed(properties: Readonly<Record<string, string>>): boolean {
  const level = Number(properties[MessageConst.DELAY_TIME_LEVEL] ?? 0);
  return (Number.isFinite(level) && level > 0) || timerTargetOf(properties, 0) !== undefined;
}
