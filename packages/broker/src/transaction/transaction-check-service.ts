// Check-back of open half messages (Java TransactionalMessageCheckService and
// TransactionalMessageServiceImpl.check). Every transactionCheckInterval one round walks
// RMQ_SYS_TRANS_HALF_TOPIC queue 0 from the settled progress:
//
//   - settled halves are passed over (and progress moves over them);
//   - a half checked transactionCheckMax times already, or older than the store's fileReservedTime,
//     is discarded: kept in TRANS_CHECK_MAX_TIME_TOPIC and settled (Java 4.9+ resolveDiscardMsg);
//   - a half younger than transactionTimeOut ends the round (later ones are younger still); one with
//     CHECK_IMMUNITY_TIME_IN_SECONDS waits that long instead and does not end the round;
//   - any other half is checked: its count goes up (persisted) and CHECK_TRANSACTION_STATE goes oneway
//     to one live channel of its producer group. As in Java, the check is counted even when no
//     producer of the group is online, so an abandoned group's halves are discarded in the end.
//
// Unlike Java, a checked half is not re-put to the end of the queue: its count lives in the state
// table, and the producer's answer names the original offsets, which stay valid. So a half has one
// identity for its whole life, and a late END_TRANSACTION and a check answer can never both deliver it.
import type { MessageStore } from '@pulsejet/core';
import { PERM_READ, PERM_WRITE, topicConfigWithDefaults } from '@pulsejet/core';
import { MessageConst, ServiceLoop, decodeStoredRecord, type StoredMessage } from '@pulsejet/protocol';
import type { RemotingChannel } from '@pulsejet/remoting';
import type { BrokerLog } from '../broker-options';
import { isStoredStatus } from '../send/put-status';
import type { TopicConfigManager } from '../topic/topic-config-manager';
import { RMQ_SYS_TRANS_HALF_TOPIC, TRANS_CHECK_MAX_TIME_TOPIC } from '../topic/system-topics';
import { checkTransactionStateRequest } from './check-transaction-state';
import { checkMaxTimeMessageOf, producerGroupOf, realDestinationOf } from './half-message';
import type { TransactionStateTable } from './transaction-state-table';

export interface TransactionCheckServiceOptions {
  store: MessageStore;
  topics: TopicConfigManager;
  table: TransactionStateTable;
  /** A live channel of a producer group (ProducerManager.anyChannelOf). */
  producerChannel: (group: string) => RemotingChannel | undefined;
  brokerName: string;
  /** ms between rounds (RocketMQ transactionCheckInterval). */
  checkIntervalMs: number;
  /** ms after its born time before a half is first checked (RocketMQ transactionTimeOut). */
  transactionTimeOutMs: number;
  /** Checks before a half is discarded (RocketMQ transactionCheckMax). */
  checkMax: number;
  /** Halves older than this are discarded unchecked (Java needSkip: the store's fileReservedTime). */
  maxAgeMs: number;
  log: BrokerLog;
  /** @default Date.now */
  now?: () => number;
}

const BATCH = 32;

type Verdict = 'next' | 'stop';

export class TransactionCheckService {
  private readonly loop: ServiceLoop;
  private readonly now: () => number;

