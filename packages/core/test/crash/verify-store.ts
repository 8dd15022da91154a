// What a reopened store must satisfy after a crash: every acknowledged message is served at its
// queue offset, intact; and every record any queue serves, acknowledged or not, is well formed.
// Problems are collected rather than thrown one by one, so a failure shows the whole picture.
import { crc32 } from 'node:zlib';
import { decodeStoredRecord, decodeStoredRecords, type StoredMessage } from '@pulsejet/protocol';
import type { MessageStore } from '../../src/index';
import { queueKey, type AckLedger, type AckedMessage } from './ack-ledger';
import { SHA_PROPERTY, sha256Hex } from './crash-protocol';

export interface VerifyResult {
  problems: string[];
  /** Records served by walking every queue. */
  served: number;
  /** Served records that no writer saw acknowledged (written, but the kill came before the answer). */
  servedUnacknowledged: number;
  queues: number;
}

/** Problems listed in full; the rest are only counted. */
const MAX_PROBLEMS = 25;
/** Large enough that one read returns a full batch of the biggest bodies. */
const WALK_BATCH = { maxMsgNums: 64, maxTotalBytes: 8 * 1024 * 1024 };

class Problems {
  readonly list: string[] = [];
  private more = 0;
  add(problem: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(problem);
    else this.more += 1;
  }
  result(): string[] {
    return this.more > 0 ? [...this.list, `... and ${this.more} more`] : this.list;
  }
}

/** The body CRC as RocketMQ computes it (UtilAll.crc32), independently of the store's own code. */
function expectedBodyCrc(body: Buffer): number {
  return crc32(body) & 0x7fffffff;
}

/**
 * Walks every queue of `topics` from min to max, checking each served record, then checks each
 * acknowledged message against what the walk served at its queue offset. `readBack` messages are
 * also read on their own, with a read starting at their offset (the walk only starts reads at the
 * queue's start and at batch boundaries).
 */
export function verifyStore(store: MessageStore, ledger: AckLedger, topics: readonly string[], readBack: Iterable<AckedMessage>): VerifyResult {
  const problems = new Problems();
  const logEnd = store.stats().commitLogMaxOffset;
  const servedAt = new Map<number, string>();
  const servedKeys = new Map<string, string>();
  /** What the walk served at each queue position ("topic/queueId@offset"). */
  const servedMessages = new Map<string, ServedMessage>();
  let served = 0;
  let servedUnacknowledged = 0;
  let queues = 0;

  // A record as a consumer would get it: decodable, self-consistent, at the position it claims.
  const checkRecord = (raw: Buffer, topic: string, queueId: number, queueOffset: number): StoredMessage | undefined => {
    const where = `${queueKey(topic, queueId)}@${queueOffset}`;
    let message: StoredMessage;
    try {
      message = decodeStoredRecord(raw);
    } catch (error) {
      problems.add(`${where}: served record does not decode (${String(error)})`);
      return undefined;
    }
    if (message.totalSize !== raw.length) problems.add(`${where}: record says ${message.totalSize} bytes, ${raw.length} were served`);
    if (message.topic !== topic || message.queueId !== queueId) problems.add(`${where}: record belongs to ${queueKey(message.topic, message.queueId)}`);
    if (message.queueOffset !== queueOffset) problems.add(`${where}: record says queue offset ${message.queueOffset}`);
    if (expectedBodyCrc(message.body) !== message.bodyCrc) problems.add(`${where}: body CRC ${expectedBodyCrc(message.body)} differs from the record's ${message.bodyCrc}`);
    if (sha256Hex(message.body) !== message.properties[SHA_PROPERTY]) problems.add(`${where}: body does not match its SHA-256 property`);
    if (message.physicalOffset + message.totalSize > logEnd) problems.add(`${where}: record at ${message.physicalOffset} lies past the log end ${logEnd}`);
    return message;
  };

  for (const topic of topics) {
    for (const queueId of store.queueIdsOf(topic)) {
      queues += 1;
      const key = queueKey(topic, queueId);
      const min = store.getMinOffsetInQueue(topic, queueId);
      const max = store.getMaxOffsetInQueue(topic, queueId);
      // Retention is off in the crash test, so nothing may have left the front of a queue.
      if (min !== 0) problems.add(`${key}: min offset is ${min}, expected 0`);
      if (max < ledger.queueEnd(topic, queueId)) problems.add(`${key}: max offset ${max} is below the acknowledged end ${ledger.queueEnd(topic, queueId)}`);
      let offset = min;
      let previousPhysical = -1;
      while (offset < max) {
        const result = store.getMessage(topic, queueId, offset, WALK_BATCH);
        const count = result.messages.length;
        if (result.status !== 'FOUND' || count === 0) {
          problems.add(`${key}@${offset}: walk to max ${max} stopped with ${result.status} (next ${result.nextBeginOffset})`);
          break;
        }
        const expectedOffsets = Array.from({ length: count }, (_, i) => offset + i);
        if (result.queueOffsets.join() !== expectedOffsets.join() || result.nextBeginOffset !== offset + count) {
          problems.add(`${key}@${offset}: served queue offsets [${result.queueOffsets.join()}] next ${result.nextBeginOffset}: a record was skipped`);
        }
        // The records concatenated are a pull reply body: it must decode as a whole, too.
        try {
          if (decodeStoredRecords(Buffer.concat(result.messages)).length !== count) problems.add(`${key}@${offset}: pull body does not decode to ${count} records`);
        } catch (error) {
          problems.add(`${key}@${offset}: pull body does not decode (${String(error)})`);
        }
        result.messages.forEach((raw, i) => {
          const queueOffset = result.queueOffsets[i] ?? offset + i;
          const message = checkRecord(raw, topic, queueId, queueOffset);
          if (!message) return;
          served += 1;
          const where = `${key}@${queueOffset}`;
          if (message.physicalOffset <= previousPhysical) problems.add(`${where}: commit-log offset ${message.physicalOffset} does not follow ${previousPhysical}`);
          previousPhysical = message.physicalOffset;
          const samePlace = servedAt.get(message.physicalOffset);
          if (samePlace) problems.add(`${where}: commit-log offset ${message.physicalOffset} is also served at ${samePlace}`);
          servedAt.set(message.physicalOffset, where);
          const uniqKey = message.properties['UNIQ_KEY'] ?? '';
          const sameKey = servedKeys.get(uniqKey);
          if (sameKey) problems.add(`${where}: message ${uniqKey} is also served at ${sameKey}`);
          servedKeys.set(uniqKey, where);
          servedMessages.set(where, summarize(message));
          if (!ledger.at(topic, queueId, queueOffset)) servedUnacknowledged += 1;
        });
        offset += count;
      }
    }
  }

  for (const acked of ledger.all()) {
    const message = servedMessages.get(`${queueKey(acked.topic, acked.queueId)}@${acked.queueOffset}`);
    if (message) compareAcknowledged(acked, message, problems);
    else problems.add(`${describe(acked)}: not served by the walk of its queue`);
  }
  for (const acked of readBack) readAcknowledged(store, acked, checkRecord, problems);
  return { problems: problems.result(), served, servedUnacknowledged, queues };
}

