// Wires transactional messages into a broker (Java BrokerController.initialTransaction): the state
// table loaded from the store's metadata, the END_TRANSACTION processor, and the check service, which
// runs on a master only (a Java slave starts its check service when it becomes master).
import type { RemotingServer } from '@pulsejet/remoting';
import { RequestCode } from '@pulsejet/protocol';
import type { BrokerContext } from '../broker-context';
import type { ProducerManager } from '../client/producer-manager';
import { RMQ_SYS_TRANS_HALF_TOPIC } from '../topic/system-topics';
import { createEndTransactionProcessor } from './end-transaction-processor';
import { TransactionCheckService } from './transaction-check-service';
import { TransactionStateTable } from './transaction-state-table';
import { TransactionalMessageService } from './transactional-message-service';

export interface TransactionsHandle {
  /** Stops checking back, waiting for a round in progress; idempotent. */
  close(): Promise<void>;
}

const HOUR_MS = 3_600_000;

export async function startTransactions(server: RemotingServer, ctx: BrokerContext, producers: Pick<ProducerManager, 'anyChannelOf'>): Promise<TransactionsHandle> {
  const { options, store, topics } = ctx;
  const log = options.log;
  const table = new TransactionStateTable(store.metadata, log);
  await table.init(store.getMaxOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, 0));
  const service = new TransactionalMessageService({ store, table, delayLevelsMs: options.delayLevelsMs, log });
  server.registerProcessor(RequestCode.END_TRANSACTION, createEndTransactionProcessor(ctx, service));
  const check = new TransactionCheckService({
    store,
    topics,
    table,
    producerChannel: (group) => producers.anyChannelOf(group),
    brokerName: options.brokerName,
    checkIntervalMs: options.transactionCheckInterval,
    transactionTimeOutMs: options.transactionTimeOut,
    checkMax: options.transactionCheckMax,
    maxAgeMs: store.options.fileReservedTime * HOUR_MS,
    log,
  });
  if (options.brokerRole !== 'SLAVE') check.start();
  return { close: () => check.close() };
}
