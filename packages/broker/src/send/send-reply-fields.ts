// The extFields of a stored single send's reply (Java SendMessageResponseHeader, plus the MSG_REGION and
// TRACE_ON every Java send reply carries), written straight into a binary reply header: a reply per
// message is the broker's busiest write after the log itself (protocol's prepared-fields.ts).
import * as protocol from '@pulsejet/protocol';
import type { PreparedFields } from '@pulsejet/protocol';

// Bound once at load: under CommonJS every use of an imported name is a getter call.
const { DECIMAL_VALUE_MAX_BYTES, encodeFieldEntries, encodeFieldKey, stringValueMaxBytes, writeDecimalValue, writeEncoded, writeStringValue } = protocol;

/** Java adds these to every send reply; ali-ons ignores them. */
export const DEFAULT_MSG_REGION = 'DefaultRegion';

const MSG_ID = encodeFieldKey('msgId');
const QUEUE_ID = encodeFieldKey('queueId');
const QUEUE_OFFSET = encodeFieldKey('queueOffset');
const TRANSACTION_ID = encodeFieldKey('transactionId');
/** The entries every reply ends with, in the order the object form lists them. */
const TRAILER_ENTRIES = { MSG_REGION: DEFAULT_MSG_REGION, TRACE_ON: 'true' } as const;
const TRAILER = encodeFieldEntries(TRAILER_ENTRIES);
const FIXED_MAX_BYTES = MSG_ID.length + QUEUE_ID.length + QUEUE_OFFSET.length + 2 * DECIMAL_VALUE_MAX_BYTES + TRAILER.length;

/**
 * msgId (the offset message id), queueId, queueOffset, transactionId for a half message (its
 * UNIQ_KEY, which END_TRANSACTION names), MSG_REGION and TRACE_ON: the same entries, in the same
 * order, as the object toRecord() gives.
 */
export class SendReplyFields implements PreparedFields {
  readonly maxBytes: number;

  constructor(
    readonly msgId: string,
    readonly queueId: number,
    readonly queueOffset: number,
    readonly transactionId: string | undefined,
  ) {
    this.maxBytes = FIXED_MAX_BYTES + stringValueMaxBytes(msgId) + (transactionId ? TRANSACTION_ID.length + stringValueMaxBytes(transactionId) : 0);
  }

  writeTo(out: Buffer, at: number): number {
    let p = writeEncoded(out, at, MSG_ID);
    p = writeStringValue(out, p, this.msgId);
    p = writeEncoded(out, p, QUEUE_ID);
    p = writeDecimalValue(out, p, this.queueId);
    p = writeEncoded(out, p, QUEUE_OFFSET);
    p = writeDecimalValue(out, p, this.queueOffset);
    if (this.transactionId) {
      p = writeEncoded(out, p, TRANSACTION_ID);
      p = writeStringValue(out, p, this.transactionId);
    }
    return writeEncoded(out, p, TRAILER);
  }

  hasEmptyValue(): boolean {
    return this.msgId === ''; // an empty transactionId is left out
  }

  toRecord(): Record<string, string> {
    const record: Record<string, string> = { msgId: this.msgId, queueId: String(this.queueId), queueOffset: String(this.queueOffset) };
    if (this.transactionId) record['transactionId'] = this.transactionId;
    record['MSG_REGION'] = TRAILER_ENTRIES.MSG_REGION;
    record['TRACE_ON'] = TRAILER_ENTRIES.TRACE_ON;
    return record;
  }
}
