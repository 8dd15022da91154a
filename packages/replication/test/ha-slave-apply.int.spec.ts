import * as net from 'node:net';
import { scanUnits, type MessageStore } from '@pulsejet/core';
import { OffsetReportDecoder, encodeTransferHeader } from '../src/index';
import { Harness, expectSameQueues, fill, logBytes, uniqueTopic, waitFor } from './ha-harness';

/**
 * A hand-driven master: accepts one slave, records every offset report it sends (with what the
 * caller's probe saw when the report arrived), and writes transfer frames when told to.
 */
class ScriptedMaster {
  readonly reports: number[] = [];
  readonly probes: number[] = [];
  private readonly server = net.createServer((socket) => this.accept(socket));
  private socket: net.Socket | undefined;
  private readonly decoder = new OffsetReportDecoder();

  constructor(private readonly probe: () => number = () => 0) {}

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** Writes frames of at most `frameBytes` covering `bytes` (at log offset `from`) in ONE socket write. */
  sendInOneWrite(from: number, bytes: Buffer, frameBytes: number): number {
    const parts: Buffer[] = [];
    let frames = 0;
    for (let at = 0; at < bytes.length; at += frameBytes) {
      const body = bytes.subarray(at, Math.min(bytes.length, at + frameBytes));
      parts.push(encodeTransferHeader(from + at, body.length), body);
      frames += 1;
    }
    this.socket!.write(Buffer.concat(parts));
    return frames;
  }

  connected(): boolean {
    return this.socket !== undefined && this.reports.length > 0;
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.socket = socket;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const offset of this.decoder.push(chunk)) {
        this.reports.push(offset);
        this.probes.push(this.probe());
      }
    });
  }
}

/** The source log's first whole units up to about `limit` bytes. */
function wholeUnits(source: MessageStore, limit: number): Buffer {
  const bytes = logBytes(source).subarray(0, limit);
  const scan = scanUnits(bytes, 0, source.commitLogSegmentSize());
  if (scan.kind !== 'ok') throw new Error(`source log is not whole units: ${scan.reason}`);
  return bytes.subarray(0, scan.complete);
}

describe('HA slave apply', () => {
  let h: Harness;
  let master: ScriptedMaster | undefined;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(async () => {
    await master?.close();
    master = undefined;
    await h.cleanup();
  });

  it('frames that arrive together are appended together and acknowledged with one report, as Java reports after each read', async () => {
    const topics = [uniqueTopic(), uniqueTopic()];
    const source = await h.store(h.dir());
    await fill(source, topics, 200);
    // Under 64 KiB in one write: loopback hands it to the slave in one read (or very few).
    const bytes = wholeUnits(source, 60 * 1024);
    const slaveStore = await h.store(h.dir());
    master = new ScriptedMaster();
    const address = await master.listen();
    h.slave(slaveStore, address);
    await waitFor(() => master!.connected(), 'the slave to connect and report its offset');
    expect(master.reports).toEqual([0]);

    const frames = master.sendInOneWrite(0, bytes, 1024);
    expect(frames).toBeGreaterThanOrEqual(40);
    await waitFor(() => master!.reports.at(-1) === bytes.length, `the slave to acknowledge ${bytes.length}`);

    // One report per append, not per frame: reports after the handshake are few (one per read at most).
    const acks = master.reports.slice(1);
    expect(acks.length).toBeGreaterThanOrEqual(1);
    expect(acks.length).toBeLessThanOrEqual(4);
    expect([...acks].sort((a, b) => a - b)).toEqual(acks);
    expect(logBytes(slaveStore).equals(bytes)).toBe(true);
  });

  it('a SYNC_FLUSH slave acknowledges only what it has flushed, while frames keep arriving', async () => {
    const topics = [uniqueTopic(), uniqueTopic()];
    const source = await h.store(h.dir(), { mappedFileSizeCommitLog: 1024 * 1024 });
    await fill(source, topics, 600);
    const bytes = wholeUnits(source, 1024 * 1024);
    expect(bytes.length).toBeGreaterThan(512 * 1024);
    const slaveStore = await h.store(h.dir(), { mappedFileSizeCommitLog: 1024 * 1024, flushDiskType: 'SYNC_FLUSH' });
    master = new ScriptedMaster(() => slaveStore.stats().commitLogFlushedOffset);
    const address = await master.listen();
    h.slave(slaveStore, address);
    await waitFor(() => master!.connected(), 'the slave to connect and report its offset');

    // Several writes of 32 KiB frames, as a master streaming a backlog sends them.
    const step = 128 * 1024;
    for (let at = 0; at < bytes.length; at += step) master.sendInOneWrite(at, bytes.subarray(at, Math.min(bytes.length, at + step)), 32 * 1024);
    await waitFor(() => master!.reports.at(-1) === bytes.length, `the slave to acknowledge ${bytes.length}`);

    // When each report arrived, the slave had flushed at least that far.
    master.reports.forEach((report, i) => expect(master!.probes[i]).toBeGreaterThanOrEqual(report));
    expect(logBytes(slaveStore).equals(bytes)).toBe(true);
    const sourceEnd = bytes.length;
    expect(slaveStore.maxPhysicalOffset()).toBe(sourceEnd);
  });

  it('a backlog streamed in 32 KiB frames builds the same consume queues as the source', async () => {
    const topics = [uniqueTopic(), uniqueTopic()];
    const source = await h.store(h.dir());
    await fill(source, topics, 400);
    const bytes = logBytes(source);
    const slaveStore = await h.store(h.dir());
    master = new ScriptedMaster();
    const address = await master.listen();
    h.slave(slaveStore, address);
    await waitFor(() => master!.connected(), 'the slave to connect and report its offset');
    // Everything at once (several segments, far more than one read): the slave applies it in bounded steps.
    master.sendInOneWrite(0, bytes, 32 * 1024);
    await waitFor(() => master!.reports.at(-1) === bytes.length, `the slave to acknowledge ${bytes.length}`);
    expect(logBytes(slaveStore).equals(bytes)).toBe(true);
    expectSameQueues(source, slaveStore, topics);
  });
});
