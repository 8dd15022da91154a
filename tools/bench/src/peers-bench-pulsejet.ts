// Pulsejet in the peers benchmark, through its own client (Producer / PushConsumer) as users run it:
// embedded (nameserver and broker in this process, PulsejetModule.embedded), the broker app as a
// child process over TCP with ASYNC_FLUSH or SYNC_FLUSH (client-bench-cluster.ts starts both), and
// 1 master + 1 sync slave (peers-bench-pulsejet-pair.ts).
import * as path from 'node:path';
import { Producer, PushConsumer } from '@pulsejet/client';
import { RequestCode, ResponseCode, createRequest } from '@pulsejet/protocol';
import { SEND_TIMEOUT_MS } from './client-bench-client';
import { startBenchCluster } from './client-bench-cluster';
import type { BrokerAccess, ClientBenchTransport } from './client-bench-cluster';
import type { FlushDiskType } from './broker-bench-config';
import { publishIntegrity } from './peers-bench-ids';
import { startSyncPair } from './peers-bench-pulsejet-pair';
import type { PulsejetDeployment } from './peers-bench-pulsejet-pair';
import { runDrain, runE2e, runPublish } from './peers-bench-loads';
import type { StartConsumer } from './peers-bench-loads';
import type { BenchTarget, TargetSpec } from './peers-bench-types';
import { sleep } from './measure';

export interface PulsejetTargetOptions {
  queues: number;
  segmentBytes: number;
  /** PushConsumer pullBatchSize (messages per pull). */
  pullBatch: number;
}

const quiet = (): void => undefined;

export function pulsejetTarget(transport: ClientBenchTransport, flush: FlushDiskType, options: PulsejetTargetOptions): TargetSpec {
  const sync = flush === 'SYNC_FLUSH';
  return {
    id: `pulsejet-${transport}-${sync ? 'sync' : 'async'}`,
    system: 'Pulsejet',
    label: transport === 'embedded' ? 'Pulsejet embedded (ASYNC_FLUSH)' : `Pulsejet standalone (${flush})`,
    durability: sync ? 'fsync' : 'page-cache',
    durabilityNote: sync
      ? 'the broker answers a send once the commit log is fsynced (group commit)'
      : 'the broker answers once the commit log is written; flushed every 500 ms',
    unavailable: () => undefined,
    start: async (workDir) => {
      if (transport === 'embedded' && flush !== 'ASYNC_FLUSH') throw new RangeError('the embedded Pulsejet target runs ASYNC_FLUSH only');
      const cluster = await startBenchCluster({ transport, flush, dataDir: path.join(workDir, `pulsejet-${transport}-${flush}`), segmentBytes: options.segmentBytes });
      return startPulsejet({ ...cluster, pids: cluster.brokerPid === undefined ? [] : [cluster.brokerPid] }, options);
    },
  };
}

/** 1 master (SYNC_MASTER) + 1 slave, both ASYNC_FLUSH: acknowledged once two processes hold the message. */
export function pulsejetPairTarget(options: PulsejetTargetOptions): TargetSpec {
  return {
    id: 'pulsejet-pair-sync',
    system: 'Pulsejet',
    label: 'Pulsejet 1 master + 1 sync slave (ASYNC_FLUSH)',
    durability: 'replicated',
    durabilityNote: 'the master answers once the slave (another process) acknowledged the message; neither fsyncs before the ack',
    unavailable: () => undefined,
    start: async (workDir) => startPulsejet(await startSyncPair(path.join(workDir, 'pulsejet-pair'), options.segmentBytes), options),
  };
}

async function startPulsejet(cluster: PulsejetDeployment, options: PulsejetTargetOptions): Promise<BenchTarget> {
  let producer: Producer | undefined;
  const admin = cluster.newRemotingClient();
  let groups = 0;
  try {
    producer = new Producer({ groupName: `PID_bench_peers_${process.pid}`, namesrvAddr: cluster.namesrvAddr, remoting: cluster.newRemotingClient(), ownsRemoting: true, sendTimeoutMs: SEND_TIMEOUT_MS, log: quiet });
    await producer.start();
  } catch (error) {
    await admin.close();
    await cluster.close();
    throw error;
  }
  const sender = producer;
  const consumerOn = (topic: string, waitForQueues: boolean): StartConsumer => async (onBody) => {
    const remoting = cluster.newRemotingClient();
    const consumer = new PushConsumer({
      groupName: `CID_bench_peers_${process.pid}_${groups++}`,
      namesrvAddr: cluster.namesrvAddr,
      remoting,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      pullBatchSize: options.pullBatch,
      log: quiet,
    }).subscribe(topic, '*', (message) => onBody(message.body));
    const close = async (): Promise<void> => {
      await consumer.close();
      await remoting.close();
    };
    try {
      await consumer.start();
      // For latency, every queue owned (and its first long poll parked) before the first send.
      const deadline = Date.now() + 30_000;
      while (waitForQueues && consumer.stats().queues < options.queues) {
        if (Date.now() > deadline) throw new Error(`the PushConsumer owned ${consumer.stats().queues} of ${options.queues} queues of ${topic} after 30 s`);
        await sleep(20);
      }
      if (waitForQueues) await sleep(200);
    } catch (error) {
      await close().catch(() => undefined);
      throw error;
    }
    return { close };
  };
  return {
    pids: cluster.pids,
    async publish(publish) {
      await cluster.createTopic(publish.name, options.queues);
      const run = await runPublish(publish, async (bodies) => {
        const result = bodies.length === 1 ? await sender.send({ topic: publish.name, body: bodies[0]! }) : await sender.sendBatch(bodies.map((body) => ({ topic: publish.name, body })));
        if (result.status !== 'SEND_OK') throw new Error(`Pulsejet send returned ${result.status}`);
      });
      const stored = await storedMessages(cluster, admin, publish.name, options.queues);
      return { messagesPerSecond: publish.messages / run.seconds, seconds: run.seconds, integrity: publishIntegrity(run.acked, stored) };
    },
    async consume(consume) {
      const run = await runDrain(consume, consumerOn(consume.name, false));
      return { messagesPerSecond: run.seen.received / run.seconds, seconds: run.seconds, integrity: run.seen.integrity() };
    },
    async e2e(e2e) {
      await cluster.createTopic(e2e.name, options.queues);
      return runE2e(
        e2e,
        async (body) => {
          const result = await sender.send({ topic: e2e.name, body });
          if (result.status !== 'SEND_OK') throw new Error(`Pulsejet send returned ${result.status}`);
        },
        consumerOn(e2e.name, true),
      );
    },
    async close() {
      await sender.close();
      await admin.close();
      await cluster.close();
    },
  };
}

/** Messages the broker holds in `topic`: the sum of each queue's max offset (30 GET_MAX_OFFSET). */
async function storedMessages(cluster: BrokerAccess, admin: ReturnType<BrokerAccess['newRemotingClient']>, topic: string, queues: number): Promise<number> {
  let total = 0;
  for (let queueId = 0; queueId < queues; queueId += 1) {
    const reply = await admin.request(cluster.brokerAddress, createRequest(RequestCode.GET_MAX_OFFSET, { topic, queueId: String(queueId) }), 10_000);
    if (reply.code !== ResponseCode.SUCCESS) throw new Error(`GET_MAX_OFFSET ${topic}:${queueId} answered code ${reply.code}: ${reply.remark ?? ''}`);
    total += Number(reply.extFields?.['offset'] ?? Number.NaN);
  }
  return total;
}
