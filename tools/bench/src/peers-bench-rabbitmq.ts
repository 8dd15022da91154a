// RabbitMQ as a peer (AMQP 0-9-1 through amqplib): persistent messages (deliveryMode 2) to a
// durable queue on a confirm channel, each publish awaiting its basic.ack (a "batch" is that many
// publishes on the wire at once, awaited together: AMQP 0-9-1 has no batch publish); consumers on
// a connection of their own with manual acks, prefetch 1000, acknowledging with multiple=true once
// per burst of deliveries (as Redis acks once per XREADGROUP reply). RabbitMQ 3.10 sends the
// basic.ack for a persistent message on a durable queue once the message is fsynced (classic queue:
// message store or queue index, synced in batches; quorum queue: the Raft WAL, synced in batches);
// deliveries to a consumer do not wait for that fsync. Checked on 3.10.8 with strace on the VM:
// 320 publishes awaited one at a time made ~320 fsync / fdatasync calls on either queue type.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect } from 'amqplib';
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { publishIntegrity } from './peers-bench-ids';
import { runDrain, runE2e, runPublish } from './peers-bench-loads';
import type { StartConsumer } from './peers-bench-loads';
import { rabbitmqUnavailable, startRabbitmq } from './peers-bench-rabbitmq-server';
import type { BenchTarget, TargetSpec } from './peers-bench-types';

export type RabbitmqQueueType = 'classic' | 'quorum';

/** Unacknowledged deliveries per consumer, as Redis's XREADGROUP COUNT and NATS's pull batch. */
const PREFETCH = 1000;

export function rabbitmqTarget(queueType: RabbitmqQueueType): TargetSpec {
  return {
    id: `rabbitmq-${queueType}`,
    system: 'RabbitMQ',
    label: `RabbitMQ (${queueType} queue)`,
    durability: 'fsync',
    durabilityNote:
      queueType === 'classic'
        ? 'durable queue, persistent messages: confirmed once the queue index / message store is fsynced (group commit); deliveries do not wait for it'
        : 'quorum queue on one node: confirmed once the Raft log (WAL) is fsynced (group commit); no replica to replicate to',
    unavailable: rabbitmqUnavailable,
    start: (workDir) => startTarget(path.join(workDir, `rabbitmq-${queueType}`), queueType),
  };
}

async function startTarget(dir: string, queueType: RabbitmqQueueType): Promise<BenchTarget> {
  const node = await startRabbitmq(dir);
  const url = { hostname: '127.0.0.1', port: node.port, username: 'guest', password: 'guest' };
  const open: ChannelModel[] = [];
  // Connection and channel errors arrive as 'error' events (fatal when nobody listens); the first
  // is rethrown by the close of what it broke, and pending publishes fail on their own.
  let failure: Error | undefined;
  const recordFailure = (error: Error): void => void (failure ??= error);
  const openConnection = async (): Promise<ChannelModel> => {
    // amqplib leaves Nagle on (noDelay false); ioredis and nats.js turn it off, and so would a user
    // who cares about latency: small publishes and acks otherwise wait for the peer's delayed ACK.
    const connection = await connect(url, { noDelay: true });
    connection.on('error', recordFailure);
    open.push(connection);
    return connection;
  };
  let channel: ConfirmChannel;
  try {
    channel = await (await openConnection()).createConfirmChannel();
    channel.on('error', recordFailure);
  } catch (error) {
    await node.stop();
    throw error;
  }
  const publishing = channel;
  const declared = new Set<string>();
  const ensureQueue = async (name: string): Promise<void> => {
    if (declared.has(name)) return;
    await publishing.assertQueue(name, { durable: true, arguments: queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : {} });
    declared.add(name);
  };
  const publishOne = (name: string, body: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      // The return value only says the socket buffer is full; the message is queued regardless and
      // the publishers in flight bound what is outstanding.
      publishing.sendToQueue(name, body, { persistent: true }, (error: unknown) => (error ? reject(error instanceof Error ? error : new Error(`basic.nack for a publish to ${name}`)) : resolve()));
    });
  const consumerOn = (name: string): StartConsumer => async (onBody) => {
    await ensureQueue(name);
    const connection = await openConnection();
    const consuming = await connection.createChannel();
    consuming.on('error', recordFailure);
    await consuming.prefetch(PREFETCH);
    let last: ConsumeMessage | undefined;
    let flushScheduled = false;
    const flush = (): void => {
      flushScheduled = false;
      if (last === undefined) return;
      const upTo = last;
      last = undefined;
      try {
        consuming.ack(upTo, true);
      } catch (error) {
        // The channel closed under us (its 'error' was recorded): thrown from a timer this would end the run.
        recordFailure(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const { consumerTag } = await consuming.consume(
      name,
      (message) => {
        if (message === null) return; // cancelled by the server (queue deleted): nothing more will come
        onBody(message.content);
        last = message;
        // Deliveries parsed from one socket read are handled in one go; the ack for all of them
        // (multiple=true) goes out after, which keeps up to PREFETCH of them flowing.
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      },
      { noAck: false },
    );
    return {
      async close() {
        await consuming.cancel(consumerTag);
        flush();
        await consuming.close();
        await connection.close();
        open.splice(open.indexOf(connection), 1);
        if (failure !== undefined) throw failure;
      },
    };
  };
  return {
    pids: node.pids,
    async publish(options) {
      await ensureQueue(options.name);
      const run = await runPublish(options, async (bodies) => {
        await Promise.all(bodies.map((body) => publishOne(options.name, body)));
      });
      const stored = (await publishing.checkQueue(options.name)).messageCount;
      return { messagesPerSecond: options.messages / run.seconds, seconds: run.seconds, integrity: publishIntegrity(run.acked, stored) };
    },
    async consume(options) {
      const run = await runDrain(options, consumerOn(options.name));
      return { messagesPerSecond: run.seen.received / run.seconds, seconds: run.seconds, integrity: run.seen.integrity() };
    },
    e2e(options) {
      return runE2e(options, (body) => publishOne(options.name, body), consumerOn(options.name));
    },
    async close() {
      for (const connection of open.splice(0)) await connection.close().catch(() => undefined);
      await node.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
