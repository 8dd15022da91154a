import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import { cpuSpeedSuffix } from './cpu-probe';
import { describeMachine } from './machine';
import { formatBytes, formatInt, formatMB, formatMBps, formatMicros, formatMs, formatPercent } from './format';
import type { StoreBenchResults } from './results';
import { BUSY_MACHINE } from './measure';
import { sameSource, type SourceState } from './source';
import type { TargetCheck } from './targets';

/** Renders the store section of docs/benchmarks.md (markdown, without the markers). */
export function renderStoreSection(results: StoreBenchResults, checks: readonly TargetCheck[]): string {
  const lines: string[] = [];
  const push = (...more: string[]): void => void lines.push(...more);
  push('## Store (`npm run bench:store`)', '');
  push(
    `Measured ${results.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC by \`tools/bench/src/store-bench.ts\`` +
      `${results.quick ? ' in **quick (smoke) mode: figures are not meaningful**' : ''}; the run took ${formatInt(results.seconds)} s. ` +
      'Rerun `npm run bench:store` to replace this section. MB = 10^6 bytes.',
    '',
    `**Code measured:** ${sourceLine(results)}.`,
    '',
    `**Quiet machine?** ${quietLine(results)}`,
    '',
  );
  push(...machineLines(results), '');
  push('### Targets', '', '| Target | Measured | Required | Result |', '|---|---|---|---|');
  for (const check of checks) push(`| ${check.target} | ${check.measured} | ${check.required} | ${check.pass === undefined ? '—' : check.pass ? '**PASS**' : '**MISS**'} |`);
  push('');
  push(...rawLines(results), '');
  push(...newDataLines(results), '');
  push(...putLines(results), '');
  push(...readLines(results), '');
  push(...recoveryLines(results), '');
  push(...reproduceLines());
  return lines.join('\n').trimEnd();
}

/** How to rerun one scenario and see where its CPU time goes. */
export function reproduceLines(): string[] {
  return [
    '### Reproducing and profiling',
    '',
    '`npm run bench:store -- --quick` is a smoke run (about 15 s, writes nothing). To see where one scenario spends its CPU, profile only its measured windows and summarise per message:',
    '',
    '```sh',
    "npm run bench:store -- --only puts --match '^async-1KiB-64w$' --rounds 1 --profile tmp/prof",
    'npx tsx tools/bench/src/profile-summary.ts tmp/prof/put-async-1KiB-64w-round1-<N>msgs.cpuprofile 40 --per <N>',
    '```',
    '',
    '`--only reads --profile …` profiles the read windows the same way; `--only recovery --profile …` runs the recovering processes under `node --cpu-prof` (summarise with `--under recoverStore`).',
  ];
}

function quietLine(results: StoreBenchResults): string {
  if (results.otherCpuShare === undefined) return 'unknown (no /proc/stat).';
  const disturbed =
    results.puts.filter((put) => disturbedBy(put.maxOtherCpuShare)).length +
    (results.reads?.results.filter((read) => disturbedBy(read.otherCpuShare)).length ?? 0) +
    (results.recovery ? [results.recovery.afterKill, results.recovery.withoutCheckpoint].filter((open) => disturbedBy(open.otherCpuShare)).length : 0);
  const rows = disturbed === 0 ? 'no measured window was disturbed' : `${disturbed} rows marked † had a window in which other processes took more than ${formatPercent(BUSY_MACHINE)}`;
  return (
    `each scenario waited for other processes to leave the CPU before it started; over the whole run they (and kernel threads) used ` +
    `${formatPercent(results.otherCpuShare)} of the machine's CPU, and ${rows}. On 2 cores a busy neighbour takes CPU from the store directly, so disturbed figures read low.`
  );
}

/** A window in which other processes took a noticeable share of the CPU. */
function disturbedBy(share: number | undefined): boolean {
  return (share ?? 0) > BUSY_MACHINE;
}

function sourceLine(results: StoreBenchResults): string {
  const describe = (source: SourceState): string => {
    const commit = source.commit ? `commit ${source.commit}` : 'an unknown commit';
    if (source.changedFiles === 0) return `${commit}, no uncommitted changes under packages/`;
    return `${commit} plus uncommitted changes in ${source.changedFiles} files under packages/ (fingerprint ${source.changesFingerprint})`;
  };
  const { source, sourceAtEnd } = results;
  if (sameSource(source, sourceAtEnd)) return describe(source);
  return `${describe(source)}; **the code changed during the run** (at the end: ${describe(sourceAtEnd)}), so the recovery children, started later, may have run newer code`;
}

function machineLines(results: StoreBenchResults): string[] {
  const { machine } = results;
  const { disk } = machine;
  const kind = disk.rotational === undefined ? '' : disk.rotational ? ', reported rotational' : ', reported non-rotational';
  const dir = path.relative(REPO_ROOT, disk.dir).startsWith('..') ? disk.dir : path.relative(REPO_ROOT, disk.dir);
  return [
    `**Machine:** ${describeMachine(machine)}. ` +
      `**Disk:** scenarios run in fresh directories under \`${dir}\` on ${disk.device} (${disk.fsType}${kind}, ${formatBytes(disk.sizeBytes)}, ${formatBytes(disk.freeBytes)} free at the start).${cpuSpeedSuffix(machine.cpuSpeed)}`,
  ];
}

