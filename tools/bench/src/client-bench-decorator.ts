// The decorator path of the client benchmark (@pulsejet/inversify): a backlog drained by an
// @Subscribe handler class started with startPulsejet(), and the drain it is compared with where
// the decorator path needs a broker of its own.
//   - tcp: PulsejetModule.connect() to the bench's nameserver, on the bench's broker child; the
//     baseline is the plain PushConsumer drain row of the same run and broker.
//   - embedded: PulsejetModule.embedded() owns its broker (a container cannot share another's
//     in-process network), and startPulsejet() runs once per container, so every round gets a fresh
//     module-owned broker (RoundScope), and both the decorator drain and its baseline, a plain
//     PushConsumer, drain their own backlog on it back to back: the pair's ratio compares two drains
//     on one broker in one moment (with a broker per row, one round's ratio also measured how two
//     fresh brokers happened to differ).
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PULSEJET_RUNTIME, PulsejetModule, Subscribe, startPulsejet } from '@pulsejet/inversify';
import type { Message, PulsejetRuntime } from '@pulsejet/inversify';
import { Container, injectable } from 'inversify';
import type { RemotingClient } from '@pulsejet/remoting';
import type { ConsumeResult } from './broker-bench-consume';
import { runDrain, startPushConsumer } from './client-bench-client';
import type { DrainConsumer, PushConsumeOptions, StartDrainConsumer } from './client-bench-client';
import { BENCH_MODULE_OPTIONS, embeddedAccess, embeddedBrokerOptions } from './client-bench-cluster';
import type { BrokerAccess } from './client-bench-cluster';
import type { ClientBenchConfig } from './client-bench-config';
import type { RowContext } from './client-bench-rows';
import { freshDirectory, waitForQuietDirectory } from './measure';

/**
 * The handler class: `@injectable() class ... { @Subscribe({...}) onMessage(msg) {...} }`. The
 * decorators are applied as calls, which is what TypeScript emits for that class under
 * experimentalDecorators: `npm run bench:client` runs tsx without --tsconfig, so decorator syntax
 * here would compile to standard (TC39) decorators, which @Subscribe refuses. The runtime path
 * (metadata, discovery, the handler adapter, the body decoder, the group's counters) is the same.
 * `decode: 'buffer'` keeps the handler's work equal to the plain one's (it gets the same Buffer).
 */
export function drainHandlerClass(topic: string, group: string, onMessage: (bodyBytes: number) => void): new () => object {
  class BenchDrainHandler {
    onMessage(message: Message<Buffer>): void {
      onMessage(message.body.length);
    }
  }
  const method = Object.getOwnPropertyDescriptor(BenchDrainHandler.prototype, 'onMessage');
  if (!method) throw new Error('BenchDrainHandler.onMessage is missing');
  Subscribe<Buffer>({ topic, group, consumeFrom: 'first', decode: 'buffer' })(BenchDrainHandler.prototype, 'onMessage', method);
  injectable()(BenchDrainHandler);
  return BenchDrainHandler;
}

/** Binds a drain handler class into `container` and starts the app (the drain's clock includes startPulsejet()). */
function startDecorated(container: Container, options: PushConsumeOptions): StartDrainConsumer {
  return async (onMessage) => {
    const handler = drainHandlerClass(options.topic, options.group, onMessage);
    container.bind(handler).toSelf().inSingletonScope();
    const app = await startPulsejet(container);
    return { close: () => app.close() };
  };
}

/** The decorator drain: tcp on the bench's broker; embedded on the round's module-owned broker (see the file comment). */
export async function runDecoratorDrain(ctx: RowContext, options: PushConsumeOptions): Promise<ConsumeResult> {
  const { cluster } = ctx;
  if (cluster.transport === 'tcp') {
    const container = new Container();
    container.loadSync(PulsejetModule.connect({ ...BENCH_MODULE_OPTIONS, namesrv: cluster.namesrvAddr, consumer: { pullBatchSize: options.batch } }));
    return runDrain(cluster, ctx.rawSender, options, startDecorated(container, options));
  }
  const broker = await roundModuleBroker(ctx);
  return runDrain(broker.access, broker.sender, options, keptOpen(startDecorated(broker.container, options), (app) => (broker.app = app)));
}

/** The embedded decorator drain's baseline: a plain PushConsumer on the same module-owned broker, in the same round. */
export async function runModuleBrokerDrain(ctx: RowContext, options: PushConsumeOptions): Promise<ConsumeResult> {
  const broker = await roundModuleBroker(ctx);
  return runDrain(broker.access, broker.sender, options, keptOpen(startPushConsumer(broker.access, options), (consumer) => broker.consumers.push(consumer)));
}

/** A started PulsejetModule.embedded() broker whose app has not been started yet. */
interface ModuleBroker {
  container: Container;
  runtime: PulsejetRuntime;
  dataDir: string;
  access: BrokerAccess;
  /** A raw remoting client of the broker, for the preloads. */
  sender: RemotingClient;
  /** The plain drain's consumer, closed with the broker. */
  consumers: DrainConsumer[];
  /** The decorator drain's app, closed last: its close() also closes the broker its module owns. */
  app: DrainConsumer | undefined;
}

/** The round's module-owned broker, opened by whichever of the two embedded module drains runs first. */
function roundModuleBroker(ctx: RowContext): Promise<ModuleBroker> {
  return ctx.round.shared('module-broker', () => openModuleBroker(ctx.config), closeModuleBroker);
}

async function openModuleBroker(config: ClientBenchConfig): Promise<ModuleBroker> {
  const dataDir = freshDirectory(path.join(config.workDir, 'module-broker-store'));
  const container = new Container();
  const consumer = { pullBatchSize: config.consumeBatch };
  container.loadSync(PulsejetModule.embedded({ ...BENCH_MODULE_OPTIONS, dataDir, broker: embeddedBrokerOptions(config.segmentBytes), topicQueueNums: config.queues, consumer }));
  const runtime = container.get<PulsejetRuntime>(PULSEJET_RUNTIME);
  const embedded = runtime.embedded;
  if (!embedded) throw new Error('PulsejetModule.embedded() has no embedded broker');
  // Only the broker before the preloads: startPulsejet() starts the client side inside the clock, as over tcp.
  await embedded.start();
  await waitForQuietDirectory(path.join(dataDir, 'commitlog'), 300, 60_000);
  const access = embeddedAccess(embedded);
  return { container, runtime, dataDir, access, sender: access.newRemotingClient(), consumers: [], app: undefined };
}

async function closeModuleBroker(broker: ModuleBroker): Promise<void> {
  for (const consumer of broker.consumers) await consumer.close();
  await broker.app?.close();
  await broker.sender.close();
  // Closing twice is harmless: the decorator app's close() has closed the runtime already when it ran.
  await broker.runtime.close();
  fs.rmSync(broker.dataDir, { recursive: true, force: true });
}

/**
 * A drain consumer closed with the round's broker instead of after its drain: the decorator app's
 * close() also closes the broker its module owns, which the other drain of the round still needs, so
 * both consumers of the pair stay open (idle, their long polls parked) until the round ends,
 * whichever drain ran first.
 */
function keptOpen(start: StartDrainConsumer, keep: (consumer: DrainConsumer) => void): StartDrainConsumer {
  return async (onMessage) => {
    keep(await start(onMessage));
    return { close: async () => undefined };
  };
}
