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

/** The entries of a batch body with their properties left encoded; throws as decodeMessageBatch. */
export function readMessageBatch(buf: Buffer): BatchEntryView[] {
  const entries: BatchEntryView[] = [];
  let at = 0;
  while (at < buf.length) {
    const index = entries.length;
    if (buf.length - at < FIXED) throw new BatchDecodeError(`batch entry ${index} at byte ${at} is truncated: ${buf.length - at} bytes left, a header needs ${FIXED}`);
    const totalSize = buf.readInt32BE(at);
    const flag = buf.readInt32BE(at + 12);
    const bodyLength = buf.readInt32BE(at + 16);
    if (bodyLength < 0 || at + 20 + bodyLength + 2 > buf.length) throw new BatchDecodeError(`batch entry ${index}: body length ${bodyLength} runs past the end`);
    const body = buf.subarray(at + 20, at + 20 + bodyLength);
    const propsLength = buf.readInt16BE(at + 20 + bodyLength);
    const propsStart = at + 22 + bodyLength;
    if (propsLength < 0 || propsStart + propsLength > buf.length) throw new BatchDecodeError(`batch entry ${index}: properties length ${propsLength} runs past the end`);
    const size = FIXED + bodyLength + propsLength;
    if (totalSize !== size) throw new BatchDecodeError(`batch entry ${index}: totalSize ${totalSize} does not match its contents (${size} bytes)`);
    entries.push({ flag, body, propertiesStart: propsStart, propertiesEnd: propsStart + propsLength });
    at += size;
  }
  return entries;
}