function rawLines(results: StoreBenchResults): string[] {
  const raw = results.raw;
  if (!raw) return ['### Raw disk', '', 'Not run.'];
  const size = formatBytes(raw.fileBytes);
  const chunk = formatBytes(raw.writeChunkBytes);
  const append = formatBytes(raw.appendBytes);
  const lat = (l: { p50: number; p99: number; samples: number }): string => `p50 ${formatMicros(l.p50)}, p99 ${formatMicros(l.p99)} (${formatInt(l.samples)} samples)`;
  return [
    '### Raw disk (this machine, same run, same filesystem)',
    '',
    '| Figure | Value |',
    '|---|---|',
    `| Buffered sequential write, pre-written file (${size} rewritten in ${chunk} writes, median of 3): copying into pages already in the page cache, what an append into a pre-filled segment costs at best | ${formatMBps(raw.prewrittenWriteMBps)} MB/s |`,
    `| Buffered sequential write, growing file (a new ${size} file per pass, median of 3; each pass reuses the memory the one before freed) | ${formatMBps(raw.growingWriteMBps)} MB/s |`,
    `| … its first pass alone (page-cache memory this run had not touched before) | ${formatMBps(raw.firstGrowingWriteMBps)} MB/s |`,
    `| Sequential write of a new ${size} file **plus fdatasync**, timed to the end of the sync (what the device sustains; not used by the targets) | ${formatMBps(raw.durableWriteMBps)} MB/s |`,
    `| fdatasync after a ${append} append, pre-written file | ${lat(raw.fdatasyncPrewritten)} |`,
    `| fdatasync after a ${append} append, growing file | ${lat(raw.fdatasyncGrowing)} |`,
    `| fdatasync after a ${append} append, pre-written file, through the libuv thread pool (as the store calls it) | ${lat(raw.fdatasyncPrewrittenAsync)} |`,
    '',
    'Buffered writes are timed without an fsync: they measure copying into the page cache, the best an ASYNC_FLUSH append can do.',
  ];
}

function newDataLines(results: StoreBenchResults): string[] {
  const data = results.newData;
  if (!data) return ['### New data, sustained', '', 'Not run.'];
  const steps = (rates: readonly number[]): string => rates.map((rate) => formatMBps(rate)).join(' · ');
  const segment = results.putSegmentBytes === undefined ? 'default 1 GiB segments' : `${formatBytes(results.putSegmentBytes)} segments`;
  return [
    '### New data, sustained (the raw figure of the ASYNC_FLUSH target)',
    '',
    `A bare write loop and the store each write ${formatBytes(data.bytes)} of new data, one after the other (the loop's file is kept until the store is done, so the store cannot reuse its memory). Progress is timed at every sixth of the bytes; the target compares the last thirds.`,
    '',
    '| Writer | MB/s in each sixth of the bytes | Last third |',
    '|---|---|---:|',
    `| Bare write loop: a new file in 1 MiB writes, no fsync | ${steps(data.rawStepsMBps)} | **${formatMBps(data.rawTailMBps)} MB/s** |`,
    `| Store: ASYNC_FLUSH, ${formatBytes(data.storeBodyBytes)} puts from ${data.storeWriters} writers, ${segment}, log MB/s | ${steps(data.storeStepsMBps)} | **${formatMBps(data.storeTailMBps)} MB/s** |`,
    '',
    "Why a second raw figure: on this VM the host takes back memory the guest frees (virtio-balloon free page reporting), and a page of page cache touched for the first time then costs ~3 ns per byte, about ten times a page reused soon after a file was deleted. The first sixths of each run use memory freed shortly before (the earlier groups' deleted files) and run faster; a log that keeps growing lives past that, at the last third's rate. The growing-file passes above reuse each other's memory, and the pre-written file is already in the page cache: neither pays this. The store pays it on its zero-fill thread (the next segment's zeros), beside its puts.",
  ];
}

