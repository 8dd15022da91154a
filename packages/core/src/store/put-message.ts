import * as protocol from '@pulsejet/protocol';
import type { HostAddress, PreparedRecord, PropertiesBytes } from '@pulsejet/protocol';
import type { AppendRecord, AppendRequest, AppendedRecord } from '../commitlog/append-types';
import type { PutMessageStatus } from '../status';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// which the profile of the put path showed per message.
const {
  MessageConst,
  PROPERTIES_MAX_BYTES,
  PROPERTY_SEPARATOR,
  ProtocolError,
  createOffsetMessageId,
  encodeProperties,
  keysOf,
  lastPropertiesByte,
  prepareStoredRecord,
  propertiesBytesLength,
  validateTopicName,
  withRecordCrcPlaceholder,
} = protocol;
const KEYS = MessageConst.KEYS;
const UNIQ_KEY = MessageConst.UNIQ_KEY;
const PROPERTY_SEPARATOR_CODE = PROPERTY_SEPARATOR.charCodeAt(0);

/** One message to store. The broker fills what the wire request carried. */
export interface PutMessageInput {
  topic: string;
  queueId: number;
  body: Buffer;
  /**
   * All properties (system and user), e.g. TAGS, KEYS, UNIQ_KEY. With encodedProperties, only what
   * the store reads of them: TAGS, KEYS, UNIQ_KEY and what a tagsCodeOf hook reads.
   */
  properties: Readonly<Record<string, string>>;
  /**
   * The properties to store, already encoded (RocketMQ's `name\u0001value` pairs joined by `\u0002`):
   * stored verbatim instead of encoding `properties`, as Java's broker stores a batch entry's bytes.
   * Whoever derives an input with other properties from one that has these must drop them.
   */
  encodedProperties?: EncodedProperties;
  flag?: number;
  sysFlag?: number;
  bornTimestamp?: number;
  bornHost?: HostAddress;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number;
  /** Wait for the flush (SYNC_FLUSH) before answering; RocketMQ's WAIT property. @default true */
  waitStoreMsgOK?: boolean;
}

export interface EncodedProperties extends PropertiesBytes {
  /** Encoded pairs stored after the bytes ('' for none), e.g. the broker's CLUSTER. */
  readonly appended: string;
}

/** Where a stored message went. */
export interface StoredPosition {
  msgId: string;
  physicalOffset: number;
  queueOffset: number;
  size: number;
  storeTimestamp: number;
}

export interface PutMessageResult {
  status: PutMessageStatus;
  /** What went wrong and what to do, for statuses other than PUT_OK. */
  message?: string;
  /** The stored messages (one for a single put, several for a batch), present unless the put failed. */
  stored?: StoredPosition[];
}

/**
 * Computes the consume-queue tag code of a message: the hash of TAGS unless a hook says otherwise.
 * The properties object may be reused for the next message (a batch's entries): read it, keep nothing.
 */
export type TagsCodeFunction = (topic: string, properties: Readonly<Record<string, string>>, storeTimestamp: number) => number;

/** What the key index needs of a message, taken from its properties at put time. */
export interface IndexKeys {
  keys: string[];
  uniqKey: string | undefined;
}

export interface PreparedPut {
  request: AppendRequest;
  waitStoreMsgOK: boolean;
  /** Per record (by index), when it has KEYS or UNIQ_KEY. */
  indexKeys: Array<IndexKeys | undefined> | undefined;
}

export type PrepareOutcome = { ok: true; prepared: PreparedPut } | { ok: false; result: PutMessageResult };

/** The born host of a message whose input names none. */
export const UNKNOWN_HOST: HostAddress = { address: '127.0.0.1', port: 0 };

/** What a put is checked against, and the store's tag-code hook. */
export interface PutLimits {
  maxMessageSize: number;
  storeHost: HostAddress;
  tagsCodeOf: TagsCodeFunction;
}

/**
 * Validates and encodes messages for one queue off the writer's path (CRC, property strings), so the
 * writer only copies bytes and patches three fields.
 */
