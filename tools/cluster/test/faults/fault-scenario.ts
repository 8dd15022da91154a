// One fault run against real processes: the launcher (`tools/cluster/src/main.ts`, a child process)
// starts a mode, producers send continuously and record every acknowledged msgId, a consumer group
// records every delivery; broker-a's master is SIGKILLed (its store optionally deleted), restarted
// from the same conf with `node --import tsx apps/broker/src/main.ts -c <conf>`, and the run waits
// until every acknowledged message was delivered (or a timeout) before computing the metrics.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Producer, PushConsumer, type PushConsumerOptions } from '@pulsejet/client';
import { RequestCode, ResponseCode, createRequest, decodeClusterInfo, decodeTopicRouteData } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import type { ClusterBroker, ClusterDescription } from '../../src/launcher';
import type { ClusterMode } from '../../src/modes';
import { computeFaultMetrics, type AckRecord, type FaultMetrics, type Receipt, type SendFailure } from './fault-metrics';

export interface FaultScenarioOptions {
  mode: ClusterMode;
  repoRoot: string;
  /** Sending (and consuming) before the kill, ms. */
  beforeKillMs: number;
  /** From the SIGKILL to the restart, ms. */
  downMs: number;
  /** Sending after the restarted master registered again, ms. */
  afterReturnMs: number;
  /** Run every broker with flushDiskType=SYNC_FLUSH (the 1m/2m confs ship ASYNC_FLUSH). @default false */
  syncFlush?: boolean;
  /** Delete the killed master's store directory before restarting it. @default false */
  wipeStore?: boolean;
  /** How long to wait, after sending stops, for every acknowledged message to be delivered. @default 60000 */
  convergeTimeoutMs?: number;
  /** Concurrent send loops. @default 3 */
  senders?: number;
  /** Pause between two sends of one loop, ms. @default 10 */
  sendPauseMs?: number;
  /** Leave the run's directory (confs, stores, logs) in place for inspection. @default false */
  keepDir?: boolean;
  log?: (line: string) => void;
}

export interface FaultResult {
  mode: ClusterMode;
  flush: 'SYNC_FLUSH' | 'ASYNC_FLUSH';
  wipeStore: boolean;
  /** send() calls made. */
  sent: number;
  ackedByStatus: Record<string, number>;
  metrics: FaultMetrics;
  /** Upper bound asserted on metrics.duplicatesAfterReturn (see duplicateBound). */
  duplicateBound: number;
  /** Every acknowledged message was delivered within convergeTimeoutMs. */
  converged: boolean;
  /** Time from the end of sending until the last acknowledged message was delivered, ms (converged runs). */
  convergeMs: number | undefined;
  /** Time from the kill until the restarted master was registered again, ms. */
  downForMs: number;
  /** Send attempts that failed (each retried, on another broker when there is one): how many, first to last, ms. */
  failedAttempts: { count: number; windowMs: number };
  /**
   * Slave modes: a second consumer group, started right after the kill from the first offset, and
   * the number of broker-a's messages acknowledged before the kill that it received before the
   * master returned (only the slave could serve them), out of how many there were.
   */
  slaveReads: { received: number; of: number } | undefined;
  /** Observations worth reporting (slave HA state after the return, restart log lines about replication). */
  notes: string[];
}

