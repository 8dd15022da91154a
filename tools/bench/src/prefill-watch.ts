// Whether the store pre-filled its next commit-log segment while a row ran. The pre-fill writes a
// segment's worth of zeros on a worker thread of the broker once an eighth of the segment is written, so it
// lands in whichever row runs then: replaying the rows before the 1 KiB headline row, it ran exactly
// in that row's window (then on the thread pool, its four threads at 1.1-1.9 us per message each) beside a slower main
// thread. Marking the rounds it overlapped lets a reader tell that from a slower broker.
//
// A pre-fill is seen by its file growing: the file keeps its '.prefill' name after it is complete,
// until the log rolls onto it, so the name alone would also mark rows that only ran beside a
// finished one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PREFILL_SUFFIX } from '@pulsejet/core';

export interface PrefillWatch {
  /** Stops watching; whether a pre-fill file grew (or appeared) at any poll since the watch started. */
  stop(): boolean;
}

/** Sizes of the pre-fill files in `commitLogDir` by name (none when the directory is missing). */
function prefillSizes(commitLogDir: string): Map<string, number> {
  const sizes = new Map<string, number>();
  let names: string[];
  try {
    names = fs.readdirSync(commitLogDir);
  } catch {
    return sizes; // not created yet, or removed: nothing is being pre-filled there
  }
  for (const name of names) {
    if (!name.endsWith(PREFILL_SUFFIX)) continue;
    try {
      sizes.set(name, fs.statSync(path.join(commitLogDir, name)).size);
    } catch {
      // renamed (the log rolled onto it) between readdir and stat
    }
  }
  return sizes;
}

/** Polls `commitLogDir` every `intervalMs` for a segment file being pre-filled (growing). */
export function watchPrefill(commitLogDir: string, intervalMs = 100): PrefillWatch {
  let last = prefillSizes(commitLogDir);
  let seen = false;
  const poll = (): void => {
    if (seen) return;
    const now = prefillSizes(commitLogDir);
    for (const [name, size] of now) if (last.get(name) !== size) seen = true;
    last = now;
  };
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      poll();
      return seen;
    },
  };
}
