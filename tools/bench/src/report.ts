import * as path from 'node:path';
import { REPO_ROOT } from './bench-config';
import { formatBytes, formatInt, formatMB, formatMBps, formatMicros, formatMs } from './format';
import type { StoreBenchResults } from './results';
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
  );
  push(...machineLines(results), '');
  push('### Targets', '', '| Target | Measured | Required | Result |', '|---|---|---|---|');
  for (const check of checks) push(`| ${check.target} | ${check.measured} | ${check.required} | ${check.pass === undefined ? '—' : check.pass ? '**PASS**' : '**MISS**'} |`);
  push('');
  push(...rawLines(results), '');
  push(...putLines(results), '');
  push(...readLines(results), '');
  push(...recoveryLines(results));
  return lines.join('\n').trimEnd();
}

function sourceLine(results: StoreBenchResults): string {
  const { source } = results;
  const commit = source.commit ? `commit ${source.commit}` : 'an unknown commit';
  if (source.changedFiles === 0) return `${commit}, no uncommitted changes under packages/`;
  return `${commit} plus uncommitted changes in ${source.changedFiles} files under packages/ (fingerprint ${source.changesFingerprint})`;
}

function machineLines(results: StoreBenchResults): string[] {
  const { machine } = results;
  const { disk } = machine;
  const kind = disk.rotational === undefined ? '' : disk.rotational ? ', reported rotational' : ', reported non-rotational';
  const dir = path.relative(REPO_ROOT, disk.dir).startsWith('..') ? disk.dir : path.relative(REPO_ROOT, disk.dir);
  return [
    `**Machine:** ${machine.cpuModel}, ${machine.cores} cores, ${formatBytes(machine.memoryBytes)} RAM, Node ${machine.node}, ${machine.platform}. ` +
      `**Disk:** scenarios run in fresh directories under \`${dir}\` on ${disk.device} (${disk.fsType}${kind}, ${formatBytes(disk.sizeBytes)}, ${formatBytes(disk.freeBytes)} free at the start).`,
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
    `| Buffered sequential write, **pre-written file** (${size} rewritten in ${chunk} writes, median of 3): **raw**, used by the ratios (the store pre-fills segments) | **${formatMBps(raw.prewrittenWriteMBps)} MB/s** |`,
    `| Buffered sequential write, growing file (a new ${size} file per pass, median of 3) | ${formatMBps(raw.growingWriteMBps)} MB/s |`,
    `| … its first pass alone (page-cache memory this run had not touched before) | ${formatMBps(raw.firstGrowingWriteMBps)} MB/s |`,
    `| fdatasync after a ${append} append, pre-written file | ${lat(raw.fdatasyncPrewritten)} |`,
    `| fdatasync after a ${append} append, growing file | ${lat(raw.fdatasyncGrowing)} |`,
    `| fdatasync after a ${append} append, pre-written file, through the libuv thread pool (as the store calls it) | ${lat(raw.fdatasyncPrewrittenAsync)} |`,
    '',
    'Buffered writes are timed without an fsync: they measure copying into the page cache, the best an ASYNC_FLUSH append can do.',
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
      'Log MB/s counts commit-log bytes (header, body, topic, properties); fsyncs are group-commit fsyncs (ASYNC_FLUSH fsyncs on a 500 ms timer instead). ' +
      'Latency is from the call to its result.',
    '',
    '| Flush | Body | Writers | msg/s | Payload MB/s | Log MB/s | fsyncs/s | msg/fsync | Latency p50 | Latency p99 |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  if (results.puts.length === 0) lines.push('| not run | | | | | | | | | |');
  for (const put of results.puts) {
    const { scenario } = put;
    const writers = `${scenario.writers}${(scenario.batch ?? 1) > 1 ? ` × batch of ${scenario.batch} (not a target)` : ''}`;
    lines.push(
      `| ${scenario.flushDiskType === 'SYNC_FLUSH' ? 'sync' : 'async'} | ${formatBytes(scenario.bodySize)} (record ${put.recordBytes} B) | ${writers} | ${formatInt(put.messagesPerSecond)} | ` +
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
      `read from offset 0 with synchronous \`getMessage\` calls (starting over at the end) for ${formatMs(results.durationMs)} per row after a warm-up; ` +
      'page cache warm, key index caught up before reading. MB/s counts the stored-record bytes returned.',
    '',
    '| Body | maxMsgNums | maxTotalBytes | msg/s | MB/s | msg per call |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const read of reads.results) {
    lines.push(
      `| ${read.bodySize} B | ${read.maxMsgNums} | ${formatBytes(read.maxTotalBytes)} | ${formatInt(read.messagesPerSecond)} | ${formatMBps(read.MBps)} | ${read.messagesPerCall.toFixed(1)} |`,
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
      `| ${name} | ${formatMs(m.openMs)} | ${formatMs(m.report.durationMs)} | ${formatInt(m.report.scannedFrom)} | ${formatBytes(m.scannedBytes)} | ${formatInt(m.report.logEnd)} | ` +
        `${m.report.stop.kind} | ${formatInt(m.report.redispatched)} | ${formatInt(m.messages)} | ${formatMB(m.rss)} | ${formatMB(m.peakRss)} |`,
    );
  }
  return lines;
}
