// What producers and consumers register with their ClientInstance: the heartbeat carries the groups,
// and server-to-client requests (check-back, consumer ids changed) are routed to them.
import type { SubscriptionData } from '@pulsejet/protocol';
import type { ReceivedMessage } from '../message/received-message';

export interface ProducerRegistration {
  /**
   * CHECK_TRANSACTION_STATE arrived for a half message of this producer group (its PGROUP property).
   * `header` holds the request's ext fields (tranStateTableOffset, commitLogOffset, msgId,
   * transactionId, offsetMsgId); answer with END_TRANSACTION to `brokerAddr`.
   */
  checkTransactionState?(brokerAddr: string, message: ReceivedMessage, header: Record<string, string>): void;
}

export type ConsumeType = 'CONSUME_ACTIVELY' | 'CONSUME_PASSIVELY';
export type ConsumeFromWhere = 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';

export interface ConsumerRegistration {
  /** CONSUME_ACTIVELY for pull (lite) consumers, CONSUME_PASSIVELY for push consumers. */
  consumeType: ConsumeType;
  messageModel: 'CLUSTERING' | 'BROADCASTING';
  consumeFromWhere: ConsumeFromWhere;
  /** Current subscriptions, sent in every heartbeat. */
  subscriptions(): SubscriptionData[];
  /** NOTIFY_CONSUMER_IDS_CHANGED arrived for this group: rebalance now. */
  onConsumerIdsChanged?(): void;
}
