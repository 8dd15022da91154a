import * as fs from 'node:fs';
import * as path from 'node:path';

/** Each benchmark owns one section of docs/benchmarks.md, between its own pair of markers. */
export function sectionMarkers(name: string): { begin: string; end: string } {
  return { begin: `<!-- bench:${name}:begin (generated; edits inside are overwritten) -->`, end: `<!-- bench:${name}:end -->` };
}

const DOC_HEADER = `# Benchmarks

Figures measured by the scripts in \`tools/bench\`. Each section is written by its script between its
own markers and replaced when the script runs again; text outside the markers is kept. Figures
only compare within one machine: every section records the machine it ran on and, where it
matters, that machine's raw figures from the same run.
`;

/** The document with `name`'s section replaced (or appended), leaving everything else as it was. */
export function replaceSection(document: string | undefined, name: string, body: string): string {
  const { begin, end } = sectionMarkers(name);
  const block = `${begin}\n${body.trim()}\n${end}`;
  if (document === undefined || document.trim() === '') return `${DOC_HEADER}\n${block}\n`;
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from >= 0 && to > from) return document.slice(0, from) + block + document.slice(to + end.length);
  return `${document.trimEnd()}\n\n${block}\n`;
}

/** Rewrites `name`'s section of the markdown file at `file`, creating the file if needed. */
export function writeSection(file: string, name: string, body: string): void {
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, replaceSection(existing, name, body));
}
