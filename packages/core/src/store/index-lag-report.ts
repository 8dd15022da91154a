// What the store logs when its key index falls behind the writer (IndexDispatcher's onFellBehind).
// Under a put rate the index cannot follow from memory this repeats every few seconds, so after the
// first warning it is summed up at most once a minute rather than logged each time.
import type { ResolvedStoreOptions } from '../options';

const REPORT_INTERVAL_MS = 60_000;

export function indexLagReport(log: ResolvedStoreOptions['log'], now: () => number = Date.now): (keys: number) => void {
  let lastReport: number | undefined;
  let since = 0;
  return (keys) => {
    const time = now();
    if (lastReport === undefined) {
      lastReport = time;
      log(
        'warn',
        `the key index fell behind: ${keys.toLocaleString('en-US')} keys waited for it, more than it keeps in memory; it reads the commit log to catch up ` +
          '(queries by key see the newest messages late until it has; nothing is lost)',
      );
      return;
    }
    since += 1;
    if (time - lastReport < REPORT_INTERVAL_MS) return;
    log(
      'warn',
      `the key index fell behind ${since} more times in the ${Math.round((time - lastReport) / 1000)} s since the last warning: ` +
        'puts come faster than it indexes them from memory, and each time it reads the commit log to catch up',
    );
    lastReport = time;
    since = 0;
  };
}
