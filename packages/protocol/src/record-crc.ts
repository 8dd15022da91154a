// Whole-record CRC, in RocketMQ 5's format (MessageConst.PROPERTY_CRC32 and
// MessageDecoder.createCrc32, enabled there by `enabledAppendPropCRC`): the properties end with
// `__CRC32#` NAME_VALUE_SEPARATOR <10 decimal digits> PROPERTY_SEPARATOR, and the digits are
// CRC32(record bytes before this 20-byte tail) & 0x7FFFFFFF.
//
// Why: the V1 BODYCRC covers only the body, so a write torn inside the properties (or a header field)
// goes unnoticed by recovery. The store seals every record after its position fields are final.
// Readers that do not know the property see one more property and ignore it.
import * as checksum from './crc32';
import * as combine from './crc32-combine';
import * as span from './crc32-span';
import { NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from './properties';
import { RecordField } from './stored-record';
// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and the seal runs per stored record.
const { crc32 } = checksum;
const { crc32Combine, crc32CombineByTable, crc32ShiftTable } = combine;
const { crc32Span } = span;

export const RECORD_CRC_PROPERTY = '__CRC32#';
const DIGITS = 10;
/** Bytes of the CRC property at the end of a record's properties: key, separators and digits. */
export const RECORD_CRC_RESERVED_LENGTH = RECORD_CRC_PROPERTY.length + 1 + DIGITS + 1;
const PREFIX = Buffer.from(`${RECORD_CRC_PROPERTY}${NAME_VALUE_SEPARATOR}`, 'latin1');
const SEPARATOR_CODE = PROPERTY_SEPARATOR.charCodeAt(0);
const ZERO = 0x30;
// Plain constants: the seal runs per message, and module-export getters are not free.
const BODY = RecordField.BODY;
const BODY_LENGTH = RecordField.BODY_LENGTH;

const PLACEHOLDER = `${RECORD_CRC_PROPERTY}${NAME_VALUE_SEPARATOR}${'0'.repeat(DIGITS)}${PROPERTY_SEPARATOR}`;
const SEPARATED_PLACEHOLDER = PROPERTY_SEPARATOR + PLACEHOLDER;

/** Properties with the CRC property appended, its digits still zero (sealRecordCrc fills them). */
export function withRecordCrcPlaceholder(properties: string): string {
  if (properties.length === 0 || properties.charCodeAt(properties.length - 1) === SEPARATOR_CODE) return properties + PLACEHOLDER;
  return properties + SEPARATED_PLACEHOLDER;
}

/** Computes and writes the CRC of the record at [at, at + size), which must end with the placeholder. */
export function sealRecordCrc(buf: Buffer, at: number, size: number): void {
  const tail = at + size - RECORD_CRC_RESERVED_LENGTH;
  writeDigits(buf, tail, crc32(buf.subarray(at, tail)));
}

/**
 * Without a shift table, splicing costs multModP's loop and reading the two short spans around the
 * body; re-reading the body costs its bytes. Measured here the two broke even between 1.5 and 2 KiB
 * of body (1 KiB: 1.5 vs 1.8 us; 4 KiB: 2.5 vs 1.8 us; 16 KiB: 7.8 vs 4.5 us), so smaller bodies are
 * re-read unless their length has a table.
 */
const SPLICE_MIN_BODY_BYTES = 2048;

/**
 * sealRecordCrc for a record whose body's CRC-32 is already known (`bodyCrc32`, zlib.crc32 of the
 * BODYLENGTH bytes at BODY, before Java's sign-bit mask): the body is not read again when its length
 * recurs (crc32ShiftTable: ~12 ns to splice it in) or is large, its CRC then spliced in. The result is
 * byte-identical to sealRecordCrc's. Measured for 1 KiB bodies with a table: 206-239 instead of
 * 463-490 ns per seal; for lengths that do not recur no difference was resolved.
 */
export function sealRecordCrcKnowingBody(buf: Buffer, at: number, size: number, bodyCrc32: number): void {
  const tail = at + size - RECORD_CRC_RESERVED_LENGTH;
  const bodyStart = at + BODY;
  const bodyLength = buf.readInt32BE(at + BODY_LENGTH);
  const bodyEnd = bodyStart + bodyLength;
  const table = crc32ShiftTable(bodyLength);
  let beforeBody: number;
  if (table !== undefined) beforeBody = crc32CombineByTable(table, crc32Span(buf, at, bodyStart), bodyCrc32);
  else if (bodyLength >= SPLICE_MIN_BODY_BYTES) beforeBody = crc32Combine(crc32Span(buf, at, bodyStart), bodyCrc32, bodyLength);
  else {
    writeDigits(buf, tail, crc32(buf.subarray(at, tail)));
    return;
  }
  writeDigits(buf, tail, crc32Span(buf, bodyEnd, tail, beforeBody));
}

/** The CRC property's 10 digits: the record CRC with the sign bit cleared, as Java's. */
function writeDigits(buf: Buffer, tail: number, crc: number): void {
  let value = (crc & 0x7fffffff) >>> 0;
  for (let i = DIGITS - 1; i >= 0; i -= 1) {
    buf[tail + PREFIX.length + i] = ZERO + (value % 10);
    value = Math.floor(value / 10);
  }
}

/**
 * Checks the record at [at, at + size): 'absent' when it carries no CRC property (records from other
 * writers), else whether the CRC matches.
 */
export function verifyRecordCrc(buf: Buffer, at: number, size: number): 'absent' | 'valid' | 'invalid' {
  const tail = at + size - RECORD_CRC_RESERVED_LENGTH;
  if (tail < at || buf[at + size - 1] !== SEPARATOR_CODE || !buf.subarray(tail, tail + PREFIX.length).equals(PREFIX)) return 'absent';
  let stored = 0;
  for (let i = 0; i < DIGITS; i += 1) {
    const digit = buf[tail + PREFIX.length + i]! - ZERO;
    if (digit < 0 || digit > 9) return 'invalid';
    stored = stored * 10 + digit;
  }
  return stored === (crc32(buf.subarray(at, tail)) & 0x7fffffff) >>> 0 ? 'valid' : 'invalid';
}
