// What request processors share: resolved options, the store, the topic table. Built by the
// controller once the store is open.
import type { MessageStore } from '@pulsejet/core';
import type { ResolvedBrokerOptions } from './broker-options';
import type { TopicConfigManager } from './topic/topic-config-manager';

export interface BrokerContext {
  readonly options: ResolvedBrokerOptions;
  readonly store: MessageStore;
  readonly topics: TopicConfigManager;
}
