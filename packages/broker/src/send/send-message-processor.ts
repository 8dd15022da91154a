// SEND_MESSAGE (10) and SEND_MESSAGE_V2 (310): plain messages (Java SendMessageProcessor.sendMessage
// and AbstractSendMessageProcessor.msgCheck). `rewriteForStore` sends delayed messages to the schedule
// topic; a transactional send (TRAN_MSG) is stored as a half message instead (../transaction).
import type { EncodedProperties, PutMessageInput, TopicConfigView } from '@pulsejet/core';
import * as core from '@pulsejet/core';
import * as protocol from '@pulsejet/protocol';
import type { RemotingCommand } from '@pulsejet/protocol';
import type { ProcessorOptions, RequestContext } from '@pulsejet/remoting';
import type { BrokerContext } from '../broker-context';
import { bornHostOf } from '../remoting/born-host';
import { HeaderError } from '../remoting/header-fields';
import { delayPropertyProblem, mayBeScheduled } from '../schedule/delay-property-check';
import { rewriteDelayed } from '../schedule/schedule-rewrite';
import * as systemTopics from '../topic/system-topics';
import { isHalfMessageSend, toHalfMessage } from '../transaction/half-message';
import { PUT_STATUS_RESPONSE_CODE, isStoredStatus } from './put-status';
import { awaitReplica } from './replica-wait';
import { parseSendRequestHeader, type SendMessageRequestHeader } from './send-message-header';
import { scanSendProperties } from './send-properties-scan';
import { SendReplyFields } from './send-reply-fields';

// Bound once at load: under CommonJS every use of an imported name is a getter call on the protocol
// barrel's exports, which the broker's send profile showed per message.
const { MessageConst, MessageSysFlag, NAME_VALUE_SEPARATOR, ResponseCode, createPreparedResponse, createResponse, decodeProperties, transactionType, validateTopicName } = protocol;
const { TRANSACTION_PREPARED_TYPE } = MessageSysFlag;
const { isNotAllowedSendTopic } = systemTopics;
const { CLUSTER, UNIQ_KEY, WAIT_STORE_MSG_OK } = MessageConst;
const { PERM_WRITE } = core;

/**
 * Dispatcher limits of the send processors. Every send waiting for its flush (SYNC_FLUSH) or its
 * replica holds a slot, and one fsync answers all the puts it covers: with the dispatcher's default
 * 64 slots, 256 sends in flight shared an fsync 64 at a time. The queue mirrors Java's
 * sendThreadPoolQueueCapacity (10,000): past it, SYSTEM_BUSY tells producers to back off.
 */
export const SEND_PROCESSOR_OPTIONS: Readonly<ProcessorOptions> = { maxConcurrency: 1024, maxQueued: 10_000 };

/** `scheduled`: the message may carry a delay or timer property (mayBeScheduled); when false it carries none. */
type Checked = { ok: true; input: PutMessageInput; scheduled: boolean } | { ok: false; code: number; remark: string };

