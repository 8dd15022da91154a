// The launcher as a user runs it: `--mode 2m-2s-sync` in a child process, then cluster.json, four
// brokers answering, a send to a sync master that its slave serves, and SIGTERM stopping every pid.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RequestCode, ResponseCode, createRequest, decodeStoredRecords } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import type { ClusterDescription } from '../src/launcher';

jest.setTimeout(300_000);

const REPO_ROOT = resolve(__dirname, '../../..');
const REQUEST_TIMEOUT_MS = 15_000;

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 250));
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

describe('npm run cluster -- --mode 2m-2s-sync', () => {
  let dir: string;
  let launcher: ChildProcess;
  let exited: Promise<number | null>;
  let output = '';
  let cluster: ClusterDescription;
  const client = new TcpRemotingClient();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pulsejet-cluster-'));
    launcher = spawn(process.execPath, ['--import', 'tsx', 'tools/cluster/src/main.ts', '--mode', '2m-2s-sync', '--dir', dir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    launcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((done) => launcher.once('exit', (code) => done(code)));
    const file = join(dir, 'cluster.json');
    await waitFor(() => {
      if (launcher.exitCode !== null) throw new Error(`the launcher exited with ${launcher.exitCode}:\n${output}`);
      return existsSync(file) ? true : undefined;
    }, 'cluster.json', 240_000);
    cluster = JSON.parse(readFileSync(file, 'utf8')) as ClusterDescription;
  });
  afterAll(async () => {
    await client.close();
    if (launcher.exitCode === null) {
      launcher.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes a nameserver and two master/slave groups', () => {
    expect(cluster.mode).toBe('2m-2s-sync');
    expect(cluster.namesrv).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(cluster.brokers.map((b) => `${b.brokerName}/${b.brokerId}/${b.role}`).sort()).toEqual(['broker-a/0/SYNC_MASTER', 'broker-a/1/SLAVE', 'broker-b/0/SYNC_MASTER', 'broker-b/1/SLAVE']);
    for (const broker of cluster.brokers) {
      expect(existsSync(broker.conf)).toBe(true);
      expect(readFileSync(broker.conf, 'utf8')).toContain(`storePathRootDir=${broker.storeDir}`);
    }
  });

  it('writes confs that `npm run broker -- -c` accepts as they are', () => {
    const slave = cluster.brokers.find((b) => b.role === 'SLAVE')!;
    const printed = spawnSync(process.execPath, ['--import', 'tsx', 'apps/broker/src/main.ts', '-c', slave.conf, '--print-config'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(printed.status).toBe(0);
    const config = JSON.parse(printed.stdout) as { broker: Record<string, unknown> };
    expect(config.broker).toMatchObject({ brokerRole: 'SLAVE', brokerId: 1, listenPort: Number(slave.addr.split(':')[1]), namesrvAddr: cluster.namesrv, storePathRootDir: slave.storeDir });
  });

  it('every broker answers, and a message sent to a sync master is on its slave', async () => {
    for (const broker of cluster.brokers) {
      const info = await client.request(broker.addr, createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, {}), REQUEST_TIMEOUT_MS);
      expect(info.code).toBe(ResponseCode.SUCCESS);
    }
    const master = cluster.brokers.find((b) => b.brokerName === 'broker-a' && b.brokerId === 0)!;
    const slave = cluster.brokers.find((b) => b.brokerName === 'broker-a' && b.brokerId === 1)!;
    const topic = `ClusterSync_${process.pid}_${Date.now()}`;
    const sent = await client.request(
      master.addr,
      createRequest(RequestCode.SEND_MESSAGE_V2, { a: 'PID_cluster', b: topic, c: 'TBW102', d: '4', e: '0', f: '0', g: String(Date.now()), h: '0', i: 'TAGS\u0001A\u0002', j: '0', k: 'false' }, Buffer.from('replicated')),
      REQUEST_TIMEOUT_MS,
    );
    // SEND_OK from a SYNC_MASTER: its slave has acknowledged the message.
    expect(sent.code).toBe(ResponseCode.SUCCESS);
    const pulled = await client.request(
      slave.addr,
      createRequest(RequestCode.PULL_MESSAGE, { consumerGroup: 'GID_cluster', topic, queueId: '0', queueOffset: '0', maxMsgNums: '32', sysFlag: '4', commitOffset: '0', suspendTimeoutMillis: '1000', subscription: '*', subVersion: '1' }),
      REQUEST_TIMEOUT_MS,
    );
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    const [record] = decodeStoredRecords(pulled.body!);
    expect(record?.msgId).toBe(sent.extFields['msgId']);
    expect(record?.body.toString()).toBe('replicated');
  });

  it('SIGTERM stops every process it started', async () => {
    const pids = [cluster.namesrvPid, ...cluster.brokers.map((b) => b.pid)];
    expect(pids.every(alive)).toBe(true);
    launcher.kill('SIGTERM');
    expect(await exited).toBe(0);
    await waitFor(() => (pids.some(alive) ? undefined : true), 'every pid to be gone', 30_000);
    expect(pids.filter(alive)).toEqual([]);
  });
});
