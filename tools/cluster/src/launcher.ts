// Starts a nameserver and the brokers of a cluster mode as separate processes on loopback
// (apps/namesrv and apps/broker, run with tsx), each broker from a copy of its shipped config with
// free ports and a store directory under `dir`; waits until every broker is registered and every
// slave streams from its master; stops them all, by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join, resolve } from 'node:path';
import { RequestCode, ResponseCode, createRequest, decodeClusterInfo, type ClusterInfo } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { overrideConf, readConfKeys } from './conf-file';
import { MODE_CONFS, type ClusterMode } from './modes';

export interface LaunchOptions {
  mode: ClusterMode;
  /** Where confs, stores, logs and cluster.json go. */
  dir: string;
  /** The repository root (apps/ and node_modules/ live there). */
  repoRoot: string;
  /** How long to wait for everything to be up, ms. @default 180000 */
  startTimeoutMs?: number;
  /** Progress lines. @default silent */
  log?: (message: string) => void;
  /**
   * broker.conf keys set in every generated conf (e.g. flushDiskType=SYNC_FLUSH for a fault test,
   * registerNameServerPeriod=2000 so a slave learns a restarted master sooner). The launcher's own keys
   * (ports, nameserver, store directory) cannot be overridden. @default none
   */
  overrides?: Readonly<Record<string, string>>;
}

export interface ClusterBroker {
  brokerName: string;
  brokerId: number;
  role: string;
  /** "127.0.0.1:port" clients dial. */
  addr: string;
  /** Masters: "127.0.0.1:port" slaves replicate from. */
  haAddr?: string;
  pid: number;
  /** The generated broker.conf: `npm run broker -- -c <conf>` starts this broker again. */
  conf: string;
  storeDir: string;
  logFile: string;
}

/** <dir>/cluster.json */
export interface ClusterDescription {
  mode: ClusterMode;
  namesrv: string;
  namesrvPid: number;
  namesrvLogFile: string;
  launcherPid: number;
  brokers: ClusterBroker[];
}

const DEFAULT_START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 3000;

interface Child {
  name: string;
  process: ChildProcess;
  logFile: string;
  exited: Promise<void>;
  exitCode: number | null | undefined;
}

