/**
 * Summarises a .cpuprofile (from `--profile` or `node --cpu-prof`): self and inclusive time per
 * function, optionally only under one function. Usage:
 *   npx tsx tools/bench/src/profile-summary.ts <file.cpuprofile> [top=40] [--under <functionName>] [--per <count>]
 * `--per` divides times by a count (e.g. messages put in the window) to print µs per message.
 */
import * as fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  self: ProfileLine[];
  inclusive: ProfileLine[];
}

/** Self and inclusive time by function (name and file), sorted; `under` keeps samples below that function. */
export function summariseProfile(profile: Profile, under?: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const timeByNode = new Map<number, number>();
  profile.samples.forEach((id, i) => timeByNode.set(id, (timeByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const label = (node: ProfileNode): string => {
    const file = node.callFrame.url.replace(/^file:\/\//, '').replace(/^.*?\/(packages|tools|node_modules)\//, '$1/');
    return `${node.callFrame.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, us] of timeByNode) {
    const chain: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) chain.push(byId.get(at)!);
    if (under !== undefined && !chain.some((node) => node.callFrame.functionName === under)) continue;
    total += us;
    const leaf = label(chain[0]!);
    self.set(leaf, (self.get(leaf) ?? 0) + us);
    for (const name of new Set(chain.map(label))) inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
  const lines = (table: Map<string, number>): ProfileLine[] =>
    [...table].map(([name, us]) => ({ name, ms: us / 1000, share: total > 0 ? us / total : 0 })).sort((a, b) => b.ms - a.ms);
  return { totalMs: total / 1000, self: lines(self), inclusive: lines(inclusive) };
}

function main(argv: readonly string[]): void {
  const [file, ...rest] = argv;
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top] [--under <function>] [--per <count>]');
  let top = 40;
  let under: string | undefined;
  let per: number | undefined;
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === '--under') under = rest[++i];
    else if (rest[i] === '--per') per = Number(rest[++i]);
    else top = Number(rest[i]);
  }
  const summary = summariseProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, under);
  const cost = (line: ProfileLine): string =>
    `${line.ms.toFixed(0).padStart(7)} ms ${(line.share * 100).toFixed(1).padStart(5)}%${per ? ` ${((line.ms * 1000) / per).toFixed(2).padStart(7)} µs/msg` : ''}  ${line.name}`;
  for (const [title, lines] of [
    ['self', summary.self],
    ['inclusive', summary.inclusive],
  ] as const) {
    process.stdout.write(`--- ${title}: ${summary.totalMs.toFixed(0)} ms sampled${under ? ` under ${under}` : ''}\n`);
    for (const line of lines.slice(0, top)) process.stdout.write(`${cost(line)}\n`);
  }
}

if (require.main === module) main(process.argv.slice(2));