function putLines(results: StoreBenchResults): string[] {
  const segment = results.putSegmentBytes === undefined ? 'default options (1 GiB segments)' : `${formatBytes(results.putSegmentBytes)} segments`;
  const lines = [
    '### Puts',
    '',
    `Closed-loop writers, each awaiting its \`putMessage\` before the next; topic \`BenchTopic\`, queue 0, property \`TAGS=a\`, random bodies. ` +
      `A fresh store per row with ${segment}; each row waits for the store's open-time pre-fill of the next segment to finish, ` +
      `warms up for ${formatMs(results.warmupMs)}, then counts completed puts for ${formatMs(results.durationMs)}. ` +
      `${results.putRounds > 1 ? `All rows ran in ${results.putRounds} interleaved rounds; each row shows its median round (by msg/s) and the range over the rounds. ` : ''}` +
      'Log MB/s counts commit-log bytes (header, body, topic, properties); fsyncs are group-commit fsyncs (ASYNC_FLUSH fsyncs on a 500 ms timer instead). ' +
      'Latency is from the call to its result.',
    '',
    '| Flush | Body | Writers | msg/s | msg/s range | Payload MB/s | Log MB/s | fsyncs/s | msg/fsync | Latency p50 | Latency p99 |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  if (results.puts.length === 0) lines.push('| not run | | | | | | | | | | |');
  for (const put of results.puts) {
    const { scenario } = put;
    const disturbed = disturbedBy(put.maxOtherCpuShare) ? ' †' : '';
    const writers = `${scenario.writers}${(scenario.batch ?? 1) > 1 ? ` × batch of ${scenario.batch} (not a target)` : ''}${disturbed}`;
    lines.push(
      `| ${scenario.flushDiskType === 'SYNC_FLUSH' ? 'sync' : 'async'} | ${formatBytes(scenario.bodySize)} (record ${put.recordBytes} B) | ${writers} | ${formatInt(put.messagesPerSecond)} | ` +
        `${put.rounds > 1 ? `${formatInt(put.minMessagesPerSecond)}–${formatInt(put.maxMessagesPerSecond)}` : '—'} | ` +
        `${formatMBps(put.payloadMBps)} | ${formatMBps(put.logMBps)} | ${put.fsyncsPerSecond === undefined ? '—' : formatInt(put.fsyncsPerSecond)} | ` +
        `${put.messagesPerFsync === undefined ? '—' : put.messagesPerFsync.toFixed(1)} | ${formatMicros(put.latency.p50)} | ${formatMicros(put.latency.p99)} |`,
    );
  }
  return lines;
}

function readLines(results: StoreBenchResults): string[] {
  const reads = results.reads;
  if (!reads) return ['### Reads', '', 'Not run.'];
  const first = reads.results[0];
  const lines = [
    '### Reads',
    '',
    `One queue of ${formatInt(first?.queueMessages ?? 0)} messages of 128 B (filled with \`putMessages\` batches at ${formatInt(reads.fillMessagesPerSecond)} msg/s, not a target), ` +
      `read from offset 0 with synchronous \`getMessage\` calls (starting over at the end) for ${formatMs(results.durationMs)} per window after a warm-up` +
      `${(first?.rounds ?? 1) > 1 ? `, in ${first!.rounds} interleaved rounds (median shown)` : ''}; ` +
      'page cache warm, key index caught up before reading. MB/s counts the stored-record bytes returned.',
    '',
    '| Body | maxMsgNums | maxTotalBytes | msg/s | msg/s range | MB/s | msg per call |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const read of reads.results) {
    lines.push(
      `| ${read.bodySize} B | ${read.maxMsgNums}${disturbedBy(read.otherCpuShare) ? ' †' : ''} | ${formatBytes(read.maxTotalBytes)} | ${formatInt(read.messagesPerSecond)} | ${read.rounds > 1 ? `${formatInt(read.minMessagesPerSecond)}–${formatInt(read.maxMessagesPerSecond)}` : '—'} | ${formatMBps(read.MBps)} | ${read.messagesPerCall.toFixed(1)} |`,
    );
  }
  return lines;
}

function recoveryLines(results: StoreBenchResults): string[] {
  const recovery = results.recovery;
  if (!recovery) return ['### Recovery after a kill', '', 'Not run.'];
  const { options, fill } = recovery;
  const lines = [
    '### Recovery after a kill',
    '',
    `A child process opened a fresh store (ASYNC_FLUSH, ${formatBytes(options.segmentBytes)} segments) and wrote ${formatBytes(options.bodySize)} messages from ${options.writers} writers over 8 queues ` +
      `until the commit log passed ${formatBytes(options.logBytes)} (${formatInt(fill.messages)} messages acknowledged in ${fill.seconds.toFixed(1)} s: ${formatInt(fill.messagesPerSecond)} msg/s, ${formatMBps(fill.MBps)} MB/s), ` +
      `then was SIGKILLed while still writing. Its peak RSS (VmHWM, read just before the kill) was **${formatMB(fill.peakRss)}**, RSS ${formatMB(fill.rss)}. ` +
      'A fresh process then timed `MessageStore.open` (page cache still warm, as after a process crash); then the checkpoint file was deleted and a second fresh process opened it again.',
    '',
    '| Open | Wall time of open | recovery.durationMs | Scanned from | Scanned | Log end | Stop | Entries re-dispatched | Messages | RSS after open | Peak RSS |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const [name, m] of [
    ['after the kill (checkpoint present)', recovery.afterKill],
    ['checkpoint deleted (whole log scanned)', recovery.withoutCheckpoint],
  ] as const) {
    lines.push(
      `| ${name}${disturbedBy(m.otherCpuShare) ? ' †' : ''} | ${formatMs(m.openMs)} | ${formatMs(m.report.durationMs)} | ${formatInt(m.report.scannedFrom)} | ${formatBytes(m.scannedBytes)} | ${formatInt(m.report.logEnd)} | ` +
        `${m.report.stop.kind} | ${formatInt(m.report.redispatched)} | ${formatInt(m.messages)} | ${formatMB(m.rss)} | ${formatMB(m.peakRss)} |`,
    );
  }
  return lines;
}
