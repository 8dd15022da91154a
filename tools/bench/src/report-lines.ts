// Sentences every benchmark section repeats: which code was measured, durations, the noisy-row mark.
import { BUSY_MACHINE } from './measure';
import type { SourceState } from './source';

export function sourceLine(source: SourceState): string {
  const commit = source.commit === undefined ? 'unknown commit (no git)' : `commit ${source.commit}`;
  if (source.changedFiles === 0) return `${commit}, no uncommitted changes under packages/`;
  return `${commit} plus ${source.changedFiles} uncommitted file${source.changedFiles === 1 ? '' : 's'} under packages/ (fingerprint ${source.changesFingerprint ?? '?'})`;
}

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

/** ' †' when other processes used more than BUSY_MACHINE of the CPU during the row's window (the footnote says so). */
export function disturbedMark(otherCpuShare: number | undefined): string {
  return otherCpuShare !== undefined && otherCpuShare > BUSY_MACHINE ? ' †' : '';
}
