// The crash test: a child process appends with SYNC_FLUSH and reports each acknowledged message; the
// parent SIGKILLs it at random moments, then checks that every acknowledged message is still served,
// intact, through its consume queue, and that nothing corrupt is served. Each child opens the store
// the last kill left, so recovery itself is crashed into and recovered again.
//
// After every kill the parent verifies a copy of the directory (what a SIGKILL leaves is exactly the
// files), so the next child still recovers the crashed original. Every seventh cycle also damages the
// log past the last acknowledged record, as a torn write of unacknowledged data would.
//
// PULSEJET_CRASH_CYCLES=200 runs longer locally; CI runs the default.
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageStore, type RecoveryReport } from '../../src/index';
import { readCheckpoint } from '../../src/recovery/checkpoint';
import { AckLedger, queueKey, type AckedMessage } from './ack-ledger';
import type { CrashStoreOptions, WriterConfig, WriterLine } from './crash-protocol';
import { tearLogAt, type Tear, type TearKind } from './tear-log';
import { verifyKeyIndex, verifyStore, type VerifyResult } from './verify-store';
import { WriterProcess } from './writer-process';

const DEFAULT_CYCLES = 20;
const CYCLES = Number(process.env['PULSEJET_CRASH_CYCLES'] ?? DEFAULT_CYCLES);

const SEGMENT_SIZE = 256 * 1024;
const STORE: CrashStoreOptions = {
  flushDiskType: 'SYNC_FLUSH',
  // Small segments: with bodies up to ~60 KiB a run rolls a commit-log segment every few dozen puts,
  // and a consume-queue segment every 128 entries.
  mappedFileSizeCommitLog: SEGMENT_SIZE,
  maxMessageSize: 64 * 1024,
  consumeQueueEntriesPerFile: 128,
  // Retention deletes data on purpose; it must not run whatever the CI disk's fill level.
  diskMaxUsedSpaceRatio: 1,
  diskSpaceCleanForciblyRatio: 1,
};
const TOPICS = ['CrashTopicA', 'CrashTopicB', 'Crash_Topic-C'];
const QUEUES_PER_TOPIC = 4;
const IN_FLIGHT = 16;

// Generous limits for a loaded 2-core CI machine: they bound a hang, they are not expected waits.
const START_TIMEOUT_MS = 60_000;
const FIRST_ACK_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 30_000;
/** How long a child appends after its first acknowledgement before the kill. */
const RUN_MS = { min: 50, max: 400 };
/** Kill cycles that land at a random moment of open (inside recovery, LevelDB open, checkpoint). */
const OPEN_KILL_MS = { min: 0, max: 60 };

/** Every seventh cycle damages the log after its kill, garbage and truncation in turn (20 cycles: 6 and 13). */
function tearAt(cycle: number): TearKind | undefined {
  if (cycle % 7 !== 6) return undefined;
  return Math.floor(cycle / 7) % 2 === 0 ? 'garbage' : 'truncate';
}

const killsDuringOpen = (cycle: number): boolean => cycle % 5 === 4 && tearAt(cycle) === undefined;

