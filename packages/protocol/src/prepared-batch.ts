// The records of one batch send prepared in columns: the entries' bodies and properties stay where
// they lie in the request's body (MessageBatchLayout), and what the writer needs per entry (size,
// body CRC, which tail follows the properties) sits in typed arrays, one slot per entry. The fields
// the entries share (topic, queue, hosts, timestamps) are validated once per batch.
//
// Why not a PreparedRecord per entry: for batches of small messages the objects were most of the
// work. A broker taking batches of 64 x 128 B built ten objects per message between the request and
// the staging buffer (the entry's view and its body's subarray, the put input and its properties
// bytes, the record input, the prepared record, the append record...) and validated every shared
// field again for each.
import * as checksum from './crc32-span';
import { ProtocolError, ProtocolErrorCode } from './errors';
import { hostAddressBytes, type HostAddress } from './host';
import { BATCH_ENTRY_FIELDS, BatchEntryField, type MessageBatchLayout } from './message-batch';
import * as copying from './byte-copy';
import * as records from './prepared-record';
import { PROPERTY_SEPARATOR } from './properties';
import * as record from './stored-record';
import * as encode from './stored-record-encode';
// Bound once at load: under CommonJS every use of an imported name is a module-export getter call.
const { crc32Span } = checksum;
const { copyRun, targetViewOf } = copying;
const { writeRecordHead, writeTopicAndPropertiesLength } = records;
const { encodedRecordSize } = encode;
const { PROPERTIES_MAX_BYTES, RecordField, storedRecordSize } = record;

const FLAG = BatchEntryField.FLAG;
const BODY_START = BatchEntryField.BODY_START;
const BODY_END = BatchEntryField.BODY_END;
const PROPERTIES_START = BatchEntryField.PROPERTIES_START;
const PROPERTIES_END = BatchEntryField.PROPERTIES_END;
const STRIDE = BATCH_ENTRY_FIELDS;
const BODY = RecordField.BODY;
const INT32_MAX = 0x7fffffff;
const SEPARATOR_CODE = PROPERTY_SEPARATOR.charCodeAt(0);
const EMPTY = Buffer.alloc(0);

/** What every entry of a batch shares: one topic and queue, one producer, one arrival. */
export interface BatchRecordFields {
  topic: string;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: HostAddress;
  storeHost: HostAddress;
  reconsumeTimes: number;
}

export interface PreparedBatch {
  readonly topic: string;
  readonly queueId: number;
  readonly sysFlag: number;
  readonly bornTimestamp: number;
  readonly bornHost: Buffer;
  readonly storeHost: Buffer;
  readonly reconsumeTimes: number;
  /** The batch body the layout points into. */
  readonly source: Buffer;
  readonly layout: MessageBatchLayout;
  /** TOTALSIZE of each entry's record. */
  readonly sizes: Int32Array;
  /** Each body's unmasked CRC-32 (BODYCRC is it with the sign bit cleared; the seal splices it in). */
  readonly bodyCrc32s: Uint32Array;
  /** Per entry, 1 when its properties end without a separator and `openTail` follows them, else 0. */
  readonly opens: Uint8Array;
  /** UTF-8 of what follows the properties of an entry that ends with a separator (or has none)... */
  readonly closedTail: Uint8Array;
  /** ...and of one that does not: the same text after a separator. */
  readonly openTail: Uint8Array;
  readonly totalSize: number;
}

/**
 * What follows each entry's properties bytes in its record (the caller's appended pairs and the CRC
 * placeholder), as UTF-8 in arrays of their own: `closed` after properties that are empty or end with
 * a separator, `open` after the others (the same text after a separator).
 */
export interface BatchTails {
  readonly closed: Uint8Array;
  readonly open: Uint8Array;
}

/** BatchTails for the text `after(open)`: arrays of their own (Buffer.from may return a slice of its pool). */
export function batchTails(after: (open: boolean) => string): BatchTails {
  return { closed: new Uint8Array(Buffer.from(after(false), 'utf8')), open: new Uint8Array(Buffer.from(after(true), 'utf8')) };
}

/**
 * Validates the shared fields once (throws ProtocolError as encodedRecordSize does) and computes each
 * entry's record size and body CRC; each record's properties will be the entry's bytes followed by
 * one of `tails`. Throws BAD_LENGTH when an entry's properties and tail pass PROPLEN's limit.
 */
