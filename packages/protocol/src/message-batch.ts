// The SEND_BATCH_MESSAGE (320) body: messages one after another (Java MessageDecoder.encodeMessages /
// decodeMessages). The client encodes it, the broker decodes it. All big-endian:
//   totalSize int32 (the whole entry, this field included) | magicCode int32 (0) | bodyCRC int32 (0)
//   | flag int32 | bodyLength int32 | body | propertiesLength int16 | properties (UTF-8)
import { ProtocolError, ProtocolErrorCode } from './errors';
import * as propertiesCodec from './properties';
import * as storedRecord from './stored-record';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and both codecs run these per batch entry (the getter showed in Producer.sendBatch's profile).
const { decodeProperties, encodeProperties } = propertiesCodec;
const PROPERTIES_MAX_BYTES = storedRecord.PROPERTIES_MAX_BYTES;

export interface BatchEntry {
  flag: number;
  body: Buffer;
  properties: Record<string, string>;
}

/** What encodeMessageBatch takes: properties as a record, or already encoded (encodeProperties' output). */
export interface BatchEntryInput {
  flag: number;
  body: Buffer;
  properties: Readonly<Record<string, string>> | string;
}

const FIXED = 4 + 4 + 4 + 4 + 4 + 2;

/** A batch body whose lengths don't add up (ProtocolError BAD_LENGTH; the broker answers MESSAGE_ILLEGAL). */
export class BatchDecodeError extends ProtocolError {
  override readonly name: string = 'BatchDecodeError';

  constructor(message: string) {
    super(ProtocolErrorCode.BAD_LENGTH, message);
  }
}

/**
 * Throws ProtocolError BAD_LENGTH when an entry's properties exceed 32767 bytes (BAD_PROPERTIES for
 * unencodable ones). Sizes first, then one buffer written in place: a buffer per entry (zero-filled,
 * plus one for its properties) and a concat cost 73% of Producer.sendBatch's CPU for 128 B messages.
 */
export function encodeMessageBatch(entries: readonly BatchEntryInput[]): Buffer {
  const count = entries.length;
  const properties = new Array<string>(count);
  const propertyBytes = new Array<number>(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const entry = entries[i]!;
    // A producer has encoded them already (its size check needs the text): not twice per message.
    const text = typeof entry.properties === 'string' ? entry.properties : encodeProperties(entry.properties);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > PROPERTIES_MAX_BYTES) {
      throw new ProtocolError(ProtocolErrorCode.BAD_LENGTH, `properties of a batch entry are ${bytes} bytes; at most ${PROPERTIES_MAX_BYTES} fit`);
    }
    properties[i] = text;
    propertyBytes[i] = bytes;
    total += FIXED + entry.body.length + bytes;
  }
  // Every byte is written below (the two reserved int32s explicitly), so no zero-fill.
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const entry = entries[i]!;
    const bodyLength = entry.body.length;
    const bytes = propertyBytes[i]!;
    at = out.writeInt32BE(FIXED + bodyLength + bytes, at);
    at = out.writeInt32BE(0, at); // magic code: unused in a batch
    at = out.writeInt32BE(0, at); // body CRC: computed by the broker
    at = out.writeInt32BE(entry.flag, at);
    at = out.writeInt32BE(bodyLength, at);
    at += entry.body.copy(out, at);
    at = out.writeInt16BE(bytes, at);
    at += out.write(properties[i]!, at, bytes, 'utf8');
  }
  return out;
}

/**
 * One message of a batch body as it lies there: its properties are the bytes
 * `batch[propertiesStart, propertiesEnd)`, not decoded (a broker stores them verbatim, as Java's does).
 */
export interface BatchEntryView {
  flag: number;
  body: Buffer;
  propertiesStart: number;
  propertiesEnd: number;
}

/** Throws BatchDecodeError when a length points outside the body. */
export function decodeMessageBatch(buf: Buffer): BatchEntry[] {
  return readMessageBatch(buf).map(({ flag, body, propertiesStart, propertiesEnd }) => ({
    flag,
    body,
    properties: decodeProperties(buf.toString('utf8', propertiesStart, propertiesEnd)),
  }));
}

/**
 * Where each entry of a batch body lies, in one Int32Array of ENTRY_FIELDS slots per entry (the
 * BatchEntryField offsets): what a broker needs to store the entries without an object each.
 */
export interface MessageBatchLayout {
  readonly count: number;
  readonly fields: Int32Array;
}

/** Slots of one entry in MessageBatchLayout.fields, in this order. */
export const BatchEntryField = { FLAG: 0, BODY_START: 1, BODY_END: 2, PROPERTIES_START: 3, PROPERTIES_END: 4 } as const;
export const BATCH_ENTRY_FIELDS = 5;

/** The layout of a batch body's entries; throws BatchDecodeError when a length points outside the body. */
export function readMessageBatchLayout(buf: Buffer): MessageBatchLayout {
  // Room for entries of ~64 bytes at first; grown by doubling (batches of small messages are the hot case).
  let fields = new Int32Array(BATCH_ENTRY_FIELDS * Math.max(4, Math.ceil(buf.length / 64)));
  let count = 0;
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < FIXED) throw new BatchDecodeError(`batch entry ${count} at byte ${at} is truncated: ${buf.length - at} bytes left, a header needs ${FIXED}`);
    const totalSize = readInt32(buf, at);
    const bodyLength = readInt32(buf, at + 16);
    if (bodyLength < 0 || at + 20 + bodyLength + 2 > buf.length) throw new BatchDecodeError(`batch entry ${count}: body length ${bodyLength} runs past the end`);
    const bodyStart = at + 20;
    const propsLength = ((buf[bodyStart + bodyLength]! << 24) >> 16) | buf[bodyStart + bodyLength + 1]!;
    const propsStart = bodyStart + bodyLength + 2;
    if (propsLength < 0 || propsStart + propsLength > buf.length) throw new BatchDecodeError(`batch entry ${count}: properties length ${propsLength} runs past the end`);
    const size = FIXED + bodyLength + propsLength;
    if (totalSize !== size) throw new BatchDecodeError(`batch entry ${count}: totalSize ${totalSize} does not match its contents (${size} bytes)`);
    let slot = count * BATCH_ENTRY_FIELDS;
    if (slot === fields.length) {
      const grown = new Int32Array(fields.length * 2);
      grown.set(fields);
      fields = grown;
    }
    fields[slot++] = readInt32(buf, at + 12);
    fields[slot++] = bodyStart;
    fields[slot++] = bodyStart + bodyLength;
    fields[slot++] = propsStart;
    fields[slot] = propsStart + propsLength;
    count += 1;
    at += size;
  }
  return { count, fields };
}

/** The entries of a batch body with their properties left encoded; throws as decodeMessageBatch. */
export function readMessageBatch(buf: Buffer): BatchEntryView[] {
  const { count, fields } = readMessageBatchLayout(buf);
  const entries = new Array<BatchEntryView>(count);
  for (let i = 0, slot = 0; i < count; i++, slot += BATCH_ENTRY_FIELDS) {
    entries[i] = { flag: fields[slot]!, body: buf.subarray(fields[slot + 1]!, fields[slot + 2]!), propertiesStart: fields[slot + 3]!, propertiesEnd: fields[slot + 4]! };
  }
  return entries;
}

function readInt32(buf: Buffer, at: number): number {
  return (buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!;
}
