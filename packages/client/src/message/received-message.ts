// What consumers get (Java MessageExt): a stored record decoded by @pulsejet/protocol, with the
// body inflated when the producer compressed it, and the ids users look messages up by. Pull
// replies and CHECK_TRANSACTION_STATE bodies both carry stored records, so both end here.
import { inflateSync } from 'node:zlib';
import * as protocol from '@pulsejet/protocol';
import type { HostAddress, StoredMessage } from '@pulsejet/protocol';
import { ClientError, ClientErrorCode } from '../errors';
import type { MessageQueue } from './message-queue';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call,
// and a message is built here for every delivery.
const { MessageConst, MessageSysFlag, RECORD_CRC_PROPERTY, keysOf, userPropertiesOf } = protocol;
const TAGS = MessageConst.TAGS;
const KEYS = MessageConst.KEYS;
const UNIQ_KEY = MessageConst.UNIQ_KEY;
/** The keys of every message without a KEYS property (one shared array, not one per message). */
const NO_KEYS: readonly string[] = Object.freeze([]);

export interface ReceivedMessage {
  readonly topic: string;
  /** The TAGS property, if the producer set one. */
  readonly tags: string | undefined;
  /** The KEYS property split on spaces. */
  readonly keys: readonly string[];
  /** The body as the producer gave it (inflated if it travelled compressed). */
  readonly body: Buffer;
  /** Every stored property, system ones (UNIQ_KEY, TAGS, RETRY_TOPIC, ...) included. */
  readonly properties: Readonly<Record<string, string>>;
  /** The user's properties only (names outside SYSTEM_PROPERTY_KEYS). */
  readonly userProperties: Readonly<Record<string, string>>;
  /** The client-generated UNIQ_KEY when present (what send returned), else the offset msgId. */
  readonly msgId: string;
  /** The broker's id: store host + commit-log offset, 32 hex characters. */
  readonly offsetMsgId: string;
  readonly queue: MessageQueue;
  readonly queueOffset: number;
  readonly commitLogOffset: number;
  readonly reconsumeTimes: number;
  readonly bornTimestamp: number;
  readonly storeTimestamp: number;
  /** "ip:port" of the producer. */
  readonly bornHost: string;
  /** "ip:port" of the broker that stored it. */
  readonly storeHost: string;
  readonly flag: number;
  readonly sysFlag: number;
  /** For a transaction's commit/rollback record: the half message's commit-log offset. */
  readonly preparedTransactionOffset: number;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON. Throws ClientError BAD_MESSAGE when it is not JSON. */
  json<T = unknown>(): T;
}

/** The name some APIs use for a received message. */
export type MessageView = ReceivedMessage;

/** "ip:port" of decoded hosts, which @pulsejet/protocol shares between records (few distinct ones). */
const hostStrings = new WeakMap<HostAddress, string>();

function hostString(host: HostAddress): string {
  let text = hostStrings.get(host);
  if (text === undefined) {
    text = `${host.address}:${host.port}`;
    hostStrings.set(host, text);
  }
  return text;
}

// Java's Deflater path: the COMPRESSED bit with compression type 0 (old clients) or ZLIB (bits 8-10).
const COMPRESSION_TYPE_MASK = 0x700;

/** The body of a stored record as the producer gave it. Throws ClientError BAD_MESSAGE when it can't be inflated. */
export function uncompressedBody(sysFlag: number, body: Buffer, where: string): Buffer {
  if ((sysFlag & MessageSysFlag.COMPRESSED) === 0) return body;
  const type = sysFlag & COMPRESSION_TYPE_MASK;
  if (type !== 0 && type !== MessageSysFlag.COMPRESSION_ZLIB) {
    throw new ClientError(
      ClientErrorCode.BAD_MESSAGE,
      `${where} is compressed with ${type === MessageSysFlag.COMPRESSION_LZ4 ? 'LZ4' : type === MessageSysFlag.COMPRESSION_ZSTD ? 'ZSTD' : `type 0x${type.toString(16)}`}; only zlib is supported, so have the producer use zlib`,
    );
  }
  try {
    return inflateSync(body);
  } catch (cause) {
    throw new ClientError(ClientErrorCode.BAD_MESSAGE, `${where} has the compressed flag but its body is not zlib data; the producer wrote a bad body`, { cause });
  }
}

