// Shared by the transaction tests: half-message sends, END_TRANSACTION requests, pulls, and a raw
// TCP "transactional producer" that heartbeats its group and answers CHECK_TRANSACTION_STATE the way
// Java's TransactionMQProducer does (END_TRANSACTION oneway, fromTransactionCheck=true).
import {
  MessageSysFlag,
  RequestCode,
  ResponseCode,
  createRequest,
  decodeOffsetMessageId,
  decodeStoredRecord,
  decodeStoredRecords,
  type RemotingCommand,
  type StoredMessage,
} from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { TIMEOUT_MS, sendV1 } from '../helpers';

export type Decision = 'commit' | 'rollback' | 'unknown';
const TYPE: Readonly<Record<Decision, number>> = {
  commit: MessageSysFlag.TRANSACTION_COMMIT_TYPE,
  rollback: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE,
  unknown: MessageSysFlag.TRANSACTION_NOT_TYPE,
};

/** SEND_MESSAGE of a half message as Java's TransactionMQProducer sends it (TRAN_MSG, PGROUP, sysFlag 4). */
export function halfSend(topic: string, body: string, group: string, properties: Record<string, string> = {}, fields: Record<string, string> = {}): RemotingCommand {
  return sendV1(
    topic,
    Buffer.from(body),
    { producerGroup: group, sysFlag: String(MessageSysFlag.TRANSACTION_PREPARED_TYPE), ...fields },
    { TAGS: 'TagTx', KEYS: `key-${body}`, UNIQ_KEY: `UNIQ-${body}`, TRAN_MSG: 'true', PGROUP: group, ...properties },
  );
}

/** What a send reply says about the half: the offsets END_TRANSACTION names. */
export interface HalfRef {
  group: string;
  msgId: string;
  commitLogOffset: number;
  tranStateTableOffset: number;
  uniqKey: string | undefined;
}

export function halfRefOf(reply: RemotingCommand, group: string, uniqKey?: string): HalfRef {
  if (reply.code !== ResponseCode.SUCCESS) throw new Error(`half send failed: ${reply.code} ${reply.remark ?? ''}`);
  const msgId = reply.extFields['msgId']!;
  return { group, msgId, commitLogOffset: decodeOffsetMessageId(msgId).physicalOffset, tranStateTableOffset: Number(reply.extFields['queueOffset']), uniqKey };
}

/** END_TRANSACTION with every Java header field; `overrides` may replace or (with undefined) remove them. */
export function endTransaction(ref: HalfRef, decision: Decision, overrides: Record<string, string | undefined> = {}, oneway = false): RemotingCommand {
  const fields: Record<string, string | undefined> = {
    producerGroup: ref.group,
    tranStateTableOffset: String(ref.tranStateTableOffset),
    commitLogOffset: String(ref.commitLogOffset),
    commitOrRollback: String(TYPE[decision]),
    fromTransactionCheck: 'false',
    msgId: ref.uniqKey ?? ref.msgId,
    transactionId: ref.uniqKey,
    ...overrides,
  };
  const ext: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) ext[key] = value;
  return createRequest(RequestCode.END_TRANSACTION, ext, undefined, { oneway });
}

export async function pullAll(send: (command: RemotingCommand) => Promise<RemotingCommand>, topic: string, queueId = 0): Promise<StoredMessage[]> {
  const reply = await send(
    createRequest(RequestCode.PULL_MESSAGE, {
      consumerGroup: 'GID_tx_test',
      topic,
      queueId: String(queueId),
      queueOffset: '0',
      maxMsgNums: '32',
      sysFlag: '4',
      commitOffset: '0',
      suspendTimeoutMillis: '0',
      subscription: '*',
      subVersion: '1',
    }),
  );
  return reply.code === ResponseCode.SUCCESS && reply.body ? decodeStoredRecords(reply.body) : [];
}

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface ReceivedCheck {
  header: Record<string, string>;
  message: StoredMessage;
}

let producerCounter = 0;

/**
 * A transactional producer over raw TCP: HEART_BEAT with producerDataSet [{groupName}] registers its
 * connection with the broker, which then sends CHECK_TRANSACTION_STATE on that connection.
 */
export class TestTxProducer {
  readonly client = new TcpRemotingClient();
  readonly checks: ReceivedCheck[] = [];
  /** How to answer checks; undefined never answers. */
  answer: Decision | undefined;
  readonly clientId = `127.0.0.1@tx-${process.pid}-${producerCounter++}`;

  constructor(
    public brokerAddr: string,
    readonly group: string,
    answer?: Decision,
  ) {
    this.answer = answer;
    this.client.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (request) => {
      const message = decodeStoredRecord(request.body!);
      this.checks.push({ header: { ...request.extFields }, message });
      const decision = this.answer;
      if (decision !== undefined) {
        const ref: HalfRef = {
          group: this.group,
          msgId: request.extFields['offsetMsgId']!,
          commitLogOffset: Number(request.extFields['commitLogOffset']),
          tranStateTableOffset: Number(request.extFields['tranStateTableOffset']),
          uniqKey: request.extFields['msgId'],
        };
        const end = endTransaction(ref, decision, { fromTransactionCheck: 'true', transactionId: request.extFields['transactionId'] }, true);
        this.client.oneway(this.brokerAddr, end).catch(() => undefined);
      }
      return undefined;
    });
  }

  /** Checks received for one half (by its commit-log offset). */
  checksOf(ref: HalfRef): ReceivedCheck[] {
    return this.checks.filter((check) => Number(check.header['commitLogOffset']) === ref.commitLogOffset);
  }

  async heartbeat(): Promise<void> {
    const body = Buffer.from(JSON.stringify({ clientID: this.clientId, consumerDataSet: [], producerDataSet: [{ groupName: this.group }] }));
    const reply = await this.client.request(this.brokerAddr, createRequest(RequestCode.HEART_BEAT, {}, body), TIMEOUT_MS);
    if (reply.code !== ResponseCode.SUCCESS) throw new Error(`heartbeat refused: ${reply.code} ${reply.remark ?? ''}`);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/**
 * Waits until the broker has run at least `rounds` more check rounds, witnessed by a probe half of
 * its own group whose producer never answers: each round checks it once. Used to show that something
 * did NOT happen over several rounds without sleeping for a guessed time.
 */
export async function witnessCheckRounds(
  brokerAddr: string,
  send: (command: RemotingCommand) => Promise<RemotingCommand>,
  topic: string,
  rounds: number,
): Promise<void> {
  const probe = new TestTxProducer(brokerAddr, `PID_probe_${producerCounter++}`);
  try {
    await probe.heartbeat();
    const ref = halfRefOf(await send(halfSend(topic, `probe-${producerCounter++}`, probe.group)), probe.group);
    await waitFor(() => (probe.checksOf(ref).length >= rounds ? true : undefined), `${rounds} check rounds (probe half)`, 30_000);
    // Resolve the probe so it does not linger as an open half.
    await send(endTransaction(ref, 'rollback'));
  } finally {
    await probe.close();
  }
}