/** Free loopback ports, all distinct: every listener stays open until all are chosen. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((ok, fail) => {
      const server = net.createServer();
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => ok(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
  return ports;
}

export class RunningCluster {
  private stopping: Promise<void> | undefined;

  constructor(
    readonly description: ClusterDescription,
    private readonly children: Child[],
    private readonly log: (message: string) => void,
  ) {}

  /** Reports processes that exit while the cluster runs (a crash, or a kill by a fault test). */
  watch(): void {
    for (const child of this.children) {
      void child.exited.then(() => {
        if (!this.stopping) this.log(`${child.name} (pid ${String(child.process.pid)}) exited with ${String(child.exitCode)}; see ${child.logFile}`);
      });
    }
  }

  /** SIGTERM to every process it started (brokers, slaves first, then the nameserver), SIGKILL after 20 s. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= stopAll([...this.children].reverse(), this.log);
    return this.stopping;
  }
}

async function stopAll(children: Child[], log: (message: string) => void): Promise<void> {
  for (const child of children) {
    if (child.exitCode !== undefined) continue;
    log(`stopping ${child.name} (pid ${child.process.pid})`);
    child.process.kill('SIGTERM');
    const stopped = await Promise.race([child.exited.then(() => true), delay(STOP_TIMEOUT_MS).then(() => false)]);
    if (!stopped) {
      log(`${child.name} (pid ${child.process.pid}) did not stop within ${STOP_TIMEOUT_MS} ms; killing it`);
      child.process.kill('SIGKILL');
      await child.exited;
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms).unref());
}

function startChild(name: string, script: string, args: string[], repoRoot: string, logFile: string): Child {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const entry: Child = {
    name,
    process: child,
    logFile,
    exitCode: undefined,
    exited: new Promise<void>((done) => {
      child.once('exit', (code) => {
        entry.exitCode = code;
        done();
      });
    }),
  };
  return entry;
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `probe` until it answers true; fails early when a child exited. */
async function until(what: string, probe: () => Promise<boolean>, children: Child[], deadline: number): Promise<void> {
  for (;;) {
    const dead = children.find((child) => child.exitCode !== undefined);
    if (dead) throw new Error(`${dead.name} exited (code ${String(dead.exitCode)}) while waiting for ${what}; its log ${dead.logFile} ends with:\n${logTail(dead.logFile)}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(200);
  }
}

export async function launchCluster(options: LaunchOptions): Promise<RunningCluster> {
  const log = options.log ?? (() => undefined);
  const dir = resolve(options.dir);
  const repoRoot = resolve(options.repoRoot);
  const deadline = Date.now() + (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  for (const sub of ['conf', 'store', 'logs']) mkdirSync(join(dir, sub), { recursive: true });

  const files = MODE_CONFS[options.mode];
  const [namesrvPort, ...brokerPorts] = await freePorts(1 + files.length * 2);
  const namesrv = `127.0.0.1:${namesrvPort!}`;
  const children: Child[] = [];
  const client = new TcpRemotingClient();
  const running = new RunningCluster(
    { mode: options.mode, namesrv, namesrvPid: 0, namesrvLogFile: join(dir, 'logs', 'namesrv.log'), launcherPid: process.pid, brokers: [] },
    children,
    log,
  );
  try {
    const ns = startChild('namesrv', join(repoRoot, 'apps/namesrv/src/main.ts'), ['--port', String(namesrvPort), '--host', '127.0.0.1'], repoRoot, running.description.namesrvLogFile);
    children.push(ns);
    running.description.namesrvPid = ns.process.pid ?? 0;
    log(`nameserver ${namesrv} (pid ${String(ns.process.pid)})`);
    const clusterInfo = async (): Promise<ClusterInfo | undefined> => {
      const reply = await client.request(namesrv, createRequest(RequestCode.GET_BROKER_CLUSTER_INFO, {}), REQUEST_TIMEOUT_MS);
      return reply.code === ResponseCode.SUCCESS ? decodeClusterInfo(reply.body) : undefined;
    };
    await until('the nameserver to answer', async () => (await clusterInfo()) !== undefined, children, deadline);

    // Masters first, then slaves: a slave learns its master from the nameserver's registration answer.
    const masters = files.filter((file) => readConfKeys(readShipped(repoRoot, options.mode, file)).get('brokerRole') !== 'SLAVE');
    const slaves = files.filter((file) => !masters.includes(file));
    for (const group of [masters, slaves]) {
      const started: ClusterBroker[] = [];
      for (const file of group) {
        const index = files.indexOf(file);
        const listenPort = brokerPorts[index * 2]!;
        const haListenPort = brokerPorts[index * 2 + 1]!;
        const name = file.replace(/\.conf$/, '');
        const shipped = readShipped(repoRoot, options.mode, file);
        const keys = readConfKeys(shipped);
        const storeDir = join(dir, 'store', name);
        const conf = join(dir, 'conf', file);
        writeFileSync(
          conf,
          overrideConf(shipped, { ...options.overrides, namesrvAddr: namesrv, brokerIP1: '127.0.0.1', listenPort: String(listenPort), haListenPort: String(haListenPort), storePathRootDir: storeDir }),
        );
        const logFile = join(dir, 'logs', `${name}.log`);
        const child = startChild(name, join(repoRoot, 'apps/broker/src/main.ts'), ['-c', conf], repoRoot, logFile);
        children.push(child);
        const role = keys.get('brokerRole') ?? 'ASYNC_MASTER';
        const broker: ClusterBroker = {
          brokerName: keys.get('brokerName') ?? name,
          brokerId: Number(keys.get('brokerId') ?? 0),
          role,
          addr: `127.0.0.1:${listenPort}`,
          ...(role !== 'SLAVE' ? { haAddr: `127.0.0.1:${haListenPort}` } : {}),
          pid: child.process.pid ?? 0,
          conf,
          storeDir,
          logFile,
        };
        log(`${name}: ${broker.role} ${broker.brokerName}/${broker.brokerId} at ${broker.addr} (pid ${broker.pid})`);
        started.push(broker);
        running.description.brokers.push(broker);
      }
      for (const broker of started) {
        await until(`${broker.brokerName}/${broker.brokerId} to register with the nameserver`, async () => {
          const info = await clusterInfo();
          return info?.brokerAddrTable[broker.brokerName]?.brokerAddrs[String(broker.brokerId)] === broker.addr;
        }, children, deadline);
      }
    }
    for (const slave of running.description.brokers.filter((broker) => broker.role === 'SLAVE')) {
      await until(`slave ${slave.brokerName}/${slave.brokerId} to stream from its master`, async () => (await runtimeInfo(client, slave.addr))['haSlaveState'] === 'connected', children, deadline);
    }
    writeFileSync(join(dir, 'cluster.json.tmp'), `${JSON.stringify(running.description, null, 2)}\n`);
    // Written whole, then renamed: a reader polling for cluster.json never sees half a file.
    renameSync(join(dir, 'cluster.json.tmp'), join(dir, 'cluster.json'));
    running.watch();
    return running;
  } catch (error) {
    await running.stop();
    throw error;
  } finally {
    await client.close();
  }
}

function readShipped(repoRoot: string, mode: ClusterMode, file: string): string {
  return readFileSync(join(repoRoot, 'apps/broker/conf', mode, file), 'utf8');
}

async function runtimeInfo(client: TcpRemotingClient, addr: string): Promise<Record<string, string>> {
  const reply = await client.request(addr, createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, {}), REQUEST_TIMEOUT_MS);
  if (reply.code !== ResponseCode.SUCCESS || !reply.body) return {};
  return (JSON.parse(reply.body.toString('utf8')) as { table?: Record<string, string> }).table ?? {};
}
