// Broadcasting offsets live with the client (Java LocalFileOffsetStore): one JSON file per
// group and client id, <dir>/<clientId>/<group>/offsets.json, written atomically (a temp file then
// rename, so a crash mid-write leaves the previous file intact).
//
//   { "offsetTable": [ { "topic": "T", "brokerName": "b", "queueId": 0, "offset": 42 }, ... ] }
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClientError, ClientErrorCode } from '../errors';
import { queueKey, type MessageQueue } from '../message/message-queue';
import { OffsetTable, type OffsetStore } from './offset-store';

interface OffsetFile {
  offsetTable: { topic: string; brokerName: string; queueId: number; offset: number }[];
}

/** A directory name from a client id or group (':' and '/' are not safe everywhere). */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9@._%-]/g, '_');
}

export class LocalFileOffsetStore implements OffsetStore {
  private readonly table = new OffsetTable();
  /** Offsets read from the file (what readStore answers). */
  private readonly stored = new OffsetTable();
  readonly file: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(dir: string, clientId: string, group: string) {
    this.file = join(dir, safeName(clientId), safeName(group), 'offsets.json');
  }

  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let parsed: OffsetFile;
    try {
      parsed = JSON.parse(text) as OffsetFile;
      if (!Array.isArray(parsed.offsetTable)) throw new Error('offsetTable is not an array');
    } catch (cause) {
      throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `offset file ${this.file} is corrupt; fix or delete it`, { cause });
    }
    for (const entry of parsed.offsetTable) {
      const mq = { topic: entry.topic, brokerName: entry.brokerName, queueId: entry.queueId };
      this.stored.update(mq, entry.offset, false);
    }
  }

  update(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    this.table.update(mq, offset, increaseOnly);
  }

  readMemory(mq: MessageQueue): number {
    return this.table.get(mq);
  }

  async readStore(mq: MessageQueue): Promise<number> {
    const offset = this.stored.get(mq);
    if (offset >= 0) this.table.update(mq, offset, false);
    return offset;
  }

  async persistAll(mqs: readonly MessageQueue[]): Promise<void> {
    const wanted = new Set(mqs.map(queueKey));
    for (const { mq, offset } of this.table.entries()) {
      if (wanted.has(queueKey(mq)) && offset >= 0) this.stored.update(mq, offset, false);
    }
    await this.write();
  }

  async persist(mq: MessageQueue): Promise<void> {
    await this.persistAll([mq]);
  }

  remove(mq: MessageQueue): void {
    this.table.remove(mq);
  }

  /** Writes are chained so two persists never race on the temp file. */
  private write(): Promise<void> {
    const next = this.writing.then(async () => {
      const body: OffsetFile = { offsetTable: this.stored.entries().map(({ mq, offset }) => ({ topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, offset })) };
      const dir = join(this.file, '..');
      await mkdir(dir, { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(body, null, 2));
      await rename(temp, this.file);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
