// What the consumer side needs of a ClientInstance (instance/client-instance.ts implements it; the
// consumer code depends on this narrow view so it reads as "the calls a consumer makes").
import type { RemotingCommand, TopicRouteData } from '@pulsejet/protocol';
import type { ConsumerRegistration } from '../instance/registrations';
import type { MessageQueue } from '../message/message-queue';

export interface ConsumerClient {
  readonly clientId: string;
  start(): Promise<void>;
  close(): Promise<void>;
  getRoute(topic: string, options?: { refresh?: boolean }): Promise<TopicRouteData>;
  findBrokerAddr(brokerName: string, options?: { brokerId?: number; slaveOk?: boolean }): string | undefined;
  subscribeQueues(topic: string): Promise<MessageQueue[]>;
  invoke(addr: string, command: RemotingCommand, timeoutMs?: number): Promise<RemotingCommand>;
  registerConsumer(group: string, registration: ConsumerRegistration): () => Promise<void>;
  sendHeartbeatToAllBrokers(): Promise<void>;
  findConsumerIdList(topic: string, group: string): Promise<string[]>;
}
