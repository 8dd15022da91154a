// A batch send stored from the bytes it came in (MessageStore.putMessageBatch): the request's body
// and where its entries lie, with what the store reads of each entry's properties in columns. The
// records are the bytes preparePut would prepare for the same entries with encoded properties,
// without an input, a prepared record and an append record object per message in between.
import * as protocol from '@pulsejet/protocol';
import type { BatchTails, HostAddress, MessageBatchLayout, PreparedBatch } from '@pulsejet/protocol';
import type { AppendRecord } from '../commitlog/append-types';
import * as putMessage from './put-message';
import type { IndexKeys, PrepareOutcome, PutLimits } from './put-message';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call.
const { BATCH_ENTRY_FIELDS, BatchEntryField, PROPERTIES_MAX_BYTES, PROPERTY_SEPARATOR, ProtocolError, batchTails, keysOf, prepareStoredBatch, validateTopicName } = protocol;
const { UNKNOWN_HOST, fail, tailText } = putMessage;
const { BODY_START, BODY_END, PROPERTIES_START, PROPERTIES_END } = BatchEntryField;
const PROPERTY_SEPARATOR_CODE = PROPERTY_SEPARATOR.charCodeAt(0);

/**
 * The messages of one batch send, stored as they lie in the request's body: each entry's body and
 * properties bytes are copied into its record, followed by `appended`, as Java's broker stores a
 * batch. The fields other than the layout's are every entry's.
 */
export interface BatchPutInput {
  topic: string;
  queueId: number;
  sysFlag?: number;
  bornTimestamp?: number;
  bornHost?: HostAddress;
  reconsumeTimes?: number;
  /** Wait for the flush (SYNC_FLUSH) before answering; RocketMQ's WAIT property. @default true */
  waitStoreMsgOK?: boolean;
  /** The batch body (MessageBatch encoding) and where its entries lie in it (protocol's readMessageBatchLayout). */
  source: Buffer;
  layout: MessageBatchLayout;
  /**
   * Per entry (by index), what the store reads of its properties: TAGS (for the tag code), KEYS and
   * UNIQ_KEY (for the key index); undefined when absent. The caller reads them from the bytes.
   */
  tags: readonly (string | undefined)[];
  keys: readonly (string | undefined)[];
  uniqKeys: readonly (string | undefined)[];
  /** Encoded pairs stored after each entry's properties ('' for none), e.g. the broker's CLUSTER. */
  appended: string;
}

/**
 * preparePut for a batch send in columns (BatchPutInput): the shared fields are checked once, each
 * entry's body and properties size as preparePut checks them, with the same statuses and messages.
 */
export function prepareBatchPut(input: BatchPutInput, limits: PutLimits): PrepareOutcome {
  const { topic, queueId, source, layout } = input;
  const topicProblem = validateTopicName(topic);
  if (topicProblem) return fail('MESSAGE_ILLEGAL', topicProblem);
  if (!Number.isInteger(queueId) || queueId < 0 || queueId > 0x7fffffff) {
    return fail('MESSAGE_ILLEGAL', `queueId ${queueId} is invalid; use an integer from 0`);
  }
  const count = layout.count;
  if (count === 0) return fail('MESSAGE_ILLEGAL', 'a put needs at least one message');
  const entries = layout.fields;
  const tails = tailsAfter(input.appended);
  for (let i = 0, slot = 0; i < count; i++, slot += BATCH_ENTRY_FIELDS) {
    const bodyLength = entries[slot + BODY_END]! - entries[slot + BODY_START]!;
    if (bodyLength > limits.maxMessageSize) {
      return fail('MESSAGE_ILLEGAL', `message body is ${bodyLength} bytes, over maxMessageSize ${limits.maxMessageSize}; send smaller bodies or raise maxMessageSize`);
    }
    const start = entries[slot + PROPERTIES_START]!;
    const end = entries[slot + PROPERTIES_END]!;
    const open = end > start && source[end - 1] !== PROPERTY_SEPARATOR_CODE;
    const propertiesBytes = end - start + (open ? tails.open : tails.closed).length;
    if (propertiesBytes > PROPERTIES_MAX_BYTES) {
      return fail('PROPERTIES_SIZE_EXCEEDED', `message properties take ${propertiesBytes} bytes, over ${PROPERTIES_MAX_BYTES}; use fewer or shorter properties`);
    }
  }
  const now = Date.now();
  let prepared: PreparedBatch;
  try {
    prepared = prepareStoredBatch(
      {
        topic,
        queueId,
        sysFlag: input.sysFlag ?? 0,
        bornTimestamp: input.bornTimestamp ?? now,
        bornHost: input.bornHost ?? UNKNOWN_HOST,
        storeHost: limits.storeHost,
        reconsumeTimes: input.reconsumeTimes ?? 0,
      },
      source,
      layout,
      tails,
    );
  } catch (error) {
    return fail('MESSAGE_ILLEGAL', ProtocolError.is(error) ? error.message : String(error));
  }
  const { tags, keys, uniqKeys } = input;
  const tagsCodes = new Float64Array(count);
  // One object for every entry's hook call: the hook reads it and keeps nothing (TagsCodeFunction).
  // Literal names (MessageConst's TAGS, KEYS, UNIQ_KEY) and absent ones undefined, never deleted: one shape.
  const read: { TAGS: string | undefined; KEYS: string | undefined; UNIQ_KEY: string | undefined } = { TAGS: undefined, KEYS: undefined, UNIQ_KEY: undefined };
  const properties = read as Readonly<Record<string, string>>;
  let indexKeys: Array<IndexKeys | undefined> | undefined;
  for (let i = 0; i < count; i++) {
    read.TAGS = tags[i];
    read.KEYS = keys[i];
    read.UNIQ_KEY = uniqKeys[i];
    tagsCodes[i] = limits.tagsCodeOf(topic, properties, now);
    const entryKeys = keys[i] === undefined ? NO_KEYS : keysOf(properties);
    const uniqKey = uniqKeys[i];
    if (entryKeys.length > 0 || uniqKey) (indexKeys ??= new Array<IndexKeys | undefined>(count))[i] = { keys: entryKeys, uniqKey };
  }
  return {
    ok: true,
    prepared: {
      request: { topic, queueId, records: NO_RECORDS, batch: { prepared, tagsCodes, storeTimestamp: now }, totalSize: prepared.totalSize },
      waitStoreMsgOK: input.waitStoreMsgOK ?? true,
      indexKeys,
    },
  };
}

const NO_KEYS: string[] = [];
const NO_RECORDS: readonly AppendRecord[] = [];

/** The last tailsAfter result: every batch a broker stores ends its entries alike (its CLUSTER pair). */
let lastTailsAppended: string | undefined;
let lastTails: BatchTails | undefined;

/** The bytes stored after a batch entry's properties, by whether those end with a separator. */
function tailsAfter(appended: string): BatchTails {
  if (appended !== lastTailsAppended || lastTails === undefined) {
    lastTails = batchTails((open) => tailText(open, appended));
    lastTailsAppended = appended;
  }
  return lastTails;
}
