// Whether the store pre-filled its next commit-log segment while a row ran. The pre-fill writes a
// segment's worth of zeros on the broker's thread pool once the log passes half a segment, so it
// lands in whichever row runs then: replaying the rows before the 1 KiB headline row, it ran exactly
// in that row's window, the pool's four threads at 1.1-1.9 us per message each beside a slower main
// thread. Marking the rounds it overlapped lets a reader tell that from a slower broker.
import * as fs from 'node:fs';

/** The suffix FileSegmentDirectory gives a segment file while it is pre-filled. */
const PREFILL_SUFFIX = '.prefill';

export interface PrefillWatch {
  /** Stops watching; whether a pre-fill file was seen at any poll since the watch started. */
  stop(): boolean;
}

/** Polls `commitLogDir` every `intervalMs` for a segment being pre-filled (a missing directory counts as none). */
export function watchPrefill(commitLogDir: string, intervalMs = 100): PrefillWatch {
  let seen = false;
  const poll = (): void => {
    if (seen) return;
    try {
      seen = fs.readdirSync(commitLogDir).some((name) => name.endsWith(PREFILL_SUFFIX));
    } catch {
      // not created yet, or removed: nothing is being pre-filled there
    }
  };
  poll();
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
