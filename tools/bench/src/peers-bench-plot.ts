// The peers benchmark's plot, drawn by hand as SVG (no plotting dependency): one group of
// horizontal bars per throughput row (msg/s, longer is better) and per latency row (p99, shorter
// is better), one bar per system, each group on its own scale with the value written beside the bar.
import { formatBytes, formatInt, formatMicros } from './format';
import type { PeersBenchResults } from './peers-bench-run';
import { SCENARIOS } from './peers-bench-run';
import { scenarioLabel } from './peers-bench-report';

const WIDTH = 900;
const LABEL_WIDTH = 270;
const BAR_AREA = 480;
const BAR_HEIGHT = 14;
const BAR_GAP = 3;
const GROUP_GAP = 26;
const COLOURS = ['#1f77b4', '#2ca02c', '#17becf', '#d62728', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#bcbd22', '#7f7f7f'];

export function renderPeersSvg(results: PeersBenchResults): string {
  const ran = results.targets.filter((t) => t.status === 'ran');
  const parts: string[] = [];
  let y = 40;
  parts.push(text(10, 22, `Pulsejet and peers — ${results.machine.cpuModel}, ${results.machine.cores} cores, ${results.startedAt.toISOString().slice(0, 16)}Z`, 15, 'bold'));
  for (const scenario of SCENARIOS) {
    for (const bodyBytes of results.config.bodySizes) {
      const rows = ran.map((t) => ({ target: t, row: results.rows.find((r) => r.targetId === t.id && r.scenario === scenario && r.bodyBytes === bodyBytes) }));
      const values = rows.map(({ row }) => (row === undefined ? Number.NaN : scenario === 'e2e' ? row.latency!.p99Us : row.messagesPerSecond!));
      const max = Math.max(0, ...values.filter(Number.isFinite));
      const title = scenario === 'e2e' ? `end-to-end p99 at ${formatInt(results.config.e2eRate)} msg/s (shorter is better)` : `${scenarioLabel(scenario, results)} (longer is better)`;
      parts.push(text(10, y, `${title}, ${formatBytes(bodyBytes)}`, 13, 'bold'));
      y += 8;
      rows.forEach(({ target, row }, i) => {
        const value = values[i]!;
        const width = max > 0 && Number.isFinite(value) ? Math.max(1, (value / max) * BAR_AREA) : 0;
        const bad = row !== undefined && (row.integrity.lost > 0 || row.integrity.duplicated > 0);
        const shown = !Number.isFinite(value) ? 'not run' : scenario === 'e2e' ? formatMicros(value) : `${formatInt(value)} msg/s`;
        parts.push(text(LABEL_WIDTH - 6, y + BAR_HEIGHT - 3, target.label, 11, 'normal', 'end'));
        parts.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLOURS[i % COLOURS.length]}"/>`);
        parts.push(text(LABEL_WIDTH + width + 6, y + BAR_HEIGHT - 3, `${shown}${bad ? ' — LOST/DUPLICATED' : ''}`, 11, bad ? 'bold' : 'normal', 'start', bad ? '#d00' : '#222'));
        y += BAR_HEIGHT + BAR_GAP;
      });
      y += GROUP_GAP;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}

function text(x: number, y: number, content: string, size: number, weight: string, anchor = 'start', fill = '#222'): string {
  return `<text x="${x.toFixed(1)}" y="${y}" font-size="${size}" font-weight="${weight}" text-anchor="${anchor}" fill="${fill}">${escape(content)}</text>`;
}

function escape(content: string): string {
  return content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
