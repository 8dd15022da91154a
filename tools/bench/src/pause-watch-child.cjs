// An idle process that notices when it was not run: every TICK_MS it checks how late its timer
// fired and keeps the late ticks, and every STEAL_SAMPLE_MS it reads the CPU time the hypervisor
// took from the VM (the steal column of /proc/stat). The parent (./pause-watch.ts) asks it what it
// saw in a time window. Nothing else runs here, so a late timer means the machine did not run this
// process: the host paused the VM, or every core was taken.
//
// Plain JavaScript, run by node without tsx: it starts in tens of milliseconds and its idle cost
// is the timer alone (on the development VM each wake-up costs ~0.1 ms of CPU, and tsx's loader
// thread adds ~0.8% of a core). Messages: { id, from, to } in (Date.now() bounds), { id,
// longestLagMs, stealMs } out; id 0 out once, when ticking.
'use strict';
const fs = require('node:fs');

const TICK_MS = 20;
/** Ticks later than this are kept (timers are routinely a few milliseconds late). */
const NOTABLE_LAG_MS = 5;
/** Reading /proc/stat costs ~0.25 ms here: often enough to bound a window, not on every tick. */
const STEAL_SAMPLE_MS = 100;
/** Records older than this are dropped: a window is asked for right after it ends. */
const KEEP_MS = 10 * 60 * 1000;
/** USER_HZ: /proc/stat counts in hundredths of a second. */
const MS_PER_TICK_OF_STAT = 10;

/** The VM's total steal time, ms (all cores summed; 0 where /proc/stat has no steal column). */
function stealMs() {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    // cpu user nice system idle iowait irq softirq steal ...
    return Number(line.trim().split(/\s+/)[8] || 0) * MS_PER_TICK_OF_STAT;
  } catch {
    return 0;
  }
}

/** Late ticks: { at: Date.now() when it ran, lagMs }. */
const lateTicks = [];
/** { at, stealMs } every STEAL_SAMPLE_MS. */
const stealSamples = [{ at: Date.now(), stealMs: stealMs() }];
let expected = Date.now() + TICK_MS;

setInterval(() => {
  const now = Date.now();
  const lagMs = now - expected;
  expected = now + TICK_MS;
  if (lagMs > NOTABLE_LAG_MS) lateTicks.push({ at: now, lagMs });
  while (lateTicks.length > 0 && lateTicks[0].at < now - KEEP_MS) lateTicks.shift();
}, TICK_MS);

setInterval(() => {
  const now = Date.now();
  stealSamples.push({ at: now, stealMs: stealMs() });
  while (stealSamples.length > 2 && stealSamples[1].at < now - KEEP_MS) stealSamples.shift();
}, STEAL_SAMPLE_MS);

/** Steal time from the last sample at or before `from` to the first at or after `to` (now if none yet). */
function stealBetween(from, to) {
  let before;
  let after;
  for (const sample of stealSamples) {
    if (sample.at <= from) before = sample;
    if (sample.at >= to && after === undefined) after = sample;
  }
  if (before === undefined) return 0; // the window started before this process did
  return (after ? after.stealMs : stealMs()) - before.stealMs;
}

process.on('message', (request) => {
  let longestLagMs = 0;
  // A late tick covers the time since the previous one: it counts if it ends inside the window.
  for (const tick of lateTicks) if (tick.at >= request.from && tick.at <= request.to) longestLagMs = Math.max(longestLagMs, tick.lagMs);
  process.send({ id: request.id, longestLagMs, stealMs: stealBetween(request.from, request.to) });
});
process.on('disconnect', () => process.exit(0));
process.send({ id: 0, longestLagMs: 0, stealMs: 0 });
