// The results table of the fault runs and its section of docs/cluster-modes.md (between markers,
// replaced on each `npm run test:faults`; the text around it is kept).
import { readFileSync, writeFileSync } from 'node:fs';
import type { FaultResult } from './fault-scenario';

export const RESULTS_BEGIN = '<!-- faults:results:begin (written by npm run test:faults; edits inside are overwritten) -->';
export const RESULTS_END = '<!-- faults:results:end -->';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function variant(result: FaultResult): string {
  return `${result.mode} (${result.flush}${result.wipeStore ? ', store deleted' : ''})`;
}

function acked(result: FaultResult): string {
  const byStatus = Object.entries(result.ackedByStatus)
    .filter(([status]) => status !== 'SEND_OK')
    .map(([status, count]) => `${count} ${status}`);
  return `${result.sent} / ${result.metrics.acked}${byStatus.length > 0 ? ` (${byStatus.join(', ')})` : ''}`;
}

function lost(result: FaultResult): string {
  const count = result.metrics.lost.length;
  if (count === 0) return '0';
  const byStatus = Object.entries(result.metrics.lostByStatus).map(([status, n]) => `${n} ${status}`);
  return `**${count}** (${byStatus.join(', ')})`;
}

/** One markdown row per run. */
export function resultRow(result: FaultResult): string {
  const m = result.metrics;
  return [
    variant(result),
    acked(result),
    lost(result),
    `${seconds(m.producerErrorWindowMs)} (${m.failedSends} sends failed; ${result.failedAttempts.count} attempts retried over ${seconds(result.failedAttempts.windowMs)}${result.mode === '1m' ? '' : `; ${m.ackedByOthersWhileDown} acked by broker-b while down`})`,
    `${seconds(m.consumerGapMs)}${result.slaveReads ? ` (new group read ${result.slaveReads.received}/${result.slaveReads.of} of broker-a's earlier messages from its slave)` : ''}`,
    `${m.duplicatesAfterReturn} (bound ${result.duplicateBound})`,
    `${result.converged ? `yes (${seconds(result.convergeMs ?? 0)})` : '**no**'}; ${m.victimAckedAfterReturn} acked by restarted broker-a`,
  ].join(' | ');
}

export function resultsSection(results: readonly FaultResult[], context: string): string {
  const lines = [
    '## Fault test results',
    '',
    context,
    '',
    '| mode | sent / acknowledged | acknowledged lost | producer error window | consumer gap while down | duplicates after return | converged |',
    '|---|---|---|---|---|---|---|',
    ...results.map((result) => `| ${resultRow(result)} |`),
  ];
  const notes = results.flatMap((result) => result.notes.map((note) => `- ${variant(result)}: ${note}`));
  if (notes.length > 0) lines.push('', 'Observations:', '', ...notes);
  return lines.join('\n');
}

/** The document with the results section replaced, or appended when it has no markers yet. */
export function replaceResults(document: string, section: string): string {
  const block = `${RESULTS_BEGIN}\n${section.trim()}\n${RESULTS_END}`;
  const from = document.indexOf(RESULTS_BEGIN);
  const to = document.indexOf(RESULTS_END);
  if (from >= 0 && to > from) return document.slice(0, from) + block + document.slice(to + RESULTS_END.length);
  return `${document.trimEnd()}\n\n${block}\n`;
}

export function writeResults(file: string, section: string): void {
  writeFileSync(file, replaceResults(readFileSync(file, 'utf8'), section));
}
