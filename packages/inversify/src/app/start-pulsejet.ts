// startPulsejet(container): finds the decorated handlers of the bound services, validates them,
// starts the broker (embedded), the producers and one PushConsumer per group, and returns the
// running app. close() stops in order: consumers first (stop pulling, drain in-flight handlers,
// commit offsets), then producers, the client instance, and the embedded broker last.
import { join } from 'node:path';
import { PushConsumer, TransactionProducer, type PushConsumerOptions } from '@pulsejet/client';
import type { Container } from 'inversify';
import { discoverHandlers, type GroupPlan, type HandlerTable } from '../discovery/discover';
import { PulsejetConfigError, PulsejetConfigErrorCode } from '../errors';
import type { PulsejetRuntime } from '../module/runtime';
import { PULSEJET_RUNTIME } from '../module/tokens';
import { ConsumptionStats, type GroupStats, type Until } from './consumption-stats';
import { methodHandler, transactionCheckHandler } from './handler-adapters';
import { StreamPipeline } from './stream-pipeline';

export interface PulsejetApp {
  /** The consumer groups started, in start order. */
  readonly groups: readonly string[];
  /** Waits on deliveries (no sleeps), e.g. `await app.until.consumed('billing', 3)`. */
  readonly until: Until;
  /** Acknowledged and failed deliveries of a group since start. */
  stats(group: string): GroupStats;
  /** The runtime: client instance, producer, embedded broker (for tests and diagnostics). */
  readonly runtime: PulsejetRuntime;
  /**
   * Stops pulling, waits for running handlers (up to the consumer's awaitTerminationMs), commits
   * offsets, leaves the groups, closes the producers and the client, then the embedded broker.
   * Idempotent.
   */
  close(): Promise<void>;
}

const started = new WeakSet<PulsejetRuntime>();

function consumerOptions(plan: GroupPlan, runtime: PulsejetRuntime): PushConsumerOptions {
  const { settings } = plan;
  const { options } = runtime;
  const dataDir = options.transport.kind === 'embedded' ? options.transport.dataDir : undefined;
  return {
    ...(dataDir !== undefined ? { offsetStoreDir: join(dataDir, 'broadcast-offsets') } : {}),
    ...options.consumer,
    groupName: plan.group,
    clientInstance: runtime.clientInstance,
    messageModel: settings.mode === 'broadcasting' ? 'BROADCASTING' : 'CLUSTERING',
    orderly: settings.order === 'orderly',
    consumeConcurrency: settings.concurrency,
    maxReconsumeTimes: settings.maxReconsumeTimes,
    consumeTimeoutMs: settings.timeoutMs,
    ...(settings.consumeFrom === 'last'
      ? { consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET' as const }
      : settings.consumeFrom === 'first'
        ? { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' as const }
        : { consumeFromWhere: 'CONSUME_FROM_TIMESTAMP' as const, consumeTimestamp: settings.consumeFrom }),
    log: options.log,
  };
}

/** Topics to create up front in embedded mode, so no consumer waits for a route refresh. */
function topicsOf(table: HandlerTable): { topics: Set<string>; system: Set<string> } {
  const topics = new Set<string>();
  const system = new Set<string>();
  for (const plan of table.groups) {
    if (plan.settings.mode === 'clustering') system.add(`%RETRY%${plan.group}`);
    for (const handler of plan.handlers) {
      if (handler.entry.kind === 'transaction-check') continue;
      const { topic } = handler.entry.subscription;
      (topic.startsWith('%') ? system : topics).add(topic);
    }
  }
  return { topics, system };
}

/**
 * Starts Pulsejet for the services bound in `container` (which must have loaded PulsejetModule).
 * Rejects with PulsejetConfigError (code CONFLICTING_SUBSCRIPTIONS, NOT_CONFIGURED...) naming the
 * class and method at fault before anything connects; on a later failure it closes what it started.
 */
export async function startPulsejet(container: Container): Promise<PulsejetApp> {
  if (!container.isBound(PULSEJET_RUNTIME)) {
    throw new PulsejetConfigError(PulsejetConfigErrorCode.NOT_CONFIGURED, 'load PulsejetModule.embedded({ dataDir } | { memory: true }) or PulsejetModule.connect({ namesrv }) into the container before startPulsejet()');
  }
  const runtime = container.get<PulsejetRuntime>(PULSEJET_RUNTIME);
  if (started.has(runtime)) {
    throw new PulsejetConfigError(PulsejetConfigErrorCode.NOT_CONFIGURED, 'startPulsejet() was already called for this container; keep the app it returned (or close it and use a new container)');
  }
  const table = discoverHandlers(container);
  started.add(runtime);

  const stats = new ConsumptionStats();
  const consumers: PushConsumer[] = [];
  const pipelines: StreamPipeline[] = [];
  const { log } = runtime.options;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      // Consumers first: they drain their handlers, which may still send with the producer.
      const results = await Promise.allSettled(consumers.map((consumer) => consumer.close()));
      for (const pipeline of pipelines) pipeline.close();
      await runtime.close();
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    })());

  try {
    await runtime.start();
    if (runtime.embedded) {
      const { topics, system } = topicsOf(table);
      await runtime.embedded.ensureTopics(topics, system);
    }
    for (const [group, check] of table.transactionChecks) {
      const producer = new TransactionProducer({
        ...runtime.options.producer,
        ...(check.entry.kind === 'transaction-check' && check.entry.topics.length > 0 ? { topics: check.entry.topics } : {}),
        groupName: group,
        clientInstance: runtime.clientInstance,
        checkTransaction: transactionCheckHandler(check),
        log,
      });
      runtime.transactions.attach(group, producer);
      await producer.start();
    }
    for (const plan of table.groups) {
      const counters = stats.counters(plan.group);
      const consumer = new PushConsumer(consumerOptions(plan, runtime));
      for (const handler of plan.handlers) {
        const { entry } = handler;
        if (entry.kind === 'transaction-check') continue;
        const { topic, expression, decode } = entry.subscription;
        if (entry.kind === 'stream') {
          const pipeline = new StreamPipeline(handler, decode, counters, log);
          pipeline.open();
          pipelines.push(pipeline);
          consumer.subscribe(topic, expression, pipeline.handler);
        } else {
          consumer.subscribe(topic, expression, methodHandler(handler, decode, counters));
        }
      }
      consumers.push(consumer);
    }
    await Promise.all(consumers.map((consumer) => consumer.start()));
  } catch (error) {
    await close().catch((closeError: unknown) => log('warn', `closing after a failed start: ${String(closeError)}`));
    throw error;
  }
  log('info', `pulsejet started: ${table.groups.length} consumer group(s), ${table.transactionChecks.size} transactional producer(s)`);

  return {
    groups: table.groups.map((plan) => plan.group),
    until: stats.until,
    stats: (group) => stats.snapshot(group),
    runtime,
    close,
  };
}
