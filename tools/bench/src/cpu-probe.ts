// How fast this machine's CPU ran around a benchmark run, measured with one fixed workload.
//
// Why: the machine is a VM on a shared host, and its speed moves with the host's load in ways the
// guest cannot see (other processes' CPU share and the load average stay low). On 2026-11-27 the
// same send path took 12-43% more CPU per message in a bench:broker run at 10:44 than in one at
// 03:58, and a fixed JavaScript loop ran 1.6x slower than half an hour earlier.
// Reporting this probe beside every run's figures lets a reader tell a slower host from slower code.
import * as zlib from 'node:zlib';

/** The probe's speed at a run's start and end, in workload rounds per millisecond (higher is faster). */
export interface CpuSpeed {
  atStart: number;
  atEnd: number;
}

const SLICES = 5;
const SLICE_MS = 40;
const WARM_UP_MS = 40;

// One round: a small JSON round trip, a CRC of 1 KiB (native, as the store's), a few string and
// array operations — the kinds of work the broker and clients do per message.
const PROBE_OBJECT = { topic: 'ProbeTopic', queueId: 3, queueOffset: 123_456_789, tags: 'TagA', keys: ['k1', 'k2'], note: 'x'.repeat(48) };
const PROBE_BYTES = Buffer.alloc(1024, 0x5a);
/** Where the rounds' results go, so the compiler cannot drop the work as unused (never read: hence the _). */
let _probeSink = 0;

function probeRound(): number {
  const text = JSON.stringify(PROBE_OBJECT);
  const back = JSON.parse(text) as typeof PROBE_OBJECT;
  const joined = back.keys.join(' ') + back.topic.slice(2) + String(back.queueOffset);
  return zlib.crc32(PROBE_BYTES) + joined.length + back.queueId;
}

/**
 * Rounds of the fixed workload per millisecond: the median of 5 slices of 40 ms after 40 ms of
 * warm-up (about a quarter of a second in all). Single-threaded; run it while the machine is
 * otherwise idle (before the first and after the last measurement of a run).
 */
export function probeCpuSpeed(): number {
  const spin = (ms: number): number => {
    const until = performance.now() + ms;
    let rounds = 0;
    while (performance.now() < until) {
      for (let i = 0; i < 16; i += 1) _probeSink += probeRound();
      rounds += 16;
    }
    return rounds;
  };
  spin(WARM_UP_MS);
  const rates: number[] = [];
  for (let slice = 0; slice < SLICES; slice += 1) rates.push(spin(SLICE_MS) / SLICE_MS);
  rates.sort((a, b) => a - b);
  return rates[SLICES >> 1]!;
}

/** The run's speed: the probe taken at its start, and one taken now (about a quarter of a second). */
export function cpuSpeedSince(atStart: number): CpuSpeed {
  return { atStart, atEnd: probeCpuSpeed() };
}

/** What a report appends to its machine line: a space and a sentence, or nothing when the run did not probe. */
export function cpuSpeedSuffix(speed: CpuSpeed | undefined): string {
  if (speed === undefined) return '';
  const round = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
  return ` CPU speed probe (a fixed single-threaded workload, rounds per ms; the host's speed varies, so compare runs by it): ${round(speed.atStart)} at the start, ${round(speed.atEnd)} at the end.`;
}
