// Transactional messages (Java TransactionMQProducer): a half message the broker keeps from
// consumers, the local transaction run by the caller's callback, then END_TRANSACTION (oneway)
// commits or rolls it back. When the outcome stays unknown (the callback said so, threw, or this
// process died), the broker later sends CHECK_TRANSACTION_STATE to a producer of the group and the
// check callback answers it; any producer of the group can, a restarted one included.
import { MessageConst, MessageSysFlag, decodeOffsetMessageId } from '@pulsejet/protocol';
import { ClientError, ClientErrorCode } from '../errors';
import type { ProducerRegistration } from '../instance/registrations';
import type { Message } from '../message/message';
import type { ReceivedMessage } from '../message/received-message';
import { buildMessage } from './build-message';
import { Producer, type SendOptions } from './producer';
import type { ProducerOptions } from './producer-options';
import { endTransactionRequest } from './send-request';
import type { SendResult } from './send-result';

/** What a local transaction (or a check of it) decided (Java LocalTransactionState). */
export const TransactionState = {
  COMMIT: 'COMMIT',
  ROLLBACK: 'ROLLBACK',
  /** Not decided yet: the broker asks the check callback later. */
  UNKNOWN: 'UNKNOWN',
} as const;
export type TransactionState = (typeof TransactionState)[keyof typeof TransactionState];

const COMMIT_OR_ROLLBACK: Record<TransactionState, number> = {
  COMMIT: MessageSysFlag.TRANSACTION_COMMIT_TYPE,
  ROLLBACK: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE,
  UNKNOWN: MessageSysFlag.TRANSACTION_NOT_TYPE,
};

export interface TransactionProducerOptions extends ProducerOptions {
  /**
   * Answers the broker's CHECK_TRANSACTION_STATE for a half message of this group whose outcome is
   * still open: look the transaction up (by message.msgId, keys or body) and say what became of it.
   * Throwing counts as UNKNOWN (the broker asks again later).
   */
  checkTransaction: (message: ReceivedMessage) => TransactionState | Promise<TransactionState>;
}

/** Runs the local transaction once the half message is stored; its answer commits or rolls back. */
export type LocalTransaction = (message: Message, half: SendResult) => TransactionState | Promise<TransactionState>;

export interface TransactionSendResult extends SendResult {
  /** What END_TRANSACTION told the broker. */
  transactionState: TransactionState;
  transactionId: string;
}

function isState(value: unknown): value is TransactionState {
  return value === 'COMMIT' || value === 'ROLLBACK' || value === 'UNKNOWN';
}

export class TransactionProducer extends Producer {
  private readonly checkTransaction: TransactionProducerOptions['checkTransaction'];

