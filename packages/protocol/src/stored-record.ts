// THE commit-log record layout (STYLE.md habit 5), written down once: the encoder, the decoder, the
// recovery scanner and the tests all import these constants. RocketMQ message version V1 with IPv4
// hosts, all big-endian (reference §6.1; Java `MessageDecoder`, `CommitLog.MessageExtEncoder`).
// A pull reply body is these records back to back, so the store's bytes go to the wire unchanged.
import type { HostAddress } from './host';

/** MAGICCODE of a V1 message (0xDAA320A7). V2 (5.x, 2-byte topic length) would break ali-ons. */
export const MESSAGE_MAGIC_CODE_V1 = -626843481;
/** MAGICCODE of the padding that fills a commit-log segment's tail (Java `CommitLog.BLANK_MAGIC_CODE`). */
export const BLANK_MAGIC_CODE = -875286124;

/** Byte offset of each fixed-position field from the start of a record. */
export const RecordField = {
  /** int32: size of the whole record in bytes, this field included. */
  TOTAL_SIZE: 0,
  /** int32: MESSAGE_MAGIC_CODE_V1, or BLANK_MAGIC_CODE for segment-end padding. */
  MAGIC: 4,
  /** int32: CRC32(body) & 0x7FFFFFFF, as Java `UtilAll.crc32`. */
  BODY_CRC: 8,
  /** int32: queue id inside the topic. */
  QUEUE_ID: 12,
  /** int32: the user's message flag, opaque to the broker. */
  FLAG: 16,
  /** int64: logical offset in the consume queue; patched by the store when appending. */
  QUEUE_OFFSET: 20,
  /** int64: offset of this record in the commit log; patched by the store, part of the msgId. */
  PHYSICAL_OFFSET: 28,
  /** int32: MessageSysFlag bits (compression, transaction type; never the V6 host bits). */
  SYS_FLAG: 36,
  /** int64: producer clock, ms since the epoch. */
  BORN_TIMESTAMP: 40,
  /** 4 + 4: producer IPv4 + int32 port. */
  BORN_HOST: 48,
  /** int64: broker clock when stored, ms since the epoch; patched by the store. */
  STORE_TIMESTAMP: 56,
  /** 4 + 4: broker IPv4 + int32 port; part of the msgId. */
  STORE_HOST: 64,
  /** int32: how many times the message was redelivered after a failed consume. */
  RECONSUME_TIMES: 72,
  /** int64: commit-log offset of the prepared half message this one commits or rolls back. */
  PREPARED_TX_OFFSET: 76,
  /** int32: body length n. */
  BODY_LENGTH: 84,
  /** n bytes of body, then TOPICLEN (uint8) + topic, then PROPLEN (int16) + properties (UTF-8). */
  BODY: 88,
} as const;

/** Size of TOPICLEN: one unsigned byte (a V1 fact; ali-ons reads it as a uint8). */
export const TOPIC_LENGTH_SIZE = 1;
/** Size of PROPLEN: a signed short, so properties are at most 32767 bytes. */
export const PROPERTIES_LENGTH_SIZE = 2;
export const PROPERTIES_MAX_BYTES = 0x7fff;
/** A record with empty body, topic and properties: 88 + TOPICLEN + PROPLEN = 91. */
export const RECORD_FIXED_SIZE = RecordField.BODY + TOPIC_LENGTH_SIZE + PROPERTIES_LENGTH_SIZE;
/** TOTALSIZE + MAGICCODE; Java's END_FILE_MIN_BLANK_LENGTH. A shorter gap can't hold a blank marker. */
export const BLANK_RECORD_MIN_SIZE = 8;

/** TOTALSIZE of a record (Java `CommitLog.calMsgLength` for V1 with IPv4 hosts). */
export function storedRecordSize(bodyLength: number, topicByteLength: number, propertiesByteLength: number): number {
  return RECORD_FIXED_SIZE + bodyLength + topicByteLength + propertiesByteLength;
}

export interface StoredRecordInput {
  topic: string;
  queueId: number;
  flag: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: HostAddress;
  storeHost: HostAddress;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  body: Buffer;
  /** Already encoded with encodeProperties. */
  properties: string;
  /** @default 0 (the store patches it with patchRecordPosition) */
  queueOffset?: number;
  /** @default 0 (the store patches it with patchRecordPosition) */
  physicalOffset?: number;
  /** @default 0 (the store patches it with patchRecordPosition) */
  storeTimestamp?: number;
}

export interface StoredMessage {
  totalSize: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  physicalOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: HostAddress;
  storeTimestamp: number;
  storeHost: HostAddress;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  bodyCrc: number;
  /** A view into the decoded buffer, not a copy. */
  body: Buffer;
  topic: string;
  properties: Record<string, string>;
  /** The offset msgId built from storeHost and physicalOffset (reference §6.2). */
  msgId: string;
}

/** What the recovery scanner finds at a position (a tagged result, never a sentinel int). */
export type RecordInspection =
  | {
      kind: 'record';
      size: number;
      queueId: number;
      queueOffset: number;
      physicalOffset: number;
      storeTimestamp: number;
      topic: string;
      /** The raw properties string, for the caller's index building (tags, keys). */
      properties: string;
      tagsCode?: never;
    }
  /** BLANK_MAGIC_CODE padding up to a segment's end. */
  | { kind: 'blank'; size: number }
  /** TOTALSIZE 0 and MAGIC 0 (never-written, pre-allocated space), or too few bytes left for a header. */
  | { kind: 'end' }
  | { kind: 'corrupt'; reason: string };
