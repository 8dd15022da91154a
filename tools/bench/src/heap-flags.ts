// The V8 heap settings a bench's own process (the drivers: producers and consumers standing in for
// a user's app) ran with, and the sentence each report prints about them. The npm scripts of the
// benches whose drivers receive a lot (bench:client, bench:broker, bench:peers) give
// --initial-old-space-size=128, as docs/operations.md advises consumers; brokers keep V8's defaults.

/** V8's heap-size flags, as node takes them (dashes or underscores, with `=value`). */
const HEAP_SIZE_FLAG = /^--(initial[-_]old[-_]space|max[-_]old[-_]space|min[-_]semi[-_]space|max[-_]semi[-_]space|initial[-_]heap|max[-_]heap)[-_]size=/;

/** The V8 heap-sizing flags among node's arguments (e.g. --initial-old-space-size=128). */
export function heapFlagsOf(execArgv: readonly string[]): string[] {
  return execArgv.filter((arg) => HEAP_SIZE_FLAG.test(arg));
}

/** The report's sentence on the bench process's heap; `script` is the npm script that sets it. */
export function heapFlagsLine(flags: readonly string[], script: string): string {
  if (flags.length === 0) {
    return (
      `**Bench process heap:** V8 defaults (\`npm run ${script}\` gives the settings the figures in docs/benchmarks.md use). A driver that ` +
      'receives tens of MB/s then runs the mark-compacts docs/operations.md describes, and the rows depend on which of them fall into those.'
    );
  }
  return (
    `**Bench process heap:** \`node ${flags.join(' ')}\`, as docs/operations.md advises for processes that receive tens of MB/s: with V8's ` +
    'defaults a consumer draining a backlog ran a mark-compact every 30–40 ms, and kept running them after the drain, its collector then ' +
    "taking the cores from the broker during the end-to-end rows. Brokers in child processes run with V8's defaults."
  );
}
