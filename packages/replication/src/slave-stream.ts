import type { MessageStore } from '@pulsejet/core';
import { ReplicationError, ReplicationErrorCode } from './errors';
import { TransferFrameDecoder, type TransferFrame } from './ha-frames';
import type { HALog } from './options';
import { UnitAssembler } from './unit-assembler';

/**
 * Most bytes one append takes. 512 KiB holds what a master takes in one turn at 256 sends in flight
 * (~310 KB of 1 KiB messages), and costs the slave ~7 ms of CPU (validation, write, dispatch): its
 * other work (consumers reading from it, heartbeats) waits at most that long, and a slave catching
 * up reports progress at least every 512 KiB.
 */
export const SLAVE_APPLY_BATCH_BYTES = 512 * 1024;
/** Received whole records waiting to be appended above which the slave stops reading its socket. */
export const SLAVE_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface SlaveStreamHooks {
  /** Everything below `offset` is in the slave's log, durable per its flushDiskType: tell the master. */
  acknowledge(offset: number): void;
  /** The slave's log grew to `end` (durable per flushDiskType). */
  appended(end: number): void;
  /** Stop reading the socket (too much waits to be appended) / read again. */
  pause(): void;
  resume(): void;
  /** A frame was refused or an append failed; the stream has stopped. */
  fail(error: unknown): void;
  log: HALog;
}

/**
 * The slave's receive path for one connection. Frames are checked as they arrive, but appended once
 * per event-loop turn: everything read in one turn (one chunk, or many after the slave was kept off
 * the CPU) becomes one append and one offset report, instead of one of each per frame. Java's slave
 * likewise reports once per read of its socket. A SYNC_FLUSH store's flush wait does not stop the
 * next append (the slave keeps writing while the disk syncs); each report covers only what the store
 * says is durable.
 */
export class SlaveStream {
  private readonly decoder: TransferFrameDecoder;
  private readonly assembler: UnitAssembler;
  private scheduled: NodeJS.Immediate | undefined;
  private stopped = false;
  private paused = false;
  private durable: number;
  private reportQueued = false;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: MessageStore,
    maxFrameBodySize: number,
    private readonly hooks: SlaveStreamHooks,
  ) {
    this.decoder = new TransferFrameDecoder(maxFrameBodySize);
    this.durable = store.maxPhysicalOffset();
    this.assembler = new UnitAssembler(this.durable, store.commitLogSegmentSize());
  }

  /** End of the bytes received from the master: where its next frame must start. */
  receivedOffset(): number {
    return this.assembler.end();
  }

  /** End of what this slave has appended and made durable (what its reports say). */
  durableOffset(): number {
    return this.durable;
  }

  /** Bytes from the master's socket. A bad frame stops the stream (hooks.fail). */
  receive(chunk: Buffer): void {
    if (this.stopped) return;
    try {
      for (const frame of this.decoder.push(chunk)) this.accept(frame);
    } catch (error) {
      this.failed(error);
      return;
    }
    if (this.assembler.isEmpty()) return;
    this.schedule();
    if (!this.paused && this.assembler.bufferedBytes() > SLAVE_MAX_BUFFERED_BYTES) {
      this.paused = true;
      this.hooks.pause();
    }
  }

  /** Stops appending; resolves once the appends already made have settled. Idempotent. */
  async close(): Promise<void> {
    this.stop();
    await Promise.allSettled([...this.pending]);
  }

  private stop(): void {
    this.stopped = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
  }

  private failed(error: unknown): void {
    if (this.stopped) return;
    this.stop();
    this.hooks.fail(error);
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    // After the poll phase that read the socket: every chunk read in this turn is in the assembler.
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.apply();
    });
  }

  private apply(): void {
    if (this.stopped) return;
    let units: { offset: number; bytes: Buffer } | undefined;
    try {
      units = this.assembler.take(SLAVE_APPLY_BATCH_BYTES);
    } catch (error) {
      this.failed(error);
      return;
    }
    if (!units) {
      // Nothing whole: the rest of a record is still on its way, so the socket must be read.
      this.resume();
      return;
    }
    // The write and dispatch happen synchronously in this call; only a SYNC_FLUSH wait is left pending.
    const append = this.store.appendReplicated(units.offset, units.bytes).then(
      (end) => this.durableUpTo(end),
      (error: unknown) => this.failed(error),
    );
    this.pending.add(append);
    void append.finally(() => this.pending.delete(append));
    // More may be whole already (an append takes at most SLAVE_APPLY_BATCH_BYTES); the next turn looks.
    this.schedule();
    if (this.assembler.bufferedBytes() <= SLAVE_MAX_BUFFERED_BYTES / 2) this.resume();
  }

  private resume(): void {
    if (!this.paused || this.stopped) return;
    this.paused = false;
    this.hooks.resume();
  }

  private durableUpTo(end: number): void {
    if (this.stopped || end <= this.durable) return;
    this.durable = end;
    this.hooks.appended(end);
    if (this.reportQueued) return;
    // A group commit settles many appends at once: their reports become one.
    this.reportQueued = true;
    queueMicrotask(() => {
      this.reportQueued = false;
      if (!this.stopped) this.hooks.acknowledge(this.durable);
    });
  }

  /** Checks one frame against the stream position and queues its bytes (nothing is appended here). */
  private accept(frame: TransferFrame): void {
    const store = this.store;
    const local = store.maxPhysicalOffset();
    const expected = this.assembler.end();
    const { phyOffset, body } = frame;
    if (phyOffset !== expected) {
      if (body.length === 0 && phyOffset < expected) {
        throw new ReplicationError(
          ReplicationErrorCode.REFUSED_BY_MASTER,
          `the master refused this slave's commit-log end ${local} (it answered with offset ${phyOffset}): the slave's log is ahead of, diverged from, or older than what the master keeps. The master's log says which. Stop the slave, wipe its store and restart it to copy the master again`,
        );
      }
      if (phyOffset < local && phyOffset + body.length <= local && this.assembler.isEmpty()) {
        this.verifyResume(phyOffset, body);
        return;
      }
      if (local === 0 && this.assembler.isEmpty() && phyOffset % store.commitLogSegmentSize() === 0) {
        // An empty slave is sent the master's oldest kept segment (or, by a Java master, its last one).
        this.assembler.restart(phyOffset);
      } else {
        throw new ReplicationError(ReplicationErrorCode.UNEXPECTED_OFFSET, `the master pushed offset ${phyOffset} but this slave expected ${expected}; reconnecting`);
      }
    }
    this.assembler.push(body);
  }

  /** Compares bytes the master resent before this slave's end with the slave's own copy. */
  private verifyResume(phyOffset: number, body: Buffer): void {
    const store = this.store;
    const from = Math.max(phyOffset, store.minPhysicalOffset());
    for (let at = from; at < phyOffset + body.length; ) {
      const mine = store.readCommitLogRange(at, phyOffset + body.length - at);
      if (mine.length === 0) break;
      const theirs = body.subarray(at - phyOffset, at - phyOffset + mine.length);
      if (!mine.equals(theirs)) {
        let first = 0;
        while (first < mine.length && mine[first] === theirs[first]) first += 1;
        throw new ReplicationError(
          ReplicationErrorCode.DIVERGED,
          `this slave's commit log differs from the master's at offset ${at + first} (before the slave's end ${store.maxPhysicalOffset()}): the logs diverged. Stop the slave, wipe its store and restart it to copy the master again`,
        );
      }
      at += mine.length;
    }
    this.hooks.log('info', `HA slave: the master's bytes [${phyOffset}, ${phyOffset + body.length}) match this slave's log; resuming`);
  }
}