const isOpening = (line: WriterLine): line is Extract<WriterLine, { kind: 'opening' }> => line.kind === 'opening';
const isReady = (line: WriterLine): line is Extract<WriterLine, { kind: 'ready' }> => line.kind === 'ready';
const isAck = (line: WriterLine): line is Extract<WriterLine, { kind: 'ack' }> => line.kind === 'ack';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('commit log under SIGKILL (SYNC_FLUSH)', () => {
  let root: string;
  let writer: WriterProcess | undefined;
  const openStores: MessageStore[] = [];

  beforeAll(() => {
    if (!Number.isInteger(CYCLES) || CYCLES < 1) throw new Error(`PULSEJET_CRASH_CYCLES must be a positive integer, got ${process.env['PULSEJET_CRASH_CYCLES']}`);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-crash-'));
  });

  afterAll(async () => {
    // A failed assertion must not leave a writer appending in the background.
    if (writer?.running) {
      writer.kill();
      await writer.waitForClose(EXIT_TIMEOUT_MS).catch(() => undefined);
    }
    for (const store of openStores.splice(0)) await store.close().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(`${root}-verify`, { recursive: true, force: true });
  });

  async function openStore(dir: string): Promise<MessageStore> {
    const store = await MessageStore.open({ ...STORE, storePathRootDir: dir });
    openStores.push(store);
    return store;
  }

  async function closeStore(store: MessageStore): Promise<void> {
    openStores.splice(openStores.indexOf(store), 1);
    await store.close();
  }

  function expectNoProblems(result: VerifyResult, when: string): void {
    if (result.problems.length > 0) throw new Error(`${when}:\n${result.problems.join('\n')}`);
  }

  /** What recovery must have found after a kill, given what was acknowledged (and torn) before it. */
  function expectRecovered(recovery: RecoveryReport | undefined, ledger: AckLedger, tear: Tear | undefined, when: string): void {
    expect(recovery).toBeDefined();
    const report = recovery!;
    const context = `${when}: ${JSON.stringify(report)}`;
    if (!report.crashed) throw new Error(`${context}\nrecovery did not see the crash`);
    if (report.logEnd < ledger.logEnd()) throw new Error(`${context}\nthe log ends before the last acknowledged record (${ledger.logEnd()})`);
    if (tear?.cutExpected && (report.logEnd !== tear.offset || report.stop.offset !== tear.offset)) {
      throw new Error(`${context}\nthe ${tear.kind} tear at ${tear.offset} was not cut exactly there`);
    }
    if (tear?.kind === 'garbage' && report.stop.kind !== 'corrupt') throw new Error(`${context}\nthe torn record was not reported corrupt`);
  }

  /** Verifies a copy of the crashed directory, leaving the original for the next child to recover. */
  async function verifyCopy(ledger: AckLedger, tear: Tear | undefined, cycle: number): Promise<RecoveryReport> {
    const copy = `${root}-verify`;
    fs.rmSync(copy, { recursive: true, force: true });
    fs.cpSync(root, copy, { recursive: true });
    const store = await openStore(copy);
    try {
      expectRecovered(store.recovery, ledger, tear, `cycle ${cycle}, parent's recovery`);
      // Every cycle walks everything; the messages of this cycle are also read back one by one.
      const readBack = [...ledger.all()].filter((acked) => acked.cycle === cycle);
      expectNoProblems(verifyStore(store, ledger, TOPICS, readBack), `cycle ${cycle}: the store after the kill`);
      return store.recovery!;
    } finally {
      await closeStore(store);
      fs.rmSync(copy, { recursive: true, force: true });
    }
  }

  it(
    `keeps every acknowledged message intact across ${CYCLES} SIGKILLs`,
    async () => {
      const started = Date.now();
      const ledger = new AckLedger();
      const tears: Tear[] = [];
      let lastTear: Tear | undefined;
      let previousLogEnd: number | undefined;
      let nacks = 0;

      /** The child's own recovery of the original directory must agree with the parent's of the copy. */
      const checkReady = (ready: Extract<WriterLine, { kind: 'ready' }>, cycle: number): void => {
        if (cycle === 0) return;
        expectRecovered(ready.recovery, ledger, lastTear, `cycle ${cycle}, child's recovery`);
        // The parent verified a copy of these very bytes after the last kill: same recovery, same end.
        expect(ready.recovery?.logEnd).toBe(previousLogEnd);
        for (const { topic, queueId, maxOffset } of ready.queues) {
          if (maxOffset < ledger.queueEnd(topic, queueId)) {
            throw new Error(`cycle ${cycle}: the child reopened ${queueKey(topic, queueId)} with max offset ${maxOffset}, below the acknowledged ${ledger.queueEnd(topic, queueId)}`);
          }
        }
      };

      for (let cycle = 0; cycle < CYCLES; cycle += 1) {
        const config: WriterConfig = {
          // Half the children checkpoint every 50 ms, so kills also land inside checkpoints.
          store: cycle % 2 === 1 ? { ...STORE, flushIntervalConsumeQueue: 50 } : STORE,
          runId: `c${cycle}`,
          inFlight: IN_FLIGHT,
          topics: TOPICS,
          queuesPerTopic: QUEUES_PER_TOPIC,
        };
        const child = new WriterProcess(root, config);
        writer = child;

        if (killsDuringOpen(cycle)) {
          await child.waitForLine('the writer to start opening the store', isOpening, START_TIMEOUT_MS);
          await delay(randomInt(OPEN_KILL_MS.min, OPEN_KILL_MS.max + 1));
        } else {
          checkReady(await child.waitForLine('the writer to open the store', isReady, START_TIMEOUT_MS), cycle);
          await child.waitForLine('a first acknowledged put', isAck, FIRST_ACK_TIMEOUT_MS);
          await delay(randomInt(RUN_MS.min, RUN_MS.max + 1));
        }
        child.kill();
        const exit = await child.waitForClose(EXIT_TIMEOUT_MS);
        if (exit.signal !== 'SIGKILL') throw new Error(`cycle ${cycle}: the writer exited by itself (code ${exit.code}, signal ${exit.signal}); stderr:\n${child.stderr}`);
        // A kill during open may still have come after the open finished.
        const lateReady = killsDuringOpen(cycle) ? child.lines.find(isReady) : undefined;
        if (lateReady) checkReady(lateReady, cycle);

        for (const line of child.lines) {
          if (line.kind === 'ack') ledger.add(line, cycle);
          else if (line.kind === 'nack') nacks += 1;
        }

        const tearKind = tearAt(cycle);
        // A torn write can only hit what was never fsynced: past the last acknowledgement, and past
        // the checkpoint's safe offset (fsynced, and where recovery starts scanning).
        const tearOffset = Math.max(ledger.logEnd(), readCheckpoint(root)?.safeOffset ?? 0);
        lastTear = tearKind ? tearLogAt(root, SEGMENT_SIZE, tearOffset, tearKind) : undefined;
        if (lastTear) tears.push(lastTear);

        previousLogEnd = (await verifyCopy(ledger, lastTear, cycle)).logEnd;
      }

      // The original directory, recovered in this process after the last kill.
      const store = await openStore(root);
      expectRecovered(store.recovery, ledger, lastTear, 'final reopen');
      const final = verifyStore(store, ledger, TOPICS, ledger.all());
      expectNoProblems(final, 'final reopen');
      const sample: AckedMessage[] = [...ledger.all()].filter((_, i) => i % 7 === 0);
      const indexProblems = await verifyKeyIndex(store, sample);
      if (indexProblems.length > 0) throw new Error(`final reopen:\n${indexProblems.join('\n')}`);
      await closeStore(store);

      // And once more after that clean close: nothing to recover, the same messages.
      const clean = await openStore(root);
      expect(clean.recovery?.crashed).toBe(false);
      const afterClean = verifyStore(clean, ledger, TOPICS, []);
      expectNoProblems(afterClean, 'reopen after a clean close');
      expect(afterClean.served).toBe(final.served);
      await closeStore(clean);

      expect(ledger.size).toBeGreaterThan(0);
      expect(tears.length).toBe(Math.floor(CYCLES / 7));
      const segments = fs.readdirSync(path.join(root, 'commitlog')).filter((name) => /^\d{20}$/.test(name)).length;
      // One line for the CI log: how much the run covered.
      console.info(
        `crash test: ${CYCLES} SIGKILLs, ${ledger.size} acknowledged messages, ${final.served} served in ${final.queues} queues ` +
          `(${final.servedUnacknowledged} written but unacknowledged), ${nacks} non-PUT_OK answers, ${segments} commit-log segments, ` +
          `tears: ${tears.map((t) => `${t.kind}@${t.offset}`).join(', ') || 'none'}, ${Date.now() - started} ms`,
      );
    },
    Math.max(5 * 60_000, CYCLES * 15_000),
  );
});
