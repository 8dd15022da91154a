// END_TRANSACTION (37) request header (Java EndTransactionRequestHeader):
//
//   producerGroup         @CFNotNull  the group that sent the half message (checked against PGROUP)
//   tranStateTableOffset  @CFNotNull  the half's queue offset in RMQ_SYS_TRANS_HALF_TOPIC (the send reply's queueOffset)
//   commitLogOffset       @CFNotNull  the half's commit-log offset (from the send reply's offset msgId)
//   commitOrRollback      @CFNotNull  0 not yet known, 8 commit, 12 rollback (MessageSysFlag transaction types)
//   fromTransactionCheck  nullable    true when answering CHECK_TRANSACTION_STATE; default false
//   msgId                 @CFNotNull  the client's msgId (UNIQ_KEY), informational
//   transactionId         nullable    informational
import { MessageSysFlag } from '@pulsejet/protocol';
import { HeaderError, HeaderReader } from '../remoting/header-fields';

export type EndTransactionType =
  | typeof MessageSysFlag.TRANSACTION_NOT_TYPE
  | typeof MessageSysFlag.TRANSACTION_COMMIT_TYPE
  | typeof MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;

export interface EndTransactionRequestHeader {
  producerGroup: string;
  tranStateTableOffset: number;
  commitLogOffset: number;
  commitOrRollback: EndTransactionType;
  fromTransactionCheck: boolean;
  msgId: string;
  transactionId: string | undefined;
}

const TYPES: readonly number[] = [MessageSysFlag.TRANSACTION_NOT_TYPE, MessageSysFlag.TRANSACTION_COMMIT_TYPE, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE];

/** Throws HeaderError naming the first missing or malformed field (Java: checkFields). */
export function parseEndTransactionHeader(ext: Readonly<Record<string, string>>): EndTransactionRequestHeader {
  const r = new HeaderReader(ext);
  const header = {
    producerGroup: r.string('producerGroup'),
    tranStateTableOffset: r.int('tranStateTableOffset'),
    commitLogOffset: r.int('commitLogOffset'),
    commitOrRollback: r.int('commitOrRollback'),
    fromTransactionCheck: r.optionalBoolean('fromTransactionCheck') ?? false,
    msgId: r.string('msgId'),
    transactionId: r.optionalString('transactionId'),
  };
  if (!TYPES.includes(header.commitOrRollback)) {
    throw new HeaderError(`the custom field <commitOrRollback> must be 0 (unknown), 8 (commit) or 12 (rollback), got ${header.commitOrRollback}`);
  }
  if (header.tranStateTableOffset < 0 || header.commitLogOffset < 0) {
    throw new HeaderError('the custom fields <tranStateTableOffset> and <commitLogOffset> must not be negative');
  }
  return { ...header, commitOrRollback: header.commitOrRollback as EndTransactionType };
}
