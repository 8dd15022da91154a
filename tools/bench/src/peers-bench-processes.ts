// The processes a server started itself, read from /proc (Linux), so a stop can wait for them and
// kill by pid any that outlive the server. Each is known by pid and start time, so a pid reused by
// an unrelated process after ours exited is never signalled. Elsewhere these lists are empty.
import * as fs from 'node:fs';

export interface ProcessId {
  pid: number;
  parent: number;
  /** The executable's name as the kernel has it (comm, at most 15 characters), e.g. 'beam.smp'. */
  command: string;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot; tells a reused pid apart. */
  startTime: string;
}

interface ProcessStat {
  pid: number;
  parent: number;
  command: string;
  state: string;
  startTime: string;
}

/** /proc/<pid>/stat, or undefined when there is no such process (or no /proc). */
function readStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or ')': split after the last ')'.
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  const [state, parent] = fields;
  const startTime = fields[19];
  if (state === undefined || parent === undefined || startTime === undefined) return undefined;
  return { pid, parent: Number(parent), command: text.slice(text.indexOf('(') + 1, close), state, startTime };
}

/** The live process `pid` (undefined when there is none). */
export function processId(pid: number): ProcessId | undefined {
  const stat = readStat(pid);
  return stat === undefined || stat.state === 'Z' ? undefined : { pid, parent: stat.parent, command: stat.command, startTime: stat.startTime };
}

/** Every live descendant of `root` (children, their children, ...), not `root` itself. */
export function processTree(root: number): ProcessId[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, ProcessStat[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat || stat.state === 'Z') continue;
    children.set(stat.parent, [...(children.get(stat.parent) ?? []), stat]);
  }
  const out: ProcessId[] = [];
  const queue = [root];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      out.push({ pid: child.pid, parent: child.parent, command: child.command, startTime: child.startTime });
      queue.push(child.pid);
    }
  }
  return out;
}

/** True while that very process (same pid and start time) exists and is not a zombie. */
export function stillRunning(id: ProcessId): boolean {
  const stat = readStat(id.pid);
  return stat !== undefined && stat.startTime === id.startTime && stat.state !== 'Z';
}

/** Signals that very process if it still runs; never throws. */
export function signalProcess(id: ProcessId, signal: NodeJS.Signals): void {
  if (!stillRunning(id)) return;
  try {
    process.kill(id.pid, signal);
  } catch {
    // exited meanwhile
  }
}
