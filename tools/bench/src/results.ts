import type { MachineInfo } from './machine';
import type { NewDataFigures } from './new-data-bench';
import type { PutRow } from './put-bench';
import type { RawDiskFigures } from './raw-disk';
import type { ReadRun } from './read-bench';
import type { RecoveryResult } from './recovery-bench';
import type { SourceState } from './source';

/** Everything one run of the store benchmark measured; a group that was not run is absent. */
export interface StoreBenchResults {
  startedAt: Date;
  seconds: number;
  quick: boolean;
  warmupMs: number;
  durationMs: number;
  /** Commit-log segment size of the put scenarios; undefined: the store default. */
  putSegmentBytes: number | undefined;
  putRounds: number;
  machine: MachineInfo;
  /** Share of the machine's CPU other processes used over the whole run. */
  otherCpuShare: number | undefined;
  /** The code at the start of the run (the bench process loads it then)... */
  source: SourceState;
  /** ...and at the end (child processes load it when they start). */
  sourceAtEnd: SourceState;
  raw: RawDiskFigures | undefined;
  puts: PutRow[];
  reads: ReadRun | undefined;
  recovery: RecoveryResult | undefined;
  newData: NewDataFigures | undefined;
}
