// Runs the remoting benchmark: round trips per second over loopback TCP, Pulsejet's transport beside
// a bare Node echo measured in the same run, plus the in-process transport for reference.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SERIALIZE_TYPE } from '@pulsejet/client';
import { ResponseCode, createResponse } from '@pulsejet/protocol';
import { InProcessNetwork, InProcessRemotingClient, InProcessRemotingServer, TcpRemotingClient } from '@pulsejet/remoting';
import type { RemotingClient } from '@pulsejet/remoting';
import { REPO_ROOT } from './bench-config';
import { cpuSpeedSince, probeCpuSpeed } from './cpu-probe';
import { machineInfo } from './machine';
import type { MachineInfo } from './machine';
import { latencyOf, median, waitForQuietCpu } from './measure';
import type { Latency } from './measure';
import { BENCH_ECHO_CODE } from './remoting-bench-config';
import type { BenchTransport, RemotingBenchConfig } from './remoting-bench-config';
import { measureCodec } from './remoting-bench-codec';
import type { CodecCosts } from './remoting-bench-codec';
import { EchoClient } from './remoting-bench-echo';
import { EchoLoad, RemotingLoad, WindowRecorder } from './remoting-bench-load';
import type { Load } from './closed-loop-load';
import type { RemotingBenchServerReady } from './remoting-bench-server';
import { sourceState } from './source';
import type { SourceState } from './source';


export interface RemotingScenarioResult {
  transport: BenchTransport;
  inFlight: number;
  /** Median over rounds. */
  roundTripsPerSecond: number;
  /** Each round's figure, in round order. */
  rounds: number[];
  /** Pooled over all rounds' windows. */
  latencyUs: Latency;
  /** Median over rounds of the bench process's CPU per round trip, µs (the client, or both sides in-process). */
  clientCpuUs: number;
  /** Median over rounds of the server child's CPU per round trip, µs; NaN in-process or off Linux. */
  serverCpuUs: number;
}

export interface RemotingBenchResults {
  startedAt: Date;
  seconds: number;
  config: RemotingBenchConfig;
  machine: MachineInfo;
  source: SourceState;
  /** How long the run waited at its start for other processes to leave the CPU, ms. */
  quietWaitMs: number;
  scenarios: RemotingScenarioResult[];
  /** The codec alone, measured in this process before the transports, for each header encoding. */
  codec: CodecCosts;
}

const SERVER_SCRIPT = path.join(__dirname, 'remoting-bench-server.ts');

export async function runRemotingBench(config: RemotingBenchConfig, progress: (line: string) => void = () => undefined): Promise<RemotingBenchResults> {
  const startedAt = new Date();
  const quietWaitMs = config.quick ? 0 : await waitForQuietCpu(500, 30_000);
  const cpuSpeedAtStart = probeCpuSpeed();
  const codec = measureCodec(config.bodyBytes, Math.min(2000, config.durationMs));
  const child = startServerChild(config);
  const recorder = new WindowRecorder();
  const clients: { close(): unknown }[] = [];
  try {
    const ready = await waitForReady(child, 30_000);
    const echoClient = await EchoClient.connect(ready.echoPort, config.bodyBytes, recorder.record);
    clients.push(echoClient);
    const tcpClient = new TcpRemotingClient({ log: (level, message) => progress(`[bench client] ${level}: ${message}`) });
    clients.push(tcpClient);
    const inProcess = await startInProcess();
    clients.push(inProcess.client, inProcess.server);
    const loads: Record<BenchTransport, Load> = {
      'bare-echo': new EchoLoad(echoClient),
      'pulsejet-tcp': new RemotingLoad(tcpClient, ready.remotingAddress, config.bodyBytes, recorder.record, DEFAULT_SERIALIZE_TYPE),
      'pulsejet-tcp-json': new RemotingLoad(tcpClient, ready.remotingAddress, config.bodyBytes, recorder.record, 'JSON'),
      // In-process commands are never encoded; the encoding is only carried along.
      'pulsejet-inprocess': new RemotingLoad(inProcess.client, inProcess.address, config.bodyBytes, recorder.record, DEFAULT_SERIALIZE_TYPE),
    };

    const figures = new Map<string, { rounds: number[]; latencies: Float64Array[]; clientCpu: number[]; serverCpu: number[] }>();
    for (let round = 1; round <= config.rounds; round += 1) {
      for (const inFlight of config.inFlight) {
        // Reversed in even rounds, so the echo does not always run just before the transports it is compared with.
        for (const transport of round % 2 === 1 ? config.transports : [...config.transports].reverse()) {
          const serverPid = transport === 'pulsejet-inprocess' ? undefined : child.pid;
          const window = await recorder.measure(loads[transport], inFlight, config.warmupMs, config.durationMs, serverPid);
          const key = `${transport}/${inFlight}`;
          const entry = figures.get(key) ?? { rounds: [], latencies: [], clientCpu: [], serverCpu: [] };
          entry.rounds.push(window.roundTripsPerSecond);
          entry.latencies.push(window.latenciesUs);
          entry.clientCpu.push(window.clientCpuUs);
          entry.serverCpu.push(window.serverCpuUs);
          figures.set(key, entry);
          progress(`round ${round}/${config.rounds}  ${transport.padEnd(18)} ${String(inFlight).padStart(3)} in flight  ${Math.round(window.roundTripsPerSecond).toLocaleString('en-US')} round trips/s`);
        }
      }
    }

    const scenarios: RemotingScenarioResult[] = [];
    for (const inFlight of config.inFlight) {
      for (const transport of config.transports) {
        const entry = figures.get(`${transport}/${inFlight}`)!;
        scenarios.push({
          transport,
          inFlight,
          roundTripsPerSecond: median(entry.rounds),
          rounds: entry.rounds,
          latencyUs: latencyOf(concat(entry.latencies)),
          clientCpuUs: median(entry.clientCpu),
          serverCpuUs: median(entry.serverCpu),
        });
      }
    }
    return {
      startedAt,
      seconds: (Date.now() - startedAt.getTime()) / 1000,
      config,
      machine: machineInfo(os.tmpdir(), cpuSpeedSince(cpuSpeedAtStart)),
      source: sourceState(REPO_ROOT),
      quietWaitMs,
      scenarios,
      codec,
    };
  } finally {
    for (const client of clients) await client.close();
    await stopServerChild(child);
  }
}

async function startInProcess(): Promise<{ server: InProcessRemotingServer; client: RemotingClient; address: string }> {
  const network = new InProcessNetwork();
  const address = '127.0.0.1:10911';
  const server = new InProcessRemotingServer(network, { address });
  server.registerProcessor(BENCH_ECHO_CODE, (request) => createResponse(request, ResponseCode.SUCCESS, undefined, {}, request.body));
  await server.start();
  return { server, client: new InProcessRemotingClient(network), address };
}

function concat(parts: Float64Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

function startServerChild(config: RemotingBenchConfig): ChildProcess {
  const profile = config.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${config.profileDir}`];
  // tsx runs the TypeScript child the way the bench itself runs; resolved from the repository root.
  return fork(SERVER_SCRIPT, [], { cwd: REPO_ROOT, execArgv: [...profile, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<RemotingBenchServerReady> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the bench server child was not ready within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onMessage = (message: RemotingBenchServerReady): void => {
      if (message.kind !== 'ready') return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`the bench server child exited (code ${String(code)}) before it was ready`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function stopServerChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
