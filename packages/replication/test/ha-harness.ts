import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageStore, type MessageStoreOptions } from '@pulsejet/core';
import { HAMasterService, HASlaveClient, type HAMasterOptions, type HASlaveOptions } from '../src/index';

/** Small segments so a few hundred messages roll several; fast flushes. */
export const SMALL_STORE: Partial<MessageStoreOptions> = {
  mappedFileSizeCommitLog: 96 * 1024,
  maxMessageSize: 16 * 1024,
  consumeQueueEntriesPerFile: 32,
  flushIntervalCommitLog: 50,
};

export interface LogLine {
  level: string;
  message: string;
}

/** Everything a test opens, closed in reverse order by cleanup(). */
export class Harness {
  private readonly closers: Array<() => Promise<void>> = [];
  readonly dirs: string[] = [];

  dir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-ha-'));
    this.dirs.push(dir);
    return dir;
  }

  async store(dir: string, options: Partial<MessageStoreOptions> = {}): Promise<MessageStore> {
    const store = await MessageStore.open({ ...SMALL_STORE, ...options, storePathRootDir: dir });
    this.closers.push(() => store.close());
    return store;
  }

  async master(store: MessageStore, options: Partial<HAMasterOptions> = {}): Promise<{ master: HAMasterService; address: string; logs: LogLine[] }> {
    const logs: LogLine[] = [];
    const master = new HAMasterService({ store, listenPort: 0, host: '127.0.0.1', log: (level, message) => logs.push({ level, message }), ...options });
    this.closers.push(() => master.close());
    await master.start();
    return { master, address: `127.0.0.1:${master.address()!.port}`, logs };
  }

  slave(store: MessageStore, masterAddress: string | undefined, options: Partial<HASlaveOptions> = {}): { slave: HASlaveClient; logs: LogLine[] } {
    const logs: LogLine[] = [];
    const slave = new HASlaveClient({
      store,
      ...(masterAddress ? { masterAddress } : {}),
      reconnectMinMs: 50,
      reconnectMaxMs: 200,
      log: (level, message) => logs.push({ level, message }),
      ...options,
    });
    this.closers.push(() => slave.close());
    slave.start();
    return { slave, logs };
  }

  async cleanup(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
    for (const dir of this.dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let topicCounter = 0;
export function uniqueTopic(prefix = 'HaTopic'): string {
  topicCounter += 1;
  return `${prefix}_${process.pid}_${topicCounter}`;
}

/** Puts `count` messages of varied sizes over two topics and three queues, `concurrency` at a time. */
export async function fill(store: MessageStore, topics: readonly string[], count: number, options: { seed?: number; concurrency?: number; fillByte?: number } = {}): Promise<void> {
  const seed = options.seed ?? 1;
  const concurrency = options.concurrency ?? 50;
  let puts: Array<Promise<unknown>> = [];
  for (let i = 0; i < count; i += 1) {
    const size = 50 + ((i * 7919 + seed) % 3000);
    puts.push(
      store
        .putMessage({
          topic: topics[i % topics.length]!,
          queueId: i % 3,
          body: Buffer.alloc(size, options.fillByte ?? (i + seed) % 251),
          properties: { TAGS: `tag${i % 4}`, KEYS: `key-${seed}-${i}` },
        })
        .then((result) => {
          if (result.status !== 'PUT_OK') throw new Error(`put failed: ${result.status} ${result.message ?? ''}`);
        }),
    );
    if (puts.length >= concurrency) {
      await Promise.all(puts);
      puts = [];
    }
  }
  await Promise.all(puts);
}

/** The whole readable log, as the master would stream it. */
export function logBytes(store: MessageStore): Buffer {
  const parts: Buffer[] = [];
  for (let offset = store.minPhysicalOffset(); offset < store.maxPhysicalOffset(); ) {
    const bytes = store.readCommitLogRange(offset, 1024 * 1024);
    if (bytes.length === 0) break;
    parts.push(bytes);
    offset += bytes.length;
  }
  return Buffer.concat(parts);
}

export function expectSameLog(master: MessageStore, slave: MessageStore): void {
  expect(slave.maxPhysicalOffset()).toBe(master.maxPhysicalOffset());
  expect(slave.minPhysicalOffset()).toBe(master.minPhysicalOffset());
  expect(logBytes(slave).equals(logBytes(master))).toBe(true);
}

export function expectSameQueues(master: MessageStore, slave: MessageStore, topics: readonly string[]): void {
  for (const topic of topics) {
    expect(slave.queueIdsOf(topic)).toEqual(master.queueIdsOf(topic));
    for (const queueId of master.queueIdsOf(topic)) {
      expect(slave.getMaxOffsetInQueue(topic, queueId)).toBe(master.getMaxOffsetInQueue(topic, queueId));
      for (let offset = master.getMinOffsetInQueue(topic, queueId); offset < master.getMaxOffsetInQueue(topic, queueId); offset += 16) {
        const a = master.getMessage(topic, queueId, offset, { maxMsgNums: 16 });
        const b = slave.getMessage(topic, queueId, offset, { maxMsgNums: 16 });
        expect(b.status).toBe(a.status);
        expect(b.queueOffsets).toEqual(a.queueOffsets);
        expect(Buffer.concat(b.messages).equals(Buffer.concat(a.messages))).toBe(true);
      }
    }
  }
}