const VICTIM = 'broker-a';
const TOPIC = 'FaultTopic';
const QUEUES = 4;
const PULL_BATCH = 32;
const PERSIST_OFFSET_MS = 1000;
const REQUEST_TIMEOUT_MS = 5000;
/** How often a broker writes committed consumer offsets to disk (MetadataStore offsetFlushIntervalMs default). */
const BROKER_OFFSET_FLUSH_MS = 5000;
const START_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 20_000;
/** Conf keys every run sets: a slave learns a restarted master at a registration round, and copies metadata at a sync. */
const FAST_ROUNDS: Readonly<Record<string, string>> = { registerNameServerPeriod: '2000', slaveSynchronizeInterval: '2000' };
/** Client timings shortened so route changes are seen within a second or two (defaults are 30 s polls). */
const FAST_CLIENT = { pollNameServerIntervalMs: 1000, heartbeatBrokerIntervalMs: 1000 } as const;

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Thrown by a probe to end a wait at once (other probe errors count as "not yet"). */
class FatalError extends Error {}

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean> | boolean, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await Promise.resolve()
      .then(probe)
      .catch((error: unknown) => {
        if (error instanceof FatalError) throw error;
        return false;
      });
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The most deliveries after the return of messages delivered before it that the run accepts. The
 * consumer keeps its offsets in memory across the outage and commits them every PERSIST_OFFSET_MS
 * (to the slave while the master is down; the slave merges by maximum when the master returns), so
 * a redelivery can only come from progress not yet committed where the consumer reads next. Without
 * a slave (1m, 2m) the consumer drops broker-a's queues while the route lacks them and reads their
 * offsets from the restarted master, which writes committed offsets to disk every 5 s
 * (BROKER_OFFSET_FLUSH_MS; Java's flushConsumerOffsetInterval): a SIGKILL loses up to that much, so
 * what it took from broker-a in the last commit period plus that flush period before the kill (and
 * while it was down) may come again, plus one pull batch per queue in flight at the switch.
 */
export function duplicateBound(receipts: readonly Receipt[], killedAt: number, returnedAt: number): number {
  const since = killedAt - PERSIST_OFFSET_MS - BROKER_OFFSET_FLUSH_MS - 2000;
  const fromVictim = receipts.filter((r) => r.brokerName === VICTIM && r.at >= since && r.at < returnedAt).length;
  return fromVictim + QUEUES * PULL_BATCH;
}

class Processes {
  private readonly children: ChildProcess[] = [];

  spawn(script: string, args: string[], cwd: string, logFile: string): ChildProcess {
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.children.push(child);
    return child;
  }

  /** SIGTERM to each child still running (latest first), SIGKILL after STOP_TIMEOUT_MS. */
  async stopAll(): Promise<void> {
    for (const child of [...this.children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    }
  }
}

export async function runFaultScenario(options: FaultScenarioOptions): Promise<FaultResult> {
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), `pulsejet-faults-${options.mode}-`));
  const processes = new Processes();
  const admin = new TcpRemotingClient({ log: () => undefined });
  const notes: string[] = [];
  // Attempts that failed and were retried (the producer warns of each); send() failures are counted apart.
  const retriedAt: number[] = [];
  const clientLog = (level: string, message: string): void => {
    if (level === 'warn' && message.startsWith('send to ')) retriedAt.push(Date.now());
    if (level === 'error') log(`client ${level}: ${message}`);
  };
  let producer: Producer | undefined;
  let fresh: Producer | undefined;
  let consumer: PushConsumer | undefined;
  let late: PushConsumer | undefined;
  try {
    const overrides = { ...FAST_ROUNDS, ...(options.syncFlush ? { flushDiskType: 'SYNC_FLUSH' } : {}) };
    const setArgs = Object.entries(overrides).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
    const launcher = processes.spawn('tools/cluster/src/main.ts', ['--mode', options.mode, '--dir', dir, ...setArgs], options.repoRoot, join(dir, 'launcher.log'));
    await waitFor(`${options.mode}: cluster.json (launcher log ${join(dir, 'launcher.log')})`, START_TIMEOUT_MS, () => {
      if (launcher.exitCode !== null) throw new FatalError(`the launcher exited with ${launcher.exitCode}:\n${readLog(join(dir, 'launcher.log'))}`);
      return existsSync(join(dir, 'cluster.json'));
    }, 500);
    const cluster = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as ClusterDescription;
    const victim = cluster.brokers.find((b) => b.brokerName === VICTIM && b.brokerId === 0)!;
    const masters = cluster.brokers.filter((b) => b.brokerId === 0);
    const flush = /flushDiskType=SYNC_FLUSH/.test(readFileSync(victim.conf, 'utf8')) ? 'SYNC_FLUSH' : 'ASYNC_FLUSH';
    log(`${options.mode}: up in ${dir} (${flush}); brokers ${cluster.brokers.map((b) => `${b.brokerName}/${b.brokerId}@${b.addr}`).join(', ')}`);

    for (const master of masters) await createTopic(admin, master.addr);
    await waitFor(`the route of ${TOPIC} to list every master`, 60_000, async () => {
      const reply = await admin.request(cluster.namesrv, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: TOPIC }), REQUEST_TIMEOUT_MS);
      if (reply.code !== ResponseCode.SUCCESS) return false;
      const route = decodeTopicRouteData(reply.body);
      return masters.every((m) => route.queueDatas.some((q) => q.brokerName === m.brokerName));
    });

    // The consumer: every delivery with its time and the group that served it.
    const receipts: Receipt[] = [];
    consumer = new PushConsumer({ ...consumerOptions(cluster.namesrv, clientLog), groupName: 'GID_faults' });
    consumer.subscribe(TOPIC, '*', (message) => {
      receipts.push({ msgId: message.msgId, brokerName: message.queue.brokerName, at: Date.now() });
    });
    await consumer.start();

    // Producers: send loops recording every acknowledged msgId and every send that failed after its retries.
    producer = new Producer({ namesrvAddr: cluster.namesrv, groupName: 'PID_faults', sendTimeoutMs: 3000, topics: [TOPIC], ...FAST_CLIENT, log: clientLog });
    await producer.start();
    const acks: AckRecord[] = [];
    const failures: SendFailure[] = [];
    let sent = 0;
    let sending = true;
    const sendLoop = async (from: Producer, loop: string, failed: SendFailure[]): Promise<void> => {
      for (let i = 0; sending; i++) {
        sent++;
        try {
          const result = await from.send({ topic: TOPIC, body: `loop ${loop} message ${i}` });
          acks.push({ msgId: result.msgId, brokerName: result.queue.brokerName, status: result.status, at: Date.now() });
        } catch (error) {
          failed.push({ at: Date.now(), message: (error as Error).message });
        }
        await sleep(options.sendPauseMs ?? 10);
      }
    };
    const loops = Array.from({ length: options.senders ?? 3 }, (_, loop) => sendLoop(producer!, String(loop), failures));

    await sleep(options.beforeKillMs);
    await waitFor('acknowledged sends to broker-a and deliveries before the kill', 60_000, () => acks.some((a) => a.brokerName === VICTIM) && receipts.length > 0);

    // The fault: SIGKILL broker-a's master (and, optionally, its store), then restart it from its conf.
    const killedAt = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    log(`${options.mode}: SIGKILL ${victim.brokerName}/0 pid ${victim.pid} after ${acks.length} acknowledged sends`);
    await waitFor(`pid ${victim.pid} to be gone`, 30_000, () => !alive(victim.pid));
    const hasSlave = cluster.brokers.some((b) => b.brokerName === VICTIM && b.brokerId === 1);
    const lateReceipts: Receipt[] = [];
    if (hasSlave) {
      late = new PushConsumer({ ...consumerOptions(cluster.namesrv, clientLog), groupName: 'GID_faults_late' });
      late.subscribe(TOPIC, '*', (message) => {
        lateReceipts.push({ msgId: message.msgId, brokerName: message.queue.brokerName, at: Date.now() });
      });
      await late.start();
    }
    await waitFor(`the nameserver to drop ${victim.addr}`, 150_000, async () => !(await registered(admin, cluster.namesrv, victim)), 250);
    if (options.wipeStore) {
      rmSync(victim.storeDir, { recursive: true, force: true });
      log(`${options.mode}: deleted ${victim.storeDir}`);
    }
    await sleep(Math.max(0, killedAt + options.downMs - Date.now()));
    const restartLog = join(dir, 'logs', `${VICTIM}-restart.log`);
    processes.spawn('apps/broker/src/main.ts', ['-c', victim.conf], options.repoRoot, restartLog);
    await waitFor(`the restarted ${victim.brokerName}/0 to register (log ${restartLog})`, 120_000, () => registered(admin, cluster.namesrv, victim), 100);
    const returnedAt = Date.now();
    log(`${options.mode}: ${victim.brokerName}/0 back after ${returnedAt - killedAt} ms`);

    // The long-lived producer avoids broker-a for 10 minutes after its failed attempts (latency fault
    // tolerance, as Java: a failure counts as 30 s of latency). A producer started now has no such
    // history and sends to the restarted master too: its messages check that the master serves again.
    fresh = new Producer({ namesrvAddr: cluster.namesrv, groupName: 'PID_faults_after', sendTimeoutMs: 3000, topics: [TOPIC], ...FAST_CLIENT, log: clientLog });
    await fresh.start();
    const freshFailures: SendFailure[] = [];
    loops.push(sendLoop(fresh, 'after', freshFailures));
    await sleep(options.afterReturnMs);
    sending = false;
    await Promise.all(loops);
    if (freshFailures.length > 0) notes.push(`${freshFailures.length} sends of a producer started after the return failed, e.g. ${freshFailures[0]!.message.slice(0, 200)}`);
    const stoppedAt = Date.now();

    // Convergence: every acknowledged message delivered at least once.
    const received = (): Set<string> => new Set(receipts.map((r) => r.msgId));
    let converged = true;
    try {
      await waitFor('every acknowledged message to be delivered', options.convergeTimeoutMs ?? 60_000, () => {
        const seen = received();
        return acks.every((a) => seen.has(a.msgId));
      }, 250);
    } catch {
      converged = false;
    }
    const convergedAt = Date.now();
    // Late redeliveries (a commit the consumer had not made before the kill) show up within a rebalance or two.
    await sleep(3000);

    const slave = cluster.brokers.find((b) => b.brokerName === VICTIM && b.brokerId === 1);
    if (slave) notes.push(`slave ${VICTIM}/1 after the run: haSlaveState=${(await runtimeInfo(admin, slave.addr))['haSlaveState'] ?? '?'}`);
    const restartLines = readLog(restartLog).split('\n');
    const replicationLines = restartLines.filter((line) => /refus|diverg|ahead|this master lost part of its log/i.test(line)).slice(0, 3);
    for (const line of replicationLines) notes.push(`restarted master logged: ${logMessage(line).slice(0, 240)}`);
    // Consumers holding offsets of the lost history, moved back by the restarted master (HistoryLossGuard).
    const movedBack = restartLines.filter((line) => /moving .* back to \d+/.test(line)).length;
    if (movedBack > 0) notes.push(`restarted master moved ${movedBack} consumer positions back (to where its queues started, or to what it served them since)`);

    const preKillVictim = acks.filter((a) => a.brokerName === VICTIM && a.at < killedAt).map((a) => a.msgId);
    const lateBeforeReturn = new Set(lateReceipts.filter((r) => r.at < returnedAt).map((r) => r.msgId));
    const slaveReads = hasSlave ? { received: preKillVictim.filter((id) => lateBeforeReturn.has(id)).length, of: preKillVictim.length } : undefined;
    const metrics = computeFaultMetrics(acks, failures, receipts, { killedAt, returnedAt }, VICTIM);
    const ackedByStatus: Record<string, number> = {};
    for (const ack of acks) ackedByStatus[ack.status] = (ackedByStatus[ack.status] ?? 0) + 1;
    const lostAfterReturn = acks.filter((a) => a.at >= returnedAt && metrics.lost.includes(a.msgId)).length;
    if (metrics.lost.length > 0) notes.push(`lost ${metrics.lost.length}: ${lostAfterReturn} acknowledged after the return, ${metrics.lost.length - lostAfterReturn} before it`);
    return {
      mode: options.mode,
      flush,
      wipeStore: options.wipeStore ?? false,
      sent,
      ackedByStatus,
      metrics,
      duplicateBound: duplicateBound(receipts, killedAt, returnedAt),
      converged,
      convergeMs: converged ? convergedAt - stoppedAt : undefined,
      downForMs: returnedAt - killedAt,
      failedAttempts: { count: retriedAt.length, windowMs: retriedAt.length === 0 ? 0 : retriedAt[retriedAt.length - 1]! - retriedAt[0]! },
      slaveReads,
      notes,
    };
  } finally {
    await producer?.close().catch(() => undefined);
    await fresh?.close().catch(() => undefined);
    await consumer?.close().catch(() => undefined);
    await late?.close().catch(() => undefined);
    await admin.close();
    // The restarted broker first, then the launcher, which stops what it started (SIGTERM, by pid).
    await processes.stopAll();
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

function consumerOptions(namesrvAddr: string, log: (level: string, message: string) => void): Omit<PushConsumerOptions, 'groupName'> {
  return {
    namesrvAddr,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    rebalanceIntervalMs: 2000,
    persistOffsetIntervalMs: PERSIST_OFFSET_MS,
    brokerSuspendMaxTimeMs: 2000,
    pullTimeoutMs: 8000,
    pullDelayOnErrorMs: 500,
    pullBatchSize: PULL_BATCH,
    awaitTerminationMs: 5000,
    ...FAST_CLIENT,
    log,
  };
}

/** The msg of a pino JSON line, else the line. */
function logMessage(line: string): string {
  try {
    return String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
  } catch {
    return line;
  }
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function createTopic(admin: TcpRemotingClient, addr: string): Promise<void> {
  const reply = await admin.request(
    addr,
    createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: TOPIC, readQueueNums: String(QUEUES), writeQueueNums: String(QUEUES), perm: '6', topicFilterType: 'SINGLE_TAG' }),
    REQUEST_TIMEOUT_MS,
  );
  if (reply.code !== ResponseCode.SUCCESS) throw new Error(`UPDATE_AND_CREATE_TOPIC ${TOPIC} on ${addr} answered ${reply.code}: ${reply.remark ?? ''}`);
}

async function registered(admin: TcpRemotingClient, namesrv: string, broker: ClusterBroker): Promise<boolean> {
  const reply = await admin.request(namesrv, createRequest(RequestCode.GET_BROKER_CLUSTER_INFO, {}), REQUEST_TIMEOUT_MS);
  if (reply.code !== ResponseCode.SUCCESS) throw new Error(`GET_BROKER_CLUSTER_INFO answered ${reply.code}`);
  return decodeClusterInfo(reply.body).brokerAddrTable[broker.brokerName]?.brokerAddrs[String(broker.brokerId)] === broker.addr;
}

async function runtimeInfo(admin: TcpRemotingClient, addr: string): Promise<Record<string, string>> {
  try {
    const reply = await admin.request(addr, createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, {}), REQUEST_TIMEOUT_MS);
    if (reply.code !== ResponseCode.SUCCESS || !reply.body) return {};
    return (JSON.parse(reply.body.toString('utf8')) as { table?: Record<string, string> }).table ?? {};
  } catch {
    return {};
  }
}