// The store's record checksum (RECORD_CRC_PROPERTY) is the broker's, not the user's.
function userProperties(props: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return userPropertiesOf(props, RECORD_CRC_PROPERTY);
}

class StoredReceivedMessage implements ReceivedMessage {
  readonly topic: string;
  readonly tags: string | undefined;
  readonly keys: readonly string[];
  readonly body: Buffer;
  readonly properties: Readonly<Record<string, string>>;
  readonly userProperties: Readonly<Record<string, string>>;
  readonly msgId: string;
  readonly offsetMsgId: string;
  readonly queue: MessageQueue;
  readonly queueOffset: number;
  readonly commitLogOffset: number;
  readonly reconsumeTimes: number;
  readonly bornTimestamp: number;
  readonly storeTimestamp: number;
  readonly bornHost: string;
  readonly storeHost: string;
  readonly flag: number;
  readonly sysFlag: number;
  readonly preparedTransactionOffset: number;

  constructor(decoded: Readonly<StoredMessage>, brokerName: string, queue: MessageQueue | undefined) {
    const props = decoded.properties;
    this.topic = decoded.topic;
    this.tags = props[TAGS];
    this.keys = props[KEYS] === undefined ? NO_KEYS : keysOf(props);
    this.body = uncompressedBody(decoded.sysFlag, decoded.body, `message ${decoded.msgId} of ${decoded.topic}`);
    this.properties = props;
    this.userProperties = userProperties(props);
    this.msgId = props[UNIQ_KEY] ?? decoded.msgId;
    this.offsetMsgId = decoded.msgId;
    this.queue =
      queue !== undefined && queue.topic === decoded.topic && queue.queueId === decoded.queueId && queue.brokerName === brokerName
        ? queue
        : Object.freeze({ topic: decoded.topic, brokerName, queueId: decoded.queueId });
    this.queueOffset = decoded.queueOffset;
    this.commitLogOffset = decoded.physicalOffset;
    this.reconsumeTimes = decoded.reconsumeTimes;
    this.bornTimestamp = decoded.bornTimestamp;
    this.storeTimestamp = decoded.storeTimestamp;
    this.bornHost = hostString(decoded.bornHost);
    this.storeHost = hostString(decoded.storeHost);
    this.flag = decoded.flag;
    this.sysFlag = decoded.sysFlag;
    this.preparedTransactionOffset = decoded.preparedTransactionOffset;
  }

  text(): string {
    return this.body.toString('utf8');
  }

  json<T = unknown>(): T {
    try {
      return JSON.parse(this.text()) as T;
    } catch (cause) {
      throw new ClientError(ClientErrorCode.BAD_MESSAGE, `message ${this.msgId} of ${this.topic} has a body that is not JSON; read it with text() or body`, { cause });
    }
  }
}

/**
 * Builds the message consumers see from a decoded stored record (decodeStoredRecord /
 * decodeStoredRecords of @pulsejet/protocol, or readStoredRecord's shared record: every field is
 * copied here) and the broker it came from. The topic is the stored
 * one: a %RETRY% copy keeps its retry topic here (its RETRY_TOPIC property names the original).
 * The body is copied when inflated and otherwise stays a view into the reply buffer. The message's
 * `queue` is frozen: `queue`, when it names the record's queue, is taken as is (one object for a
 * whole pull reply; pass a frozen one), else one is made.
 */
export function toReceivedMessage(decoded: Readonly<StoredMessage>, brokerName: string, queue?: MessageQueue): ReceivedMessage {
  return new StoredReceivedMessage(decoded, brokerName, queue);
}