export function preparePut(inputs: readonly PutMessageInput[], limits: PutLimits): PrepareOutcome {
  const first = inputs[0];
  if (!first) return fail('MESSAGE_ILLEGAL', 'a put needs at least one message');
  const topicProblem = validateTopicName(first.topic);
  if (topicProblem) return fail('MESSAGE_ILLEGAL', topicProblem);
  if (!Number.isInteger(first.queueId) || first.queueId < 0 || first.queueId > 0x7fffffff) {
    return fail('MESSAGE_ILLEGAL', `queueId ${first.queueId} is invalid; use an integer from 0`);
  }
  const now = Date.now();
  const records: AppendRecord[] = [];
  let indexKeys: Array<IndexKeys | undefined> | undefined;
  let totalSize = 0;
  for (const input of inputs) {
    if (input.topic !== first.topic || input.queueId !== first.queueId) {
      return fail('MESSAGE_ILLEGAL', 'all messages of a batch must go to the same topic and queue');
    }
    if (input.body.length > limits.maxMessageSize) {
      return fail('MESSAGE_ILLEGAL', `message body is ${input.body.length} bytes, over maxMessageSize ${limits.maxMessageSize}; send smaller bodies or raise maxMessageSize`);
    }
    const encoded = input.encodedProperties;
    let properties: string;
    try {
      // Every record carries a whole-record CRC (sealed by the writer), so recovery can trust it.
      properties = encoded === undefined ? withRecordCrcPlaceholder(encodeProperties(input.properties)) : textAfter(encoded);
    } catch (error) {
      return fail('MESSAGE_ILLEGAL', ProtocolError.is(error) ? error.message : String(error));
    }
    // textAfter's text is the same from message to message: its length is kept with it.
    const textBytes = encoded === undefined ? Buffer.byteLength(properties) : lastTextBytes;
    const propertiesBytes = (encoded === undefined ? 0 : propertiesBytesLength(encoded)) + textBytes;
    if (propertiesBytes > PROPERTIES_MAX_BYTES) {
      return fail('PROPERTIES_SIZE_EXCEEDED', `message properties take ${propertiesBytes} bytes, over ${PROPERTIES_MAX_BYTES}; use fewer or shorter properties`);
    }
    let prepared: PreparedRecord;
    try {
      prepared = prepareStoredRecord({
        topic: input.topic,
        queueId: input.queueId,
        flag: input.flag ?? 0,
        sysFlag: input.sysFlag ?? 0,
        bornTimestamp: input.bornTimestamp ?? now,
        bornHost: input.bornHost ?? UNKNOWN_HOST,
        storeHost: limits.storeHost,
        reconsumeTimes: input.reconsumeTimes ?? 0,
        preparedTransactionOffset: input.preparedTransactionOffset ?? 0,
        body: input.body,
        properties,
        storeTimestamp: now,
      }, encoded, textBytes);
    } catch (error) {
      return fail('MESSAGE_ILLEGAL', ProtocolError.is(error) ? error.message : String(error));
    }
    records.push({ prepared, tagsCode: limits.tagsCodeOf(input.topic, input.properties, now), storeTimestamp: now });
    totalSize += prepared.size;
    const keys = input.properties[KEYS] === undefined ? [] : keysOf(input.properties);
    const uniqKey = input.properties[UNIQ_KEY];
    if (keys.length > 0 || uniqKey) (indexKeys ??= [])[records.length - 1] = { keys, uniqKey };
  }
  return {
    ok: true,
    prepared: {
      request: { topic: first.topic, queueId: first.queueId, records, totalSize },
      waitStoreMsgOK: first.waitStoreMsgOK ?? true,
      indexKeys,
    },
  };
}

/** What follows encoded properties bytes: the appended pairs (after a separator when the bytes need one) and the CRC placeholder. */
export function tailText(open: boolean, appended: string): string {
  return withRecordCrcPlaceholder((open ? PROPERTY_SEPARATOR : '') + appended);
}

/** The last textAfter result: a batch's entries all end alike (the same appended pairs). */
let lastAppended = '';
let lastOpen = false;
let lastText = withRecordCrcPlaceholder('');
let lastTextBytes = Buffer.byteLength(lastText);

/** What follows encoded properties bytes in the record: their appended pairs and the CRC placeholder. */
function textAfter(encoded: EncodedProperties): string {
  // Bytes that end without a separator need one before anything appended (clients may or may not
  // end theirs with one: ali-ons does).
  const last = lastPropertiesByte(encoded);
  const open = last >= 0 && last !== PROPERTY_SEPARATOR_CODE;
  const appended = encoded.appended;
  if (appended !== lastAppended || open !== lastOpen) {
    lastAppended = appended;
    lastOpen = open;
    lastText = tailText(open, appended);
    lastTextBytes = Buffer.byteLength(lastText);
  }
  return lastText;
}

export function storedPositions(records: readonly AppendedRecord[], storeHost: HostAddress): StoredPosition[] {
  return records.map((record) => ({
    msgId: createOffsetMessageId(storeHost, record.physicalOffset),
    physicalOffset: record.physicalOffset,
    queueOffset: record.queueOffset,
    size: record.size,
    storeTimestamp: record.storeTimestamp,
  }));
}

export function fail(status: PutMessageStatus, message: string): PrepareOutcome {
  return { ok: false, result: { status, message } };
}
