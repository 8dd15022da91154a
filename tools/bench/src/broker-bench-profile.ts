// Where the broker's CPU goes: its `node --cpu-prof` profile cut to the measured window, then every
// sample charged to a layer of the code. `profile-summary.ts` gives the per-function view.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { summariseProfile } from './profile-summary';
import type { ProfileLine } from './profile-summary';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Monotonic clock in µs, the clock V8 stamps profiles with (CLOCK_MONOTONIC on Linux). */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * The samples taken between `fromUs` and `toUs` (monotonic µs); the rest of the run (module loading,
 * store open, shutdown) is dropped. Returns the profile unchanged when the window misses it entirely
 * (a clock that is not shared), with `trimmed: false`.
 */
export function trimProfile(profile: CpuProfile, fromUs: number, toUs: number): { profile: CpuProfile; trimmed: boolean } {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let at = profile.startTime;
  let last = fromUs;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs || at > toUs) return;
    samples.push(id);
    timeDeltas.push(at - last);
    last = at;
  });
  if (samples.length === 0) return { profile, trimmed: false };
  return { profile: { ...profile, startTime: fromUs, endTime: toUs, samples, timeDeltas }, trimmed: true };
}

/** Layers of the broker, in the order the report lists them. */
export const LAYERS = [
  'remoting: frame and header codec',
  'remoting: transport and dispatch',
  'broker: send processor',
  'broker: other',
  'store: put, record encode, CRC, flush',
  'protocol: other',
  'node: sockets, streams, timers',
  'GC',
  'V8 and native (program)',
  'other',
] as const;
export type Layer = (typeof LAYERS)[number];

function fileOf(url: string): string {
  return url.replace(/^file:\/\//, '');
}

/** The layer of one frame, or undefined for a frame that should be charged to its caller (node internals, natives). */
function layerOfFrame(functionName: string, url: string): Layer | undefined {
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return 'V8 and native (program)';
  const file = fileOf(url);
  if (/\/packages\/protocol\/src\/remoting\//.test(file)) return 'remoting: frame and header codec';
  if (/\/packages\/remoting\//.test(file)) return 'remoting: transport and dispatch';
  if (/\/packages\/broker\/src\/send\//.test(file)) return 'broker: send processor';
  if (/\/packages\/broker\//.test(file)) return 'broker: other';
  if (/\/packages\/core\//.test(file)) return 'store: put, record encode, CRC, flush';
  if (/\/packages\/protocol\/src\/(stored-record|prepared-record|record-crc|message-id|host)/.test(file)) return 'store: put, record encode, CRC, flush';
  if (/\/packages\/protocol\//.test(file)) return 'protocol: other';
  return undefined;
}

export interface LayerShare {
  layer: Layer;
  ms: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

export interface BrokerProfileSummary {
  file: string;
  /** The window's samples alone, written beside `file` for profile-summary.ts (undefined when not trimmed). */
  windowFile: string | undefined;
  /** Whether the profile was cut to the measured window. */
  trimmed: boolean;
  /** What the profile covered and the window asked for, monotonic µs (to check the cut). */
  profileSpanUs: [number, number];
  windowUs: [number, number];
  /** Sampled time in the window, ms, and the part the process sat idle. */
  totalMs: number;
  idleMs: number;
  layers: LayerShare[];
  /** Top functions by self time (idle left out), shares of the busy time. */
  topSelf: ProfileLine[];
}

/**
 * Each busy sample goes to the innermost frame of our packages on its stack (so a native Buffer copy
 * called from the store counts as the store); samples with none of ours go to node (its own JS) or
 * to GC / program / other.
 */
export function layerShares(profile: CpuProfile): { layers: LayerShare[]; idleMs: number; busyMs: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const layerOfNode = new Map<number, Layer | 'idle'>();
  const resolve = (id: number): Layer | 'idle' => {
    const cached = layerOfNode.get(id);
    if (cached !== undefined) return cached;
    const leaf = byId.get(id)!;
    let layer: Layer | 'idle' | undefined;
    if (leaf.callFrame.functionName === '(idle)') layer = 'idle';
    for (let at: number | undefined = id; layer === undefined && at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      layer = layerOfFrame(node.callFrame.functionName, node.callFrame.url);
    }
    if (layer === undefined) layer = /node:|internal\//.test(leaf.callFrame.url) || leaf.callFrame.url === '' ? 'node: sockets, streams, timers' : 'other';
    layerOfNode.set(id, layer);
    return layer;
  };
  const us = new Map<Layer | 'idle', number>();
  profile.samples.forEach((id, i) => {
    const layer = resolve(id);
    us.set(layer, (us.get(layer) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const idleUs = us.get('idle') ?? 0;
  let busyUs = 0;
  for (const [layer, value] of us) if (layer !== 'idle') busyUs += value;
  const layers = LAYERS.map((layer) => {
    const value = us.get(layer) ?? 0;
    return { layer, ms: value / 1000, share: busyUs > 0 ? value / busyUs : 0 };
  });
  return { layers, idleMs: idleUs / 1000, busyMs: busyUs / 1000 };
}

/**
 * Reads the broker's .cpuprofile in `dir`, cuts it to the window and summarises it. `node --cpu-prof`
 * writes one file per thread, and `--import tsx` adds a module-loader thread, so the broker's main
 * thread is the profile with the most frames of our packages.
 */
export function summariseBrokerProfile(dir: string, fromUs: number, toUs: number, top = 15): BrokerProfileSummary {
  let file: string | undefined;
  let whole: CpuProfile | undefined;
  let best = -1;
  for (const name of fs.readdirSync(dir).filter((entry) => entry.endsWith('.cpuprofile') && !entry.endsWith('.window.cpuprofile'))) {
    const candidate = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as CpuProfile;
    const ours = candidate.nodes.filter((node) => node.callFrame.url.includes('/packages/')).length;
    if (ours > best) {
      best = ours;
      file = path.join(dir, name);
      whole = candidate;
    }
  }
  if (file === undefined || whole === undefined) throw new Error(`no .cpuprofile in ${dir}: did the broker exit cleanly?`);
  const { profile, trimmed } = trimProfile(whole, fromUs, toUs);
  const windowFile = trimmed ? file.replace(/\.cpuprofile$/, '.window.cpuprofile') : undefined;
  if (windowFile !== undefined) fs.writeFileSync(windowFile, JSON.stringify(profile));
  const { layers, idleMs, busyMs } = layerShares(profile);
  const summary = summariseProfile(profile);
  const topSelf = summary.self
    .filter((line) => !line.name.startsWith('(idle)'))
    .slice(0, top)
    .map((line) => ({ ...line, share: busyMs > 0 ? line.ms / busyMs : 0 }));
  return { file, windowFile, trimmed, profileSpanUs: [whole.startTime, whole.endTime], windowUs: [fromUs, toUs], totalMs: summary.totalMs, idleMs, layers, topSelf };
}