export function prepareStoredBatch(fields: BatchRecordFields, source: Buffer, layout: MessageBatchLayout, tails: BatchTails): PreparedBatch {
  const { topic, queueId, sysFlag, bornTimestamp, bornHost, storeHost, reconsumeTimes } = fields;
  // Every shared field is checked here, once, as encodedRecordSize checks a single record's. A literal,
  // not `{ ...fields, flag: 0, ... }`: in this V8 a spread followed by more properties took ~0.7-3 us.
  encodedRecordSize({ topic, queueId, flag: 0, sysFlag, bornTimestamp, bornHost, storeHost, reconsumeTimes, preparedTransactionOffset: 0, body: EMPTY, properties: '' });
  const closedTail = tails.closed;
  const openTail = tails.open;
  const { count, fields: entries } = layout;
  const sizes = new Int32Array(count);
  const bodyCrc32s = new Uint32Array(count);
  const opens = new Uint8Array(count);
  let totalSize = 0;
  for (let i = 0, slot = 0; i < count; i++, slot += STRIDE) {
    const bodyStart = entries[slot + BODY_START]!;
    const bodyEnd = entries[slot + BODY_END]!;
    const propertiesStart = entries[slot + PROPERTIES_START]!;
    const propertiesEnd = entries[slot + PROPERTIES_END]!;
    const open = propertiesEnd > propertiesStart && source[propertiesEnd - 1] !== SEPARATOR_CODE;
    const propertiesBytes = propertiesEnd - propertiesStart + (open ? openTail.length : closedTail.length);
    if (propertiesBytes > PROPERTIES_MAX_BYTES) {
      throw new ProtocolError(ProtocolErrorCode.BAD_LENGTH, `properties of batch entry ${i} are ${propertiesBytes} bytes; PROPLEN is a signed short, so keep them under ${PROPERTIES_MAX_BYTES + 1}`);
    }
    const size = storedRecordSize(bodyEnd - bodyStart, topic.length, propertiesBytes);
    if (size > INT32_MAX) throw new ProtocolError(ProtocolErrorCode.BAD_LENGTH, `batch entry ${i} makes a record of ${size} bytes, over the int32 TOTALSIZE; send smaller bodies`);
    sizes[i] = size;
    // In place: short bodies by the table loop, long ones natively (crc32Span chooses).
    bodyCrc32s[i] = crc32Span(source, bodyStart, bodyEnd);
    opens[i] = open ? 1 : 0;
    totalSize += size;
  }
  return {
    topic,
    queueId,
    sysFlag,
    bornTimestamp,
    bornHost: hostAddressBytes(bornHost),
    storeHost: hostAddressBytes(storeHost),
    reconsumeTimes,
    source,
    layout,
    sizes,
    bodyCrc32s,
    opens,
    closedTail,
    openTail,
    totalSize,
  };
}

/**
 * Writes entry `index` of `batch` at `at` with its final position fields, as writePreparedRecord
 * writes a prepared record (the bytes are the same). The caller guarantees room for its size.
 */
export function writeBatchRecord(batch: PreparedBatch, index: number, target: Buffer, at: number, queueOffset: number, physicalOffset: number, storeTimestamp: number): void {
  const entries = batch.layout.fields;
  const slot = index * STRIDE;
  const source = batch.source;
  const bodyStart = entries[slot + BODY_START]!;
  const bodyEnd = entries[slot + BODY_END]!;
  const size = batch.sizes[index]!;
  const view = targetViewOf(target);
  writeRecordHead(view, at, size, batch.bodyCrc32s[index]! & INT32_MAX, batch.queueId, entries[slot + FLAG]!, queueOffset, physicalOffset, batch.sysFlag, batch.bornTimestamp, batch.bornHost, storeTimestamp, batch.storeHost, batch.reconsumeTimes, 0, bodyEnd - bodyStart);
  const end = at + size;
  let pos = writeTopicAndPropertiesLength(view, target, copyRun(source, bodyStart, bodyEnd, target, at + BODY), batch.topic, end);
  pos = copyRun(source, entries[slot + PROPERTIES_START]!, entries[slot + PROPERTIES_END]!, target, pos);
  // A whole standalone array: TypedArray#set without a subarray to make (byte-copy.ts).
  target.set(batch.opens[index] === 1 ? batch.openTail : batch.closedTail, pos);
}
