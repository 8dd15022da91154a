// Commit and rollback of half messages (Java TransactionalMessageServiceImpl.commitMessage /
// rollbackMessage / deletePrepareMessage and EndTransactionProcessor's checks), with the outcome
// bookkept in a TransactionStateTable. Wire-free: END_TRANSACTION's processor maps the results.
import type { MessageStore } from '@pulsejet/core';
import { MessageSysFlag, ResponseCode, type StoredMessage } from '@pulsejet/protocol';
import type { BrokerLog } from '../broker-options';
import { PUT_STATUS_RESPONSE_CODE, isStoredStatus } from '../send/put-status';
import { rewriteForStore } from '../send/send-message-processor';
import { RMQ_SYS_TRANS_HALF_TOPIC } from '../topic/system-topics';
import type { EndTransactionRequestHeader } from './end-transaction-header';
import { committedMessageOf, producerGroupOf } from './half-message';
import type { TransactionOutcome, TransactionStateTable } from './transaction-state-table';

export interface TransactionalMessageServiceOptions {
  store: MessageStore;
  table: TransactionStateTable;
  /** Delay levels, for timer properties on a committed message (rewriteForStore). */
  delayLevelsMs: readonly number[];
  log: BrokerLog;
}

/** An END_TRANSACTION's result: a response code and, when useful, what happened or what to do. */
export interface EndTransactionResult {
  code: number;
  remark?: string;
}

const PAST: Readonly<Record<TransactionOutcome, string>> = { commit: 'committed', rollback: 'rolled back', discard: 'discarded after too many checks' };

export class TransactionalMessageService {
  constructor(private readonly options: TransactionalMessageServiceOptions) {}

  /** Commits or rolls back the half message the header names; never delivers a half twice. */
  async endTransaction(header: EndTransactionRequestHeader): Promise<EndTransactionResult> {
    const wanted: TransactionOutcome | undefined =
      header.commitOrRollback === MessageSysFlag.TRANSACTION_COMMIT_TYPE ? 'commit' : header.commitOrRollback === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE ? 'rollback' : undefined;
    if (wanted === undefined) return { code: ResponseCode.SUCCESS, remark: 'the transaction state is not known yet; the broker will check back' };
    const half = this.options.store.lookMessageByOffset(header.commitLogOffset);
    const problem = this.checkHalf(half, header);
    if (problem !== undefined) return problem;
    return this.options.table.withLock(half!.queueOffset, () => this.resolve(half!, wanted));
  }

  /** Java checkPrepareMessage, plus: the offset must hold a half message. */
  private checkHalf(half: StoredMessage | undefined, header: EndTransactionRequestHeader): EndTransactionResult | undefined {
    const at = `commitLogOffset ${header.commitLogOffset}`;
    if (half === undefined || half.physicalOffset !== header.commitLogOffset) {
      return { code: ResponseCode.SYSTEM_ERROR, remark: `Find prepared transaction message failed: no message starts at ${at}; send the offsets of the half message's send reply` };
    }
    if (half.topic !== RMQ_SYS_TRANS_HALF_TOPIC) {
      return { code: ResponseCode.SYSTEM_ERROR, remark: `the message at ${at} is not a half message (it is in topic ${half.topic}); only transactional sends can be committed or rolled back` };
    }
    const group = producerGroupOf(half);
    if (group !== header.producerGroup) {
      return { code: ResponseCode.SYSTEM_ERROR, remark: `The producer group wrong: the half message at ${at} belongs to ${group ?? 'no group'}, not ${header.producerGroup}` };
    }
    if (half.queueOffset !== header.tranStateTableOffset) {
      return { code: ResponseCode.SYSTEM_ERROR, remark: `The transaction state table offset wrong: the half message at ${at} has tranStateTableOffset ${half.queueOffset}, not ${header.tranStateTableOffset}` };
    }
    return undefined;
  }

  private async resolve(half: StoredMessage, wanted: TransactionOutcome): Promise<EndTransactionResult> {
    const { table, store, log } = this.options;
    const where = `half message ${half.msgId} (tranStateTableOffset ${half.queueOffset})`;
    await table.dropStale(half.queueOffset, half.physicalOffset);
    const state = table.stateOf(half.queueOffset, half.physicalOffset);
    if (state.kind === 'settled') {
      // A repeated decision (a retried END_TRANSACTION, or a check answer crossing the first one) is
      // acknowledged and changes nothing; a contrary one is refused.
      if (state.outcome === wanted) return { code: ResponseCode.SUCCESS, remark: `the ${where} was already ${PAST[wanted]}; nothing done` };
      return { code: ResponseCode.SYSTEM_ERROR, remark: `the ${where} was already ${PAST[state.outcome]}; cannot ${wanted} it` };
    }
    if (state.kind === 'settled-earlier') {
      return { code: ResponseCode.SYSTEM_ERROR, remark: `the ${where} was resolved long ago (committed, rolled back or discarded); nothing done` };
    }
    if (wanted === 'commit') {
      const committed = committedMessageOf(half);
      if (committed === undefined) {
        return { code: ResponseCode.MESSAGE_ILLEGAL, remark: `the ${where} has no valid REAL_TOPIC/REAL_QID; it cannot be delivered, roll it back` };
      }
      const result = await store.putMessage(rewriteForStore(committed, this.options.delayLevelsMs));
      if (!isStoredStatus(result.status)) {
        log('warn', `committing ${where} failed (${result.status}); it stays open and will be checked back`);
        return { code: PUT_STATUS_RESPONSE_CODE[result.status], remark: result.message ?? `putting the committed message failed: ${result.status}` };
      }
      // Crash window (Java has the same one): the committed copy is in the commit log but the outcome
      // is not yet recorded. A crash right here leaves the half open; after the restart it is checked
      // back, and a producer that answers commit again gets it delivered a second time.
    }
    await table.settle(half.queueOffset, half.physicalOffset, wanted);
    log('debug', `${where} ${PAST[wanted]}`);
    return { code: ResponseCode.SUCCESS };
  }
}
