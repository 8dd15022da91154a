import { MB } from './measure';

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

export function formatInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

/** Three significant figures, never fewer than whole units. */
export function formatMBps(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n >= 100) return formatInt(n);
  return n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return '—';
  const percent = share * 100;
  return `${percent >= 10 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

/** Sizes of files and logs, in binary units (segments are powers of two). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  if (bytes >= GIB) return `${trim(bytes / GIB)} GiB`;
  if (bytes >= MIB) return `${trim(bytes / MIB)} MiB`;
  if (bytes >= KIB) return `${trim(bytes / KIB)} KiB`;
  return `${bytes} B`;
}

/** Memory, in MB (10^6 bytes), the unit of the RSS target. */
export function formatMB(bytes: number): string {
  return Number.isFinite(bytes) ? `${formatInt(bytes / MB)} MB` : '—';
}

/** A latency given in µs: µs below 10 ms, else ms. */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return '—';
  if (us < 10_000) return `${formatInt(us)} µs`;
  return `${(us / 1000).toFixed(1)} ms`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${formatInt(ms)} ms`;
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n.toFixed(2).replace(/\.?0+$/, '');
}

/** CPU time per message (or per round trip), one decimal; a dash when it could not be measured. */
export function formatCpu(us: number): string {
  return Number.isFinite(us) ? `${us.toFixed(1)} µs` : '—';
}