  constructor(private readonly options: TransactionCheckServiceOptions) {
    this.now = options.now ?? Date.now;
    this.loop = new ServiceLoop({
      name: 'transaction check',
      intervalMs: options.checkIntervalMs,
      task: (signal) => this.checkOnce(signal),
      onError: (error) => options.log('warn', `transaction check failed: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Stops checking and waits for a round in progress. Idempotent. */
  close(): Promise<void> {
    return this.loop.close();
  }

  /** One round over the open halves (the loop's task; tests may call it). */
  async checkOnce(signal?: AbortSignal): Promise<void> {
    const { store, table } = this.options;
    const minOffset = store.getMinOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, 0);
    const maxOffset = store.getMaxOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, 0);
    if (maxOffset === 0) return;
    await this.ensureTopic(RMQ_SYS_TRANS_HALF_TOPIC);
    const now = this.now();
    let offset = Math.max(table.progress, minOffset);
    scan: while (offset < maxOffset && !signal?.aborted) {
      const result = store.getMessage(RMQ_SYS_TRANS_HALF_TOPIC, 0, offset, { maxMsgNums: BATCH });
      if (result.messages.length === 0) break;
      for (const [index, record] of result.messages.entries()) {
        if (signal?.aborted) break scan;
        const queueOffset = result.queueOffsets[index]!;
        // Consecutive reads: a gap would be records retention removed; progress may not pass them unread.
        if (queueOffset !== offset) break scan;
        if ((await this.examine(record, queueOffset, now)) === 'stop') break scan;
        offset = queueOffset + 1;
      }
    }
    await table.advance(minOffset, offset);
  }

  private async examine(record: Buffer, queueOffset: number, now: number): Promise<Verdict> {
    const { table, checkMax, log } = this.options;
    let half: StoredMessage;
    try {
      half = decodeStoredRecord(record);
    } catch (error) {
      log('error', `half message at offset ${queueOffset} cannot be decoded (${error instanceof Error ? error.message : String(error)}); the check stops there`);
      return 'stop';
    }
    await table.dropStale(queueOffset, half.physicalOffset);
    const state = table.stateOf(queueOffset, half.physicalOffset);
    if (state.kind !== 'open') return 'next';
    const age = now - half.bornTimestamp;
    if (state.checkTimes >= checkMax || age > this.options.maxAgeMs) {
      await this.discard(half, state.checkTimes);
      return 'next';
    }
    const immunity = immunityMsOf(half, this.options.transactionTimeOutMs);
    if (immunity !== undefined) {
      if (age <= immunity) return 'next';
    } else if (age >= 0 && age <= this.options.transactionTimeOutMs) {
      return 'stop';
    }
    // A negative age (the producer's clock ahead of ours) is checked at once, as in Java.
    await this.checkBack(half, state.checkTimes + 1);
    return 'next';
  }

  private async checkBack(half: StoredMessage, times: number): Promise<void> {
    const { table, log } = this.options;
    await table.withLock(half.queueOffset, async () => {
      if (table.stateOf(half.queueOffset, half.physicalOffset).kind !== 'open') return;
      await table.countCheck(half.queueOffset, half.physicalOffset, times);
      const group = producerGroupOf(half);
      const channel = group === undefined ? undefined : this.options.producerChannel(group);
      const what = `half message ${half.msgId} of ${realDestinationOf(half)?.topic ?? '?'} (tranStateTableOffset ${half.queueOffset}, check ${times} of ${this.options.checkMax})`;
      if (channel === undefined) {
        log('warn', `no producer of group ${group ?? '(none)'} is online to check ${what}; the check counts anyway`);
        return;
      }
      log('debug', `checking ${what} with ${channel.remoteAddress}`);
      channel.oneway(checkTransactionStateRequest(half, times, this.options.brokerName)).catch((error: unknown) => {
        log('warn', `CHECK_TRANSACTION_STATE for ${what} to ${channel.remoteAddress} failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
  }

  private async discard(half: StoredMessage, times: number): Promise<void> {
    const { table, store, log } = this.options;
    await table.withLock(half.queueOffset, async () => {
      if (table.stateOf(half.queueOffset, half.physicalOffset).kind !== 'open') return;
      await this.ensureTopic(TRANS_CHECK_MAX_TIME_TOPIC);
      const result = await store.putMessage(checkMaxTimeMessageOf(half, times));
      if (!isStoredStatus(result.status)) {
        log('error', `keeping half message ${half.msgId} in ${TRANS_CHECK_MAX_TIME_TOPIC} failed (${result.status}); retrying next round`);
        return;
      }
      await table.settle(half.queueOffset, half.physicalOffset, 'discard');
      log('warn', `discarded half message ${half.msgId} of ${realDestinationOf(half)?.topic ?? '?'} (group ${producerGroupOf(half) ?? '?'}) after ${times} checks; a copy is in ${TRANS_CHECK_MAX_TIME_TOPIC}`);
    });
  }

  /** Java creates these system topics with one queue on first use. */
  private async ensureTopic(topic: string): Promise<void> {
    const { topics } = this.options;
    if (topics.get(topic) === undefined) await topics.put(topicConfigWithDefaults(topic, { readQueueNums: 1, writeQueueNums: 1, perm: PERM_READ | PERM_WRITE }));
  }
}

/** CHECK_IMMUNITY_TIME_IN_SECONDS in ms; an unreadable value means transactionTimeOut (Java getImmunityTime). */
function immunityMsOf(half: StoredMessage, transactionTimeOutMs: number): number | undefined {
  const raw = half.properties[MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS];
  if (raw === undefined) return undefined;
  const seconds = Number(raw.trim());
  return /^\d+$/.test(raw.trim()) && Number.isSafeInteger(seconds) ? seconds * 1000 : transactionTimeOutMs;
}
