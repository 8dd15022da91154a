import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileSegmentDirectory } from '../segment/file-segment-directory';
import { MemorySegmentDirectory } from '../segment/memory-segment-directory';
import type { SegmentDirectory } from '../segment/segment';

export interface QueueRef {
  topic: string;
  queueId: number;
}

/** Where consume queues live: consumequeue/<topic>/<queueId>/ on disk, or memory. */
export interface QueueDirectories {
  list(): QueueRef[];
  directoryFor(topic: string, queueId: number): SegmentDirectory;
  removeTopic(topic: string): Promise<void>;
}

export class FileQueueDirectories implements QueueDirectories {
  constructor(private readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
  }

  list(): QueueRef[] {
    const refs: QueueRef[] = [];
    for (const topic of fs.readdirSync(this.root)) {
      const topicDir = path.join(this.root, topic);
      if (!fs.statSync(topicDir).isDirectory()) continue;
      for (const name of fs.readdirSync(topicDir)) {
        if (/^\d+$/.test(name)) refs.push({ topic, queueId: Number(name) });
      }
    }
    return refs;
  }

  directoryFor(topic: string, queueId: number): SegmentDirectory {
    // Topic names are restricted to [%|a-zA-Z0-9_-], so they are safe directory names.
    return new FileSegmentDirectory(path.join(this.root, topic, String(queueId)), { recycle: false });
  }

  async removeTopic(topic: string): Promise<void> {
    await fs.promises.rm(path.join(this.root, topic), { recursive: true, force: true });
  }
}

export class MemoryQueueDirectories implements QueueDirectories {
  private readonly directories = new Map<string, { ref: QueueRef; directory: MemorySegmentDirectory }>();

  list(): QueueRef[] {
    return [...this.directories.values()].map((entry) => entry.ref);
  }

  directoryFor(topic: string, queueId: number): SegmentDirectory {
    const key = `${topic}/${queueId}`;
    let entry = this.directories.get(key);
    if (!entry) {
      entry = { ref: { topic, queueId }, directory: new MemorySegmentDirectory() };
      this.directories.set(key, entry);
    }
    return entry.directory;
  }

  async removeTopic(topic: string): Promise<void> {
    for (const [key, entry] of this.directories) if (entry.ref.topic === topic) this.directories.delete(key);
  }
}