export function createSendMessageProcessor(ctx: BrokerContext, v2: boolean) {
  return async (request: RemotingCommand, { channel }: RequestContext): Promise<RemotingCommand> => {
    let header: SendMessageRequestHeader;
    try {
      header = parseSendRequestHeader(request, v2);
    } catch (error) {
      if (error instanceof HeaderError) return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad SEND_MESSAGE header: ${error.message}`);
      throw error;
    }
    const checking = checkMessage(ctx, header, request.body ?? Buffer.alloc(0), channel.remoteAddress);
    const checked = checking instanceof Promise ? await checking : checking;
    if (!checked.ok) return createResponse(request, checked.code, checked.remark);

    const half = isHalfMessageSend(checked.input);
    if (half && ctx.options.rejectTransactionMessage) {
      return createResponse(request, ResponseCode.NO_PERMISSION, `the broker[${ctx.options.brokerIP1}] sending transaction message is forbidden`);
    }
    // A half message's reply carries the half's msgId and queue offset: END_TRANSACTION names them.
    const input = half ? toHalfMessage(checked.input, header.producerGroup) : checked.scheduled ? rewriteForStore(checked.input, ctx.options.delayLevelsMs) : checked.input;
    const replicating = awaitReplica(ctx, await ctx.store.putMessage(input), input.waitStoreMsgOK !== false);
    const result = replicating instanceof Promise ? await replicating : replicating;
    const code = PUT_STATUS_RESPONSE_CODE[result.status];
    const stored = result.stored?.[0];
    if (!isStoredStatus(result.status) || stored === undefined) {
      return createResponse(request, code, result.message ?? `putting the message failed: ${result.status}`);
    }
    const uniqKey = half ? checked.input.properties[UNIQ_KEY] : undefined;
    const fields = new SendReplyFields(stored.msgId, checked.input.queueId, stored.queueOffset, uniqKey);
    return createPreparedResponse(request, code, code === ResponseCode.SUCCESS ? undefined : result.status, fields);
  };
}

/**
 * Validates a send and builds the store input; an expected refusal is a value, not an exception.
 * Synchronous when the topic exists, as on almost every send: only creating a topic is awaited, and
 * callers await the result only when it is a promise (an `await` costs each send a microtask turn).
 */
export function checkMessage(ctx: BrokerContext, header: SendMessageRequestHeader, body: Buffer, remoteAddress: string): Checked | Promise<Checked> {
  const { options, topics } = ctx;
  if (options.brokerRole === 'SLAVE') {
    return { ok: false, code: ResponseCode.SERVICE_NOT_AVAILABLE, remark: `broker ${options.brokerName} is a slave; send to its master` };
  }
  const topicProblem = validateTopicName(header.topic);
  if (topicProblem !== undefined) return { ok: false, code: ResponseCode.SYSTEM_ERROR, remark: `illegal topic: ${topicProblem}` };
  if (isNotAllowedSendTopic(header.topic)) {
    return { ok: false, code: ResponseCode.NO_PERMISSION, remark: `Sending message to topic[${header.topic}] is forbidden.` };
  }
  // Read in place, without get()'s defensive copy.
  const config = topics.view(header.topic);
  if (config !== undefined) return checkAgainstTopic(ctx, config, header, body, remoteAddress);
  return topics
    .getOrCreateForSend(header.topic, header.defaultTopic, header.defaultTopicQueueNums)
    .then((created) => checkAgainstTopic(ctx, created, header, body, remoteAddress));
}

/** The rest of checkMessage, given the topic's config (undefined: the topic neither exists nor could be created). */
function checkAgainstTopic(
  ctx: BrokerContext,
  config: TopicConfigView | undefined,
  header: SendMessageRequestHeader,
  body: Buffer,
  remoteAddress: string,
): Checked {
  const { options } = ctx;
  if (config === undefined) {
    return { ok: false, code: ResponseCode.TOPIC_NOT_EXIST, remark: `topic[${header.topic}] not exist, apply first please!` };
  }
  if ((config.perm & PERM_WRITE) === 0) {
    return { ok: false, code: ResponseCode.NO_PERMISSION, remark: `the topic[${header.topic}] sending message is forbidden` };
  }
  let queueId = header.queueId;
  if (queueId < 0) {
    if (config.writeQueueNums === 0) return { ok: false, code: ResponseCode.NO_PERMISSION, remark: `topic[${header.topic}] has no writable queue` };
    queueId = Math.floor(Math.random() * config.writeQueueNums);
  }
  const queueLimit = Math.max(config.readQueueNums, config.writeQueueNums);
  if (queueId >= queueLimit) {
    return { ok: false, code: ResponseCode.SYSTEM_ERROR, remark: `request queueId[${queueId}] is illegal, topic[${header.topic}] has ${queueLimit} queues` };
  }
  if (body.length > options.maxMessageSize) {
    return { ok: false, code: ResponseCode.MESSAGE_ILLEGAL, remark: `the message body size ${body.length} exceeds maxMessageSize ${options.maxMessageSize}` };
  }

  const encoded = header.properties ?? '';
  const stored = storedAsSent(ctx, header, encoded);
  if (stored !== undefined) {
    return { ok: true, input: putInput(header, queueId, body, remoteAddress, stored.properties, stored.waitStoreMsgOK, stored.encoded), scheduled: false };
  }
  const properties = decodeProperties(encoded);
  const scheduled = mayBeScheduled(encoded);
  // A malformed DELAY or timer property is refused, not stored undelayed (RocketMQ 5: MESSAGE_ILLEGAL).
  const delayProblem = scheduled ? delayPropertyProblem(properties) : undefined;
  if (delayProblem !== undefined) return { ok: false, code: ResponseCode.MESSAGE_ILLEGAL, remark: delayProblem };
  // Java keeps WAIT out of the stored properties and adds the cluster name.
  const waitStoreMsgOK = properties[WAIT_STORE_MSG_OK] !== 'false';
  // Unset rather than deleted: `delete` turns the object into a slow dictionary (0.5 us more per send
  // measured), and encodeProperties leaves out undefined values.
  (properties as Record<string, string | undefined>)[WAIT_STORE_MSG_OK] = undefined;
  if (options.clusterPropertyEnable) properties[CLUSTER] = options.brokerClusterName;
  return { ok: true, input: putInput(header, queueId, body, remoteAddress, properties, waitStoreMsgOK, undefined), scheduled };
}

function putInput(
  header: SendMessageRequestHeader,
  queueId: number,
  body: Buffer,
  remoteAddress: string,
  properties: Record<string, string>,
  waitStoreMsgOK: boolean,
  encodedProperties: EncodedProperties | undefined,
): PutMessageInput {
  return {
    topic: header.topic,
    queueId,
    body,
    properties,
    encodedProperties,
    flag: header.flag,
    sysFlag: header.sysFlag,
    bornTimestamp: header.bornTimestamp,
    bornHost: bornHostOf(remoteAddress),
    reconsumeTimes: header.reconsumeTimes ?? 0,
    waitStoreMsgOK,
  };
}

/** CLUSTER's encoded pair for the last cluster name asked for, kept from send to send. */
let clusterName: string | undefined;
let clusterPair = '';

function clusterPairOf(name: string): string {
  if (name !== clusterName) {
    clusterName = name;
    clusterPair = `${CLUSTER}${NAME_VALUE_SEPARATOR}${name}`;
  }
  return clusterPair;
}

/**
 * A single send's properties stored as they came (less WAIT, plus CLUSTER), as the batch path
 * stores each entry's: when the header was read from the request's bytes, its properties text is
 * one character per byte (so text positions are byte positions), the message is not a half message
 * and names no delay or timer property (mayBeScheduled), and the scan finds no TRAN_MSG and one WAIT
 * at most (./send-properties-scan). Otherwise undefined.
 */
function storedAsSent(
  ctx: BrokerContext,
  header: SendMessageRequestHeader,
  text: string,
): { properties: Record<string, string>; waitStoreMsgOK: boolean; encoded: EncodedProperties } | undefined {
  const bytes = header.propertiesBytes;
  if (bytes === undefined || bytes.end - bytes.start !== text.length || transactionType(header.sysFlag) === TRANSACTION_PREPARED_TYPE || mayBeScheduled(text)) return undefined;
  const scan = scanSendProperties(text);
  if (scan === undefined) return undefined;
  const { options } = ctx;
  // Per broker: a process may hold several (embedded clusters, tests), each with its own options.
  const appended = options.clusterPropertyEnable ? clusterPairOf(options.brokerClusterName) : '';
  return {
    // What the store reads (the tag code, the key index). Literal names: one object shape for all.
    properties: { TAGS: scan.tags, KEYS: scan.keys, UNIQ_KEY: scan.uniqKey } as Record<string, string>,
    waitStoreMsgOK: scan.wait !== 'false',
    encoded: {
      source: bytes.source,
      start: bytes.start,
      end: bytes.end,
      // Always both fields, set or not: one object shape.
      cutStart: scan.cutStart < 0 ? undefined : bytes.start + scan.cutStart,
      cutEnd: scan.cutStart < 0 ? undefined : bytes.start + scan.cutEnd,
      appended,
    },
  };
}

/**
 * The seam before the store: a delayed message (DELAY level > 0, not a half message) goes to
 * SCHEDULE_TOPIC_XXXX with REAL_TOPIC/REAL_QID. Half messages are rewritten by the send processor
 * itself (toHalfMessage), not here: this seam also serves re-puts (send-back, commit) that must
 * never become half messages again.
 * Without delay levels (the batch path: Java 4.x does not delay batches) nothing is delayed.
 */
export function rewriteForStore(input: PutMessageInput, delayLevelsMs: readonly number[] = []): PutMessageInput {
  return rewriteDelayed(input, delayLevelsMs);
}
