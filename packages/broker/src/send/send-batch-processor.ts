// SEND_BATCH_MESSAGE (320): one header (V1 or V2 names, Java sends V2 with m=true), a body of
// MessageBatch-encoded messages for one topic and queue, stored together with consecutive queue
// offsets (Java SendMessageProcessor.asyncSendBatchMessage). The reply's msgId lists every offset
// msgId, comma-separated; queueOffset is the first message's.
import type { PutMessageInput } from '@pulsejet/core';
import * as protocol from '@pulsejet/protocol';
import type { RemotingCommand } from '@pulsejet/protocol';
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
import { DEFAULT_MSG_REGION, checkMessage } from './send-message-processor';

// Bound once at load (see send-message-processor.ts): the per-entry loops below would otherwise call a
// getter of the protocol barrel for every message of a batch.
const { MessageConst, ResponseCode, createResponse } = protocol;
const { CLUSTER, DELAY_TIME_LEVEL, WAIT_STORE_MSG_OK } = MessageConst;

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
    const base = checked.input;
    // One probe object with each entry's properties in turn, not a copy of the request per entry.
    const probe = withProperties(base, base.properties);
    if (isHalfMessageSend(base) || entries.some((entry) => ((probe.properties = entry.properties), isHalfMessageSend(probe)))) {
      return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, 'batch send does not support transactional messages (TRAN_MSG); send each half message on its own');
    }

    // The header's properties were checked by checkMessage; each entry has its own.
    const now = Date.now();
    for (let index = 0; index < entries.length; index++) {
      const problem = delayPropertyProblem(entries[index]!.properties, now);
      if (problem !== undefined) return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, `batch message ${index}: ${problem}`);
    }

    // Java's CommitLog refuses delayed batches (MESSAGE_ILLEGAL) rather than store them undelayed.
    if (isDelayed(base.properties) || entries.some((entry) => isDelayed(entry.properties))) {
      return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, 'batch send does not support delayed messages (DELAY or TIMER_* properties); send delayed messages one by one');
    }

    // Neither delayed nor half, so rewriteForStore would leave every entry as it is: the inputs are
    // built directly (one object per message; this loop runs for every message of every batch).
    const cluster = ctx.options.clusterPropertyEnable ? ctx.options.brokerClusterName : undefined;
    const inputs: PutMessageInput[] = new Array<PutMessageInput>(entries.length);
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index]!;
      // Decoded for this request alone, so ours to change. Unset rather than deleted, as checkMessage
      // does: `delete` turns the object into a slow dictionary, and encodeProperties skips undefined.
      const properties = entry.properties as Record<string, string | undefined>;
      properties[WAIT_STORE_MSG_OK] = undefined;
      if (cluster !== undefined) properties[CLUSTER] = cluster;
      inputs[index] = withProperties(base, entry.properties, entry.body, entry.flag);
    }
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

/** One message of the batch: the request's fields with the entry's own properties (and body and flag). */
function withProperties(base: PutMessageInput, properties: Readonly<Record<string, string>>, body = base.body, flag = base.flag): PutMessageInput {
  return {
    topic: base.topic,
    queueId: base.queueId,
    body,
    properties,
    flag,
    sysFlag: base.sysFlag,
    bornTimestamp: base.bornTimestamp,
    bornHost: base.bornHost,
    reconsumeTimes: base.reconsumeTimes,
    waitStoreMsgOK: base.waitStoreMsgOK,
  };
}

function isDelayed(properties: Readonly<Record<string, string>>): boolean {
  const level = Number(properties[DELAY_TIME_LEVEL] ?? 0);
  return (Number.isFinite(level) && level > 0) || timerTargetOf(properties, 0) !== undefined;
}
