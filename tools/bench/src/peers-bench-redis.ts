// Redis 7 Streams as a peer: XADD (pipelined: every in-flight XADD is on the wire at once; a batch
// is one MULTI-less pipeline), XREADGROUP + XACK for consuming, append-only file on with
// appendfsync everysec (ack before fsync) or always (Redis fsyncs the AOF before it replies).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './broker-bench-child';
import { publishIntegrity } from './peers-bench-ids';
import { runDrain, runE2e, runPublish } from './peers-bench-loads';
import type { RunningConsumer, StartConsumer } from './peers-bench-loads';
import { findExecutable, startServer, stopServer } from './peers-bench-server';
import type { BenchTarget, TargetSpec } from './peers-bench-types';

export const REDIS_EXECUTABLE = 'redis-server';
export const REDIS_DEBIAN_PACKAGE = 'redis-server';

const GROUP = 'bench';
const READ_COUNT = 1000;
const BLOCK_MS = 500;

export function redisTarget(fsync: 'everysec' | 'always'): TargetSpec {
  return {
    id: `redis-${fsync}`,
    system: 'Redis',
    label: `Redis Streams (appendfsync ${fsync})`,
    durability: fsync === 'always' ? 'fsync' : 'page-cache',
    durabilityNote:
      fsync === 'always'
        ? 'AOF fsynced before replies leave the event loop iteration (group commit)'
        : 'AOF written before the reply, fsynced once a second: a machine crash can lose ~1 s',
    unavailable: () => (findExecutable(REDIS_EXECUTABLE) ? undefined : `${REDIS_EXECUTABLE} is not installed (Debian package ${REDIS_DEBIAN_PACKAGE})`),
    start: (workDir) => startRedis(workDir, fsync),
  };
}

async function startRedis(workDir: string, fsync: 'everysec' | 'always'): Promise<BenchTarget> {
  const executable = findExecutable(REDIS_EXECUTABLE);
  if (!executable) throw new Error(`${REDIS_EXECUTABLE} is not installed: apt-get install -y ${REDIS_DEBIAN_PACKAGE}`);
  const dir = path.join(workDir, `redis-${fsync}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync, '--save', '', '--daemonize', 'no', '--protected-mode', 'no', '--logfile', ''];
  const connect = (): Redis => new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: true });
  const server = await startServer(`redis-server (${fsync})`, executable, args, async () => {
    const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined); // refused until the server listens: the poll retries
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } finally {
      probe.disconnect();
    }
  });
  const client = connect();
  await client.connect();
  const open: Redis[] = [client];
  const consumerOn = (stream: string): StartConsumer => async (onBody) => {
    const reader = connect();
    await reader.connect();
    open.push(reader);
    await client.call('XGROUP', 'CREATE', stream, GROUP, '0', 'MKSTREAM').catch((error: unknown) => {
      if (!String(error).includes('BUSYGROUP')) throw error;
    });
    let stopped = false;
    let ackFailure: unknown;
    const loop = (async () => {
      while (!stopped) {
        const entries = streamEntries(await reader.callBuffer('XREADGROUP', 'GROUP', GROUP, 'c1', 'COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', stream, '>'));
        if (entries.length === 0) continue;
        const ids: Buffer[] = [];
        for (const [id, fields] of entries) {
          ids.push(id);
          const body = fields[1];
          if (body) onBody(body);
        }
        // Not awaited: the next read is pipelined behind the ack on the same connection.
        reader.call('XACK', stream, GROUP, ...ids).catch((error: unknown) => (ackFailure ??= error));
      }
    })();
    const consumer: RunningConsumer = {
      async close() {
        stopped = true;
        await loop;
        reader.disconnect();
        if (ackFailure !== undefined) throw ackFailure;
      },
    };
    return consumer;
  };
  return {
    pids: [server.pid],
    async publish(options) {
      const run = await runPublish(options, async (bodies) => {
        if (bodies.length === 1) {
          await client.xadd(options.name, '*', 'b', bodies[0]!);
          return;
        }
        const pipeline = client.pipeline();
        for (const body of bodies) pipeline.xadd(options.name, '*', 'b', body);
        const results = await pipeline.exec();
        const failed = results?.find(([error]) => error !== null);
        if (failed) throw failed[0];
      });
      const stored = await client.xlen(options.name);
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
          await client.xadd(options.name, '*', 'b', body);
        },
        consumerOn(options.name),
      );
    },
    async close() {
      for (const connection of open) connection.disconnect();
      await stopServer(server);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

type StreamEntry = [Buffer, Buffer[]];

/**
 * The entries of a one-stream XREADGROUP reply: RESP2 answers [[key, entries]], RESP3 (ioredis 6's
 * default) a map that arrives flattened as [key, entries]; null when the BLOCK timed out.
 */
export function streamEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const first: unknown = reply[0];
  const entries: unknown = Buffer.isBuffer(first) || typeof first === 'string' ? reply[1] : Array.isArray(first) ? first[1] : undefined;
  return Array.isArray(entries) ? (entries as StreamEntry[]) : [];
}
