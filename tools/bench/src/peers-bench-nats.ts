// NATS JetStream as a peer: nats-server -js with file storage; async publishes each awaiting its
// PubAck (a "batch" is that many publishes on the wire at once, awaited together: JetStream 2.9 has
// no batch publish), a durable pull consumer with explicit acks. nats-server 2.9 acknowledges a
// publish once the file store has written it (no fsync before the ack; it syncs on an interval).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AckPolicy, DeliverPolicy, StorageType, connect } from 'nats';
import type { NatsConnection } from 'nats';
import { freePort } from './broker-bench-child';
import { publishIntegrity } from './peers-bench-ids';
import { runDrain, runE2e, runPublish } from './peers-bench-loads';
import type { StartConsumer } from './peers-bench-loads';
import { findExecutable, startServer, stopServer } from './peers-bench-server';
import type { BenchTarget, TargetSpec } from './peers-bench-types';

export const NATS_EXECUTABLE = 'nats-server';
export const NATS_DEBIAN_PACKAGE = 'nats-server';

const DURABLE = 'bench';
const PULL_BATCH = 1000;

export function natsTarget(): TargetSpec {
  return {
    id: 'nats-js-file',
    system: 'NATS',
    label: 'NATS JetStream (file)',
    durability: 'page-cache',
    durabilityNote: 'file store written before the PubAck, fsynced on its sync interval (not before the ack)',
    unavailable: () => (findExecutable(NATS_EXECUTABLE) ? undefined : `${NATS_EXECUTABLE} is not installed (Debian package ${NATS_DEBIAN_PACKAGE})`),
    start: startNats,
  };
}

async function startNats(workDir: string): Promise<BenchTarget> {
  const executable = findExecutable(NATS_EXECUTABLE);
  if (!executable) throw new Error(`${NATS_EXECUTABLE} is not installed: apt-get install -y ${NATS_DEBIAN_PACKAGE}`);
  const dir = path.join(workDir, 'nats');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const servers = `127.0.0.1:${port}`;
  const server = await startServer('nats-server', executable, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], async () => {
    const probe = await connect({ servers, reconnect: false, timeout: 1000 });
    await probe.close();
    return true;
  });
  let nc: NatsConnection | undefined;
  try {
    nc = await connect({ servers, timeout: 10_000 });
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  const connection = nc;
  const jsm = await connection.jetstreamManager();
  const js = connection.jetstream();
  const created = new Set<string>();
  const ensureStream = async (name: string): Promise<void> => {
    if (created.has(name)) return;
    await jsm.streams.add({ name, subjects: [name], storage: StorageType.File });
    created.add(name);
  };
  const consumerOn = (stream: string): StartConsumer => async (onBody) => {
    await ensureStream(stream);
    await jsm.consumers.add(stream, { durable_name: DURABLE, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const consumer = await js.consumers.get(stream, DURABLE);
    const messages = await consumer.consume({ max_messages: PULL_BATCH });
    const loop = (async () => {
      for await (const message of messages) {
        onBody(message.data);
        message.ack();
      }
    })();
    return {
      async close() {
        await messages.close();
        await loop;
      },
    };
  };
  return {
    pids: [server.pid],
    async publish(options) {
      await ensureStream(options.name);
      const run = await runPublish(options, async (bodies) => {
        await Promise.all(bodies.map((body) => js.publish(options.name, body)));
      });
      const stored = (await jsm.streams.info(options.name)).state.messages;
      return { messagesPerSecond: options.messages / run.seconds, seconds: run.seconds, integrity: publishIntegrity(run.acked, stored) };
    },
    async consume(options) {
      const run = await runDrain(options, consumerOn(options.name));
      return { messagesPerSecond: run.seen.received / run.seconds, seconds: run.seconds, integrity: run.seen.integrity() };
    },
    e2e(options) {
      return runE2e(
        options,
        async (body) => {
          await js.publish(options.name, body);
        },
        consumerOn(options.name),
      );
    },
    async close() {
      await connection.close();
      await stopServer(server);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