  /** Throws INVALID_ARGUMENT for the Producer's reasons, or when checkTransaction is missing. */
  constructor(options: TransactionProducerOptions) {
    if (typeof options?.checkTransaction !== 'function') {
      throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, 'TransactionProducer needs a checkTransaction callback to answer the broker\'s check-back of open transactions');
    }
    super(options);
    this.checkTransaction = options.checkTransaction;
  }

  protected override registration(): ProducerRegistration {
    return { checkTransactionState: (brokerAddr, message, header) => void this.answerCheck(brokerAddr, message, header) };
  }

  /**
   * Sends `message` as a half message, runs `local`, and ends the transaction with its answer. A
   * half message the broker did not store durably (a flush or slave timeout) is rolled back without
   * running `local`, as Java does. When `local` throws, the transaction is left UNKNOWN for the
   * check callback and the error is rethrown.
   */
  sendInTransaction(message: Message, local: LocalTransaction, options: Pick<SendOptions, 'timeoutMs'> = {}): Promise<TransactionSendResult> {
    return this.track(async () => {
      this.assertRunning();
      if (typeof local !== 'function') throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, 'sendInTransaction needs a local transaction callback');
      if (message?.shardingKey !== undefined) throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, 'a transactional message can\'t be sent ordered (shardingKey)');
      const out = buildMessage(message, { maxMessageSize: this.options.maxMessageSize, compressOverBytes: this.options.compressOverBytes, transactionGroup: this.groupName });
      const half = await this.sendBuilt(out, options, message);

      let state: TransactionState = TransactionState.ROLLBACK;
      let localError: unknown;
      if (half.status === 'SEND_OK') {
        try {
          const answer = await local(message, { ...half, transactionId: out.uniqKey });
          state = isState(answer) ? answer : TransactionState.UNKNOWN;
          if (!isState(answer)) this.options.log('warn', `local transaction of ${half.msgId} returned ${String(answer)}, not COMMIT/ROLLBACK/UNKNOWN; leaving it UNKNOWN`);
        } catch (error) {
          localError = error;
          state = TransactionState.UNKNOWN;
        }
      }
      await this.endTransaction(await this.masterAddr(half.queue), {
        state,
        tranStateTableOffset: half.queueOffset,
        offsetMsgId: half.offsetMsgId,
        msgId: half.msgId,
        transactionId: out.uniqKey,
        fromTransactionCheck: false,
        ...(localError !== undefined ? { remark: `executeLocalTransactionBranch exception: ${localError instanceof Error ? localError.message : String(localError)}` } : {}),
      });
      if (localError !== undefined) throw localError;
      return { ...half, transactionId: out.uniqKey, transactionState: state };
    });
  }

  private async endTransaction(
    brokerAddr: string,
    input: { state: TransactionState; tranStateTableOffset: number; offsetMsgId: string; msgId: string; transactionId: string | undefined; fromTransactionCheck: boolean; remark?: string },
  ): Promise<void> {
    await this.instance.invokeOneway(
      brokerAddr,
      endTransactionRequest({
        producerGroup: this.groupName,
        tranStateTableOffset: input.tranStateTableOffset,
        commitLogOffset: decodeOffsetMessageId(input.offsetMsgId).physicalOffset,
        commitOrRollback: COMMIT_OR_ROLLBACK[input.state],
        fromTransactionCheck: input.fromTransactionCheck,
        msgId: input.msgId,
        transactionId: input.transactionId,
        ...(input.remark !== undefined ? { remark: input.remark } : {}),
      }),
    );
  }

  // CHECK_TRANSACTION_STATE: ask the callback, answer with END_TRANSACTION to the broker that asked.
  private async answerCheck(brokerAddr: string, message: ReceivedMessage, header: Record<string, string>): Promise<void> {
    let state: TransactionState = TransactionState.UNKNOWN;
    let remark: string | undefined;
    try {
      const answer = await this.checkTransaction(message);
      if (isState(answer)) state = answer;
      else remark = `checkTransaction returned ${String(answer)}`;
    } catch (error) {
      remark = `checkLocalTransaction exception: ${error instanceof Error ? error.message : String(error)}`;
      this.options.log('warn', `checkTransaction of ${message.msgId} threw; answering UNKNOWN: ${error instanceof Error ? error.message : String(error)}`);
    }
    const tranStateTableOffset = Number(header['tranStateTableOffset']);
    const commitLogOffset = Number(header['commitLogOffset']);
    if (!Number.isSafeInteger(tranStateTableOffset) || !Number.isSafeInteger(commitLogOffset)) {
      this.options.log('error', `CHECK_TRANSACTION_STATE from ${brokerAddr} lacks tranStateTableOffset/commitLogOffset; not answered`);
      return;
    }
    const uniqKey = message.properties[MessageConst.UNIQ_KEY];
    try {
      await this.instance.invokeOneway(
        brokerAddr,
        endTransactionRequest({
          producerGroup: this.groupName,
          tranStateTableOffset,
          commitLogOffset,
          commitOrRollback: COMMIT_OR_ROLLBACK[state],
          fromTransactionCheck: true,
          msgId: header['msgId'] ?? uniqKey ?? message.offsetMsgId,
          transactionId: header['transactionId'] ?? uniqKey,
          ...(remark !== undefined ? { remark } : {}),
        }),
      );
    } catch (error) {
      this.options.log('warn', `answering the transaction check of ${message.msgId} to ${brokerAddr} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
