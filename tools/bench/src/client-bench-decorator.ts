// The decorator path of the client benchmark (@pulsejet/inversify): a backlog drained by an
// @Subscribe handler class started with startPulsejet(), and the drain it is compared with where
// the decorator path needs a broker of its own.
//   - tcp: PulsejetModule.connect() to the bench's nameserver, on the bench's broker child; the
//     baseline is the plain PushConsumer drain row of the same run and broker.
//   - embedded: PulsejetModule.embedded() owns its broker (a container cannot share another's
//     in-process network), and startPulsejet() runs once per container, so each decorator drain gets
//     a fresh module-owned broker; its baseline is a plain PushConsumer on a fresh broker of the same
//     kind (EmbeddedCluster, the same options), so both rows pay the same for a new broker.
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EmbeddedCluster, PULSEJET_RUNTIME, PulsejetModule, Subscribe, startPulsejet } from '@pulsejet/inversify';
import type { Message, PulsejetRuntime } from '@pulsejet/inversify';
import { Container, injectable } from 'inversify';
import type { ConsumeResult } from './broker-bench-consume';
import { runDrain, runPushConsume } from './client-bench-client';
import type { PushConsumeOptions, StartDrainConsumer } from './client-bench-client';
import { BENCH_MODULE_OPTIONS, embeddedAccess, embeddedBrokerOptions } from './client-bench-cluster';
import type { BrokerAccess } from './client-bench-cluster';
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

/** The decorator drain: tcp on the bench's broker; embedded on a broker of its own (see the file comment). */
export async function runDecoratorDrain(ctx: RowContext, options: PushConsumeOptions): Promise<ConsumeResult> {
  const { cluster, config } = ctx;
  const consumer = { pullBatchSize: options.batch };
  if (cluster.transport === 'tcp') {
    const container = new Container();
    container.loadSync(PulsejetModule.connect({ ...BENCH_MODULE_OPTIONS, namesrv: cluster.namesrvAddr, consumer }));
    return runDrain(cluster, ctx.rawSender, options, startDecorated(container, options));
  }
  const dataDir = freshDirectory(path.join(config.workDir, `${options.group}-store`));
  const container = new Container();
  container.loadSync(PulsejetModule.embedded({ ...BENCH_MODULE_OPTIONS, dataDir, broker: embeddedBrokerOptions(config.segmentBytes), topicQueueNums: options.queues, consumer }));
  const runtime = container.get<PulsejetRuntime>(PULSEJET_RUNTIME);
  try {
    const embedded = runtime.embedded;
    if (!embedded) throw new Error('PulsejetModule.embedded() has no embedded broker');
    // Only the broker before the preload: startPulsejet() starts the client side inside the clock, as over tcp.
    await embedded.start();
    return await onFreshBroker(embeddedAccess(embedded), dataDir, (access, sender) => runDrain(access, sender, options, startDecorated(container, options)));
  } finally {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The embedded decorator drain's baseline: a plain PushConsumer on a fresh module-owned broker. */
export async function runModuleBrokerDrain(ctx: RowContext, options: PushConsumeOptions): Promise<ConsumeResult> {
  const dataDir = freshDirectory(path.join(ctx.config.workDir, `${options.group}-store`));
  const embedded = new EmbeddedCluster({ dataDir, broker: embeddedBrokerOptions(ctx.config.segmentBytes), topicQueueNums: options.queues }, () => undefined);
  try {
    await embedded.start();
    return await onFreshBroker(embeddedAccess(embedded), dataDir, (access, sender) => runPushConsume(access, sender, options));
  } finally {
    await embedded.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Waits for the new broker's commit log preallocation to settle, then runs `drain` with a raw sender of it. */
async function onFreshBroker<T>(access: BrokerAccess, dataDir: string, drain: (access: BrokerAccess, sender: ReturnType<BrokerAccess['newRemotingClient']>) => Promise<T>): Promise<T> {
  await waitForQuietDirectory(path.join(dataDir, 'commitlog'), 300, 60_000);
  const sender = access.newRemotingClient();
  try {
    return await drain(access, sender);
  } finally {
    await sender.close();
  }
}
