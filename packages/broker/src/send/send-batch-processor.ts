// SEND_BATCH_MESSAGE (320): one header (V1 or V2 names, Java sends V2 with m=true), a body of
// MessageBatch-encoded messages for one topic and queue, stored together with consecutive queue
// offsets (Java SendMessageProcessor.asyncSendBatchMessage). The reply's msgId lists every offset
// msgId, comma-separated; queueOffset is the first message's.
import * as protocol from '@pulsejet/protocol';
import type { MessageBatchLayout, RemotingCommand } from '@pulsejet/protocol';
import type { RequestContext } from '@pulsejet/remoting';
import type { BrokerContext } from '../broker-context';
import { HeaderError } from '../remoting/header-fields';
import { delayPropertyProblem } from '../schedule/delay-property-check';
import { timerTargetOf } from '../schedule/schedule-rewrite';
import { isRetryTopic } from '../topic/system-topics';
import { isHalfMessageSend } from '../transaction/half-message';
import { BatchDecodeError } from './message-batch-codec';
import { PUT_STATUS_RESPONSE_CODE, isStoredStatus } from './put-status';
import { awaitReplica } from './replica-wait';
import { parseSendMessageHeader, type SendMessageRequestHeader } from './send-message-header';
import { checkMessage } from './send-message-processor';
import { DEFAULT_MSG_REGION } from './send-reply-fields';

// Bound once at load (see send-message-processor.ts): the per-entry loops below would otherwise call a
// getter of the protocol barrel for every message of a batch.
const { BATCH_ENTRY_FIELDS, BatchEntryField, MessageConst, NAME_VALUE_SEPARATOR, PropertyPicker, ResponseCode, createResponse, readMessageBatchLayout } = protocol;
const { PROPERTIES_START, PROPERTIES_END } = BatchEntryField;
const { CLUSTER, DELAY_TIME_LEVEL, KEYS, START_DELIVER_TIME, TAGS, TIMER_DELAY_MS, TIMER_DELAY_SEC, TIMER_DELIVER_MS, TRANSACTION_PREPARED, UNIQ_KEY } = MessageConst;

/** The properties read from each entry's bytes: the store's (slots 0-2), then the checks' (3-8). */
const PICKED = [TAGS, KEYS, UNIQ_KEY, TRANSACTION_PREPARED, DELAY_TIME_LEVEL, TIMER_DELIVER_MS, TIMER_DELAY_MS, TIMER_DELAY_SEC, START_DELIVER_TIME] as const;
const TAGS_SLOT = 0;
const KEYS_SLOT = 1;
const UNIQ_SLOT = 2;
const TRAN_SLOT = 3;
const FIRST_SCHEDULING_SLOT = 4;
const picker = new PropertyPicker(PICKED);

export function createSendBatchMessageProcessor(ctx: BrokerContext) {
  // Each entry's properties are stored as they came, followed by these pairs (CLUSTER), as Java's
  // broker stores them (WAIT stays, as there). The same string for every entry of every batch.
  const appended = ctx.options.clusterPropertyEnable ? `${CLUSTER}${NAME_VALUE_SEPARATOR}${ctx.options.brokerClusterName}` : '';
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
    const checking = checkMessage(ctx, header, body, channel.remoteAddress);
    const checked = checking instanceof Promise ? await checking : checking;
    if (!checked.ok) return createResponse(request, checked.code, checked.remark);

    let layout: MessageBatchLayout;
    try {
      layout = readMessageBatchLayout(body);
    } catch (error) {
      if (error instanceof BatchDecodeError) return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, `bad batch body: ${error.message}`);
      throw error;
    }
    const count = layout.count;
    if (count === 0) return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, 'the batch holds no messages');
    const base = checked.input;

    // Only the properties the store and the checks below need are read from each entry's bytes: per
    // message that spares an object of every property and its re-encoding. The store takes the
    // entries where they lie (putMessageBatch), with these values in columns.
    const values: (string | undefined)[] = [];
    const tags = new Array<string | undefined>(count);
    const keys = new Array<string | undefined>(count);
    const uniqKeys = new Array<string | undefined>(count);
    const entries = layout.fields;
    // The first entry (by index) that each check refuses: the answers below keep the order of checks.
    let half = -1;
    let delayProblem: string | undefined;
    let delayProblemAt = -1;
    let delayed = -1;
    const now = Date.now();
    for (let index = 0, slot = 0; index < count; index++, slot += BATCH_ENTRY_FIELDS) {
      picker.pick(body, entries[slot + PROPERTIES_START]!, entries[slot + PROPERTIES_END]!, values);
      if (values[TRAN_SLOT] !== undefined || hasScheduling(values)) {
        // Rare: these messages are refused below. The checks read a properties object.
        const properties = pickedProperties(values);
        if (half < 0 && isHalfMessageSend({ ...base, properties })) half = index;
        if (delayProblemAt < 0 && (delayProblem = delayPropertyProblem(properties, now)) !== undefined) delayProblemAt = index;
        if (delayed < 0 && isDelayed(properties)) delayed = index;
      }
      tags[index] = values[TAGS_SLOT];
      keys[index] = values[KEYS_SLOT];
      uniqKeys[index] = values[UNIQ_SLOT];
    }

    // Java's producer refuses to batch transactional messages ("Batching does not support transactions");
    // a half message needs its own send reply to be committed or rolled back.
    if (isHalfMessageSend(base) || half >= 0) {
      return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, 'batch send does not support transactional messages (TRAN_MSG); send each half message on its own');
    }
    // The header's properties were checked by checkMessage; each entry has its own.
    if (delayProblem !== undefined) return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, `batch message ${delayProblemAt}: ${delayProblem}`);
    // Java's CommitLog refuses delayed batches (MESSAGE_ILLEGAL) rather than store them undelayed.
    if (isDelayed(base.properties) || delayed >= 0) {
      return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, 'batch send does not support delayed messages (DELAY or TIMER_* properties); send delayed messages one by one');
    }

    // One wait for the batch's end: the slave receives the batch in commit-log order.
    const put = ctx.store.putMessageBatch({
      topic: base.topic,
      queueId: base.queueId,
      sysFlag: base.sysFlag,
      bornTimestamp: base.bornTimestamp,
      bornHost: base.bornHost,
      reconsumeTimes: base.reconsumeTimes,
      waitStoreMsgOK: base.waitStoreMsgOK,
      source: body,
      layout,
      tags,
      keys,
      uniqKeys,
      appended,
    });
    const replicating = awaitReplica(ctx, await put, base.waitStoreMsgOK !== false);
    const result = replicating instanceof Promise ? await replicating : replicating;
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

/** Whether a delay level or a timer property is present (valid or not). */
function hasScheduling(values: readonly (string | undefined)[]): boolean {
  for (let slot = FIRST_SCHEDULING_SLOT; slot < PICKED.length; slot++) if (values[slot] !== undefined) return true;
  return false;
}

/** The picked properties that are present, as an object for the checks. */
function pickedProperties(values: readonly (string | undefined)[]): Record<string, string> {
  const properties: Record<string, string> = {};
  PICKED.forEach((name, slot) => {
    const value = values[slot];
    if (value !== undefined) properties[name] = value;
  });
  return properties;
}

function isDelayed(properties: Readonly<Record<string, string>>): boolean {
  const level = Number(properties[DELAY_TIME_LEVEL] ?? 0);
  return (Number.isFinite(level) && level > 0) || timerTargetOf(properties, 0) !== undefined;
}
