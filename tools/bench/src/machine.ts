import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CpuSpeed } from './cpu-probe';
import { formatBytes } from './format';

/** The machine a run was measured on: figures only compare within one machine. */
export interface MachineInfo {
  cpuModel: string;
  /** CPUs this process may use (os.availableParallelism). */
  cores: number;
  memoryBytes: number;
  node: string;
  platform: string;
  /** The filesystem holding the bench directory. */
  disk: DiskInfo;
  /** The CPU speed probe at the run's start and end (cpu-probe.ts); undefined when not probed. */
  cpuSpeed: CpuSpeed | undefined;
}

export interface DiskInfo {
  dir: string;
  device: string;
  mountPoint: string;
  fsType: string;
  sizeBytes: number;
  freeBytes: number;
  /** From /sys/block/<dev>/queue/rotational; undefined when it cannot be read. */
  rotational: boolean | undefined;
}

/** The machine a run used; `cpuSpeed` is the run's cpuSpeedSince() when it probed. */
export function machineInfo(dir: string, cpuSpeed?: CpuSpeed): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    disk: diskInfo(dir),
    cpuSpeed,
  };
}

/** What every report's machine line starts with: CPU, cores, memory, Node and OS. */
export function describeMachine(machine: MachineInfo): string {
  return `${machine.cpuModel}, ${machine.cores} cores, ${formatBytes(machine.memoryBytes)} RAM, Node ${machine.node}, ${machine.platform}`;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1]!.trim();
  } catch {
    // not Linux: fall back to what os reports
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function diskInfo(dir: string): DiskInfo {
  fs.mkdirSync(dir, { recursive: true });
  const real = fs.realpathSync(dir);
  const mount = mountOf(real);
  const stat = fs.statfsSync(real);
  return {
    dir: real,
    device: mount?.device ?? 'unknown',
    mountPoint: mount?.mountPoint ?? 'unknown',
    fsType: mount?.fsType ?? 'unknown',
    sizeBytes: stat.blocks * stat.bsize,
    freeBytes: stat.bavail * stat.bsize,
    rotational: mount ? rotational(mount.device) : undefined,
  };
}

/** The /proc/mounts entry with the longest mount point containing `file`. */
function mountOf(file: string): { device: string; mountPoint: string; fsType: string } | undefined {
  let best: { device: string; mountPoint: string; fsType: string } | undefined;
  try {
    for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [device, mountPoint, fsType] = line.split(' ');
      if (!device || !mountPoint || !fsType) continue;
      const inside = mountPoint === '/' || file === mountPoint || file.startsWith(`${mountPoint}/`);
      if (inside && (!best || mountPoint.length > best.mountPoint.length)) best = { device, mountPoint, fsType };
    }
  } catch {
    return undefined;
  }
  return best;
}

function rotational(device: string): boolean | undefined {
  // /dev/vda -> vda; /dev/nvme0n1p2 -> nvme0n1; /dev/sda1 -> sda
  const name = path.basename(device);
  for (const candidate of [name, name.replace(/p?\d+$/, '')]) {
    try {
      return fs.readFileSync(`/sys/block/${candidate}/queue/rotational`, 'utf8').trim() === '1';
    } catch {
      // try the parent device
    }
  }
  return undefined;
}