/** What the comparison with an acknowledgement needs, without holding on to the body. */
interface ServedMessage {
  uniqKey: string | undefined;
  physicalOffset: number;
  totalSize: number;
  msgId: string;
  bodyLength: number;
  sha256: string | undefined;
}

function summarize(message: StoredMessage): ServedMessage {
  const { physicalOffset, totalSize, msgId } = message;
  return { uniqKey: message.properties['UNIQ_KEY'], physicalOffset, totalSize, msgId, bodyLength: message.body.length, sha256: message.properties[SHA_PROPERTY] };
}

function describe(acked: AckedMessage): string {
  return `acknowledged ${acked.uniqKey} (cycle ${acked.cycle}) at ${queueKey(acked.topic, acked.queueId)}@${acked.queueOffset}`;
}

/** The served message is the acknowledged one: same key, place, size, id and body. */
function compareAcknowledged(acked: AckedMessage, message: ServedMessage, problems: Problems): void {
  const mismatches: string[] = [];
  if (message.uniqKey !== acked.uniqKey) mismatches.push(`uniq key ${message.uniqKey}`);
  if (message.physicalOffset !== acked.physicalOffset) mismatches.push(`commit-log offset ${message.physicalOffset} (acknowledged ${acked.physicalOffset})`);
  if (message.totalSize !== acked.size) mismatches.push(`size ${message.totalSize} (acknowledged ${acked.size})`);
  if (message.msgId !== acked.msgId) mismatches.push(`msgId ${message.msgId} (acknowledged ${acked.msgId})`);
  // checkRecord verified the body against its SHA-256 property, so comparing the property suffices.
  if (message.bodyLength !== acked.bodyLength || message.sha256 !== acked.sha256) mismatches.push('a different body');
  if (mismatches.length > 0) problems.add(`${describe(acked)}: served with ${mismatches.join(', ')}`);
}

/** Reads one acknowledged message back with a read starting at its queue offset, and by its commit-log offset. */
function readAcknowledged(
  store: MessageStore,
  acked: AckedMessage,
  checkRecord: (raw: Buffer, topic: string, queueId: number, queueOffset: number) => StoredMessage | undefined,
  problems: Problems,
): void {
  const where = describe(acked);
  const result = store.getMessage(acked.topic, acked.queueId, acked.queueOffset, { maxMsgNums: 1 });
  const raw = result.messages[0];
  if (result.status !== 'FOUND' || !raw || result.queueOffsets[0] !== acked.queueOffset) {
    problems.add(`${where}: not served (${result.status}, offsets [${result.queueOffsets.join()}], queue ${result.minOffset}..${result.maxOffset})`);
    return;
  }
  const message = checkRecord(raw, acked.topic, acked.queueId, acked.queueOffset);
  if (message) compareAcknowledged(acked, summarize(message), problems);
  const byOffset = store.lookMessageByOffset(acked.physicalOffset);
  if (byOffset?.properties['UNIQ_KEY'] !== acked.uniqKey) problems.add(`${where}: lookMessageByOffset(${acked.physicalOffset}) does not return it`);
}

/** The key index must find acknowledged messages by UNIQ_KEY once it has caught up. */
export async function verifyKeyIndex(store: MessageStore, messages: readonly AckedMessage[]): Promise<string[]> {
  await store.waitForIndex();
  const problems = new Problems();
  for (const acked of messages) {
    const found = await store.queryMessageByUniqKey(acked.topic, acked.uniqKey);
    if (found?.physicalOffset !== acked.physicalOffset) {
      problems.add(`key index: ${acked.uniqKey} (cycle ${acked.cycle}) found at ${found?.physicalOffset}, acknowledged at ${acked.physicalOffset}`);
    }
  }
  return problems.result();
}
