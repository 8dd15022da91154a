import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageStore, type MessageStoreOptions } from '../src/index';

/** A way to open stores for the conformance suite: on files in a fresh directory, or in memory. */
export interface StoreBackend {
  name: string;
  durable: boolean;
  open(options?: Partial<MessageStoreOptions>): Promise<MessageStore>;
  cleanup(): Promise<void>;
}

/** Small sizes so tests cross segment boundaries quickly. */
export const SMALL_STORE: Partial<MessageStoreOptions> = {
  mappedFileSizeCommitLog: 128 * 1024,
  maxMessageSize: 32 * 1024,
  consumeQueueEntriesPerFile: 64,
  // Key-index generations of a few entries: every query, retention and recovery test crosses them.
  maxIndexNum: 16,
  maxHashSlotNum: 4,
};

export function fileBackend(): StoreBackend {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-store-'));
  const opened: MessageStore[] = [];
  return {
    name: 'file',
    durable: true,
    async open(options = {}) {
      const store = await MessageStore.open({ ...SMALL_STORE, ...options, storePathRootDir: dir });
      opened.push(store);
      return store;
    },
    async cleanup() {
      for (const store of opened) await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function memoryBackend(): StoreBackend {
  const opened: MessageStore[] = [];
  return {
    name: 'memory',
    durable: false,
    async open(options = {}) {
      const store = await MessageStore.open({ ...SMALL_STORE, ...options, memory: true });
      opened.push(store);
      return store;
    },
    async cleanup() {
      for (const store of opened) await store.close();
    },
  };
}

let topicCounter = 0;
/** A topic name unique within the test run (STYLE.md habit 14). */
export function uniqueTopic(prefix = 'Topic'): string {
  topicCounter += 1;
  return `${prefix}_${process.pid}_${topicCounter}`;
}
