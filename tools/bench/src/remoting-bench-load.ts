// Load generators for one measured window: keep N round trips in flight and report each one's
// latency. The bare echo has its own (./remoting-bench-echo); this one drives any RemotingClient.
import * as fs from 'node:fs';
import * as protocol from '@pulsejet/protocol';
import type { RemotingCommand, SerializeType } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { BENCH_ECHO_CODE } from './remoting-bench-config';
import type { EchoClient } from './remoting-bench-echo';
import { SampleBuffer, sleep } from './measure';
import { ClosedLoopLoad, type Load, type RoundTripListener } from './closed-loop-load';

// Bound once: under CommonJS each use of an imported name is a getter call, which would be charged
// to the transport's CPU per round trip.
const { ResponseCode, createRequest } = protocol;
const SUCCESS = ResponseCode.SUCCESS;

/** Echo requests through any RemotingClient, headers in `serializeType` (Pulsejet's clients send DEFAULT_SERIALIZE_TYPE, Java clients JSON). */
export class RemotingLoad extends ClosedLoopLoad<RemotingCommand> {
  private readonly command: RemotingCommand;

  constructor(
    private readonly client: RemotingClient,
    private readonly address: string,
    bodyBytes: number,
    onRoundTrip: RoundTripListener,
    serializeType: SerializeType,
  ) {
    super(onRoundTrip);
    // A realistic small header beside the body, like a send's extFields.
    this.command = createRequest(BENCH_ECHO_CODE, { topic: 'BenchTopic', queueId: '0' }, Buffer.alloc(bodyBytes, 0x61), { serializeType });
  }

  protected issue(): Promise<RemotingCommand> {
    return this.client.request(this.address, this.command, 10_000);
  }

  protected check(response: RemotingCommand): void {
    if (response.code !== SUCCESS) throw new Error(`bench echo answered code ${response.code}: ${response.remark ?? ''}`);
  }
}

/** Adapts the bare echo client to the same start/stop shape. */
export class EchoLoad implements Load {
  constructor(private readonly client: EchoClient) {}

  start(inFlight: number): void {
    this.client.start(inFlight);
  }

  stop(): Promise<void> {
    return this.client.stop();
  }
}

export interface WindowResult {
  roundTripsPerSecond: number;
  /** Round-trip latencies in the window, µs. */
  latenciesUs: Float64Array;
  /** CPU time (user + system) per round trip in the window, µs: this process (the clients). */
  clientCpuUs: number;
  /** The same for the server child; NaN when it can't be read (not Linux) or isn't involved. */
  serverCpuUs: number;
  /** The server child's main thread (its event loop) only: without the thread pool's file work. */
  serverMainThreadCpuUs: number;
}

/** user + system CPU of another process, µs, from /proc (USER_HZ is 100 for /proc on Linux); NaN elsewhere. */
export function processCpuUs(pid: number | undefined): number {
  return pid === undefined ? Number.NaN : statCpuUs(`/proc/${pid}/stat`);
}

/** The same for a process's main thread (its thread id is its pid). */
export function mainThreadCpuUs(pid: number | undefined): number {
  return pid === undefined ? Number.NaN : statCpuUs(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuUs(file: string): number {
  try {
    const stat = fs.readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

/** A switchable sink: counts only while a window is open. */
export class WindowRecorder {
  private measuring = false;
  private samples = new SampleBuffer();

  readonly record: RoundTripListener = (latencyMs) => {
    if (this.measuring) this.samples.push(latencyMs * 1000);
  };

  /** Warms up, then measures one window of `load` at `inFlight`; `serverPid` is the server's process, if another. */
  async measure(load: Load, inFlight: number, warmupMs: number, durationMs: number, serverPid?: number): Promise<WindowResult> {
    this.samples = new SampleBuffer();
    load.start(inFlight);
    await sleep(warmupMs);
    this.measuring = true;
    const started = performance.now();
    const clientCpu = process.cpuUsage();
    const serverCpu = processCpuUs(serverPid);
    const serverMainCpu = mainThreadCpuUs(serverPid);
    await sleep(durationMs);
    this.measuring = false;
    const elapsedMs = performance.now() - started;
    const clientUsage = process.cpuUsage(clientCpu);
    const serverUs = processCpuUs(serverPid) - serverCpu;
    const serverMainUs = mainThreadCpuUs(serverPid) - serverMainCpu;
    await load.stop();
    const latenciesUs = Float64Array.from(this.samples.values());
    const roundTrips = latenciesUs.length;
    return {
      roundTripsPerSecond: roundTrips / (elapsedMs / 1000),
      latenciesUs,
      clientCpuUs: (clientUsage.user + clientUsage.system) / roundTrips,
      serverCpuUs: serverUs / roundTrips,
      serverMainThreadCpuUs: serverMainUs / roundTrips,
    };
  }
}
