// From the user's Message to what goes on the wire (Java DefaultMQProducerImpl.sendKernelImpl and
// Validators.checkMessage): the body as bytes (JSON with a content type, zlib when large), the
// properties (tags, keys, delay, sharding key, user properties, a fresh UNIQ_KEY), the sysFlag.
// Everything that can never be sent is refused here with INVALID_ARGUMENT, before any I/O.
import { deflateSync } from 'node:zlib';
import * as protocol from '@pulsejet/protocol';
import { ClientError, ClientErrorCode } from '../errors';
import { JSON_CONTENT_TYPE, type Message } from '../message/message';
import { validateSendTopic } from './producer-options';
import { createUniqueKey } from './unique-key';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter
// call, which the profile of the send path showed per message.
const { MessageConst, MessageSysFlag, PROPERTIES_MAX_BYTES, ProtocolError, encodeProperties, messageToProperties } = protocol;

export interface OutgoingMessage {
  topic: string;
  /** As sent: compressed when the COMPRESSED bit of sysFlag is set. */
  body: Buffer;
  sysFlag: number;
  flag: number;
  properties: Record<string, string>;
  /** `properties` encoded for the wire (built once: the size check and the request header both need it). */
  encodedProperties: string;
  /** The UNIQ_KEY property: the msgId send returns. */
  uniqKey: string;
  shardingKey: string | undefined;
}

export interface BuildOptions {
  maxMessageSize: number;
  /** Compress bodies longer than this; undefined: never (batches). */
  compressOverBytes: number | undefined;
  /** Set for half messages: the producer group (PGROUP) and the prepared sysFlag. */
  transactionGroup?: string;
}

/** messageToProperties reads no body; one shared empty Buffer spares an allocation per send. */
const NO_BODY = Buffer.alloc(0);

function invalid(message: string, cause?: unknown): ClientError {
  return new ClientError(ClientErrorCode.INVALID_ARGUMENT, message, cause === undefined ? {} : { cause });
}

function bodyBytes(message: Message, properties: Record<string, string>): Buffer {
  const { body } = message;
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body === undefined) throw invalid(`the message to ${message.topic} has no body; give a Buffer, a string or a JSON value`);
  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch (cause) {
    throw invalid(`the body of the message to ${message.topic} can't be written as JSON: ${(cause as Error).message}`, cause);
  }
  if (json === undefined) throw invalid(`the body of the message to ${message.topic} is not a JSON value; give a Buffer, a string or a JSON value`);
  properties[MessageConst.CONTENT_TYPE] ??= JSON_CONTENT_TYPE;
  return Buffer.from(json, 'utf8');
}

function deliveryTime(message: Message): { name: string; value: string } | undefined {
  const { deliverAt, delayMs } = message;
  if (deliverAt !== undefined && delayMs !== undefined) throw invalid(`message to ${message.topic}: give deliverAt or delayMs, not both`);
  if (deliverAt !== undefined) {
    const at = deliverAt instanceof Date ? deliverAt.getTime() : deliverAt;
    if (!Number.isSafeInteger(at) || at < 0) throw invalid(`message to ${message.topic}: deliverAt must be a Date or epoch milliseconds, got ${String(deliverAt)}`);
    return { name: MessageConst.TIMER_DELIVER_MS, value: String(at) };
  }
  if (delayMs !== undefined) {
    if (!Number.isSafeInteger(delayMs) || delayMs < 0) throw invalid(`message to ${message.topic}: delayMs must be a non-negative integer, got ${String(delayMs)}`);
    return { name: MessageConst.TIMER_DELAY_MS, value: String(delayMs) };
  }
  return undefined;
}

/** Throws ClientError INVALID_ARGUMENT for a message that can never be sent. */
export function buildMessage(message: Message, options: BuildOptions): OutgoingMessage {
  if (typeof message !== 'object' || message === null) throw invalid('send needs a message object with topic and body');
  const topicProblem = validateSendTopic(message.topic);
  if (topicProblem !== undefined) throw invalid(`invalid topic: ${topicProblem}`);
  const flag = message.flag ?? 0;
  if (!Number.isInteger(flag) || flag < -0x80000000 || flag > 0x7fffffff) throw invalid(`message to ${message.topic}: flag must be an int32, got ${String(flag)}`);
  const timer = deliveryTime(message);
  const delayLevel = message.delayLevel ?? 0;
  if (delayLevel !== 0 && timer !== undefined) throw invalid(`message to ${message.topic}: give delayLevel or a delivery time (deliverAt / delayMs), not both`);
  if (options.transactionGroup !== undefined && (delayLevel !== 0 || timer !== undefined)) {
    throw invalid(`message to ${message.topic}: a transactional message can't be delayed`);
  }
  if (message.tags !== undefined && (typeof message.tags !== 'string' || message.tags.includes('||'))) {
    throw invalid(`message to ${message.topic}: tags must be one tag (a string without '||'), got ${JSON.stringify(message.tags)}`);
  }

  let properties: Record<string, string>;
  try {
    // One literal with absent fields undefined (messageToProperties skips them), not conditional spreads: a temporary object each.
    const { keys } = message;
    properties = messageToProperties({
      topic: message.topic,
      body: NO_BODY,
      tags: message.tags,
      keys: typeof keys === 'string' ? [keys] : keys,
      properties: message.properties,
      delayTimeLevel: delayLevel,
      shardingKey: message.shardingKey,
    });
  } catch (cause) {
    if (ProtocolError.is(cause)) throw invalid(`message to ${message.topic}: ${cause.message}`, cause);
    throw cause;
  }
  if (timer !== undefined) properties[timer.name] = timer.value;

  let body = bodyBytes(message, properties);
  if (body.length === 0) throw invalid(`the message to ${message.topic} has an empty body; brokers refuse empty messages`);
  if (body.length > options.maxMessageSize) {
    throw invalid(`the body of the message to ${message.topic} is ${body.length} bytes; at most maxMessageSize = ${options.maxMessageSize} are allowed`);
  }

  let sysFlag = 0;
  if (options.compressOverBytes !== undefined && body.length > options.compressOverBytes) {
    const compressed = deflateSync(body);
    // ali-ons and Java only know "bit 0 + zlib" (type bits left 0); keep bodies that don't shrink as they are.
    if (compressed.length < body.length) {
      body = compressed;
      sysFlag |= MessageSysFlag.COMPRESSED;
    }
  }
  if (options.transactionGroup !== undefined) {
    properties[MessageConst.TRANSACTION_PREPARED] = 'true';
    properties[MessageConst.PRODUCER_GROUP] = options.transactionGroup;
    sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
  }
  const uniqKey = createUniqueKey();
  properties[MessageConst.UNIQ_KEY] = uniqKey;

  let encoded: string;
  try {
    encoded = encodeProperties(properties);
  } catch (cause) {
    throw invalid(`message to ${message.topic}: ${(cause as Error).message}`, cause);
  }
  // A UTF-16 code unit takes at most 3 bytes in UTF-8: short strings need no byte count.
  if (encoded.length * 3 > PROPERTIES_MAX_BYTES && Buffer.byteLength(encoded, 'utf8') > PROPERTIES_MAX_BYTES) {
    throw invalid(`the properties of the message to ${message.topic} take ${Buffer.byteLength(encoded, 'utf8')} bytes; at most ${PROPERTIES_MAX_BYTES} fit`);
  }
  return { topic: message.topic, body, sysFlag, flag, properties, encodedProperties: encoded, uniqKey, shardingKey: message.shardingKey };
}
