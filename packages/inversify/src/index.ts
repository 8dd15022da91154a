// Public API of @pulsejet/inversify: the decorator API (@Subscribe and friends), the Inversify
// modules (embedded or connected), startPulsejet(), and a test helper. Explicit names only
// (STYLE.md habit 2). The only Pulsejet library that knows about DI.
import 'reflect-metadata';

export { PulsejetConfigError, PulsejetConfigErrorCode } from './errors';

// Decorators (decorators/): they validate options and write metadata, nothing else.
export { Subscribe, SubscribeStream, OnDeadLetter, TransactionCheck } from './decorators/decorators';
export type { SubscribeHandler, StreamHandler, DeadLetterHandler, TransactionCheckHandler } from './decorators/decorators';
export { DEFAULT_GROUP_SETTINGS } from './decorators/subscribe-options';
export type {
  SubscribeOptions,
  OnDeadLetterOptions,
  TransactionCheckOptions,
  GroupSettings,
  ConsumeMode,
  ConsumeOrder,
  ConsumeFrom,
  BodyDecoder,
} from './decorators/subscribe-options';

// Messages (message/): what handlers get, and typed topics for sending.
export type { Message } from './message/message';
export { defineTopic } from './message/topic';
export type { TopicDefinition } from './message/topic';

// Modules (module/): what the container gets.
export { PulsejetModule } from './module/pulsejet-module';
export { PULSEJET_PRODUCER, PULSEJET_OPTIONS, PULSEJET_RUNTIME } from './module/tokens';
export { PulsejetTransactions } from './module/transactions';
export { PulsejetRuntime } from './module/runtime';
export { EmbeddedCluster, EMBEDDED_NAMESRV_ADDR, EMBEDDED_BROKER_ADDR } from './module/embedded-cluster';
export { DEFAULT_PRODUCER_GROUP, DEFAULT_TOPIC_QUEUE_NUMS, defaultPulsejetLog, resolveEmbeddedOptions, resolveConnectOptions } from './module/module-options';
export type {
  EmbeddedOptions,
  EmbeddedDataDirOptions,
  EmbeddedMemoryOptions,
  EmbeddedBrokerOptions,
  ConnectOptions,
  PulsejetCommonOptions,
  ConsumerTuning,
  ResolvedPulsejetOptions,
  PulsejetLog,
  PulsejetLogLevel,
} from './module/module-options';

// Lifecycle (app/, discovery/).
export { startPulsejet } from './app/start-pulsejet';
export type { PulsejetApp } from './app/start-pulsejet';
export { DEFAULT_UNTIL_TIMEOUT_MS } from './app/consumption-stats';
export type { Until, GroupStats } from './app/consumption-stats';
export { discoverHandlers, buildHandlerTable } from './discovery/discover';
export type { HandlerTable, GroupPlan, BoundHandler } from './discovery/discover';

// Testing (testing/): an in-memory broker per test and `until` waits.
export { createTestPulsejet, TEST_MESSAGE_DELAY_LEVEL, TEST_CONSUMER_TUNING } from './testing/test-pulsejet';
export type { TestPulsejet, TestPulsejetOptions } from './testing/test-pulsejet';
