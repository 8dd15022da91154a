// GET/UPDATE_NAMESRV_CONFIG against apps/namesrv as a real child process: the app's own keys, a
// live log-level change, updates saved into the -c config file (comments and other lines kept) and
// still in force after a restart, and restart-only keys refused without touching the file.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCode, ResponseCode, createRequest, type RemotingCommand } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { parsePropertiesText } from '@pulsejet/routing';
import { freePort, startNamesrvProcess, stopNamesrvProcess, waitFor, type NamesrvProcess } from './process-helpers';

jest.setTimeout(90_000);

describe('apps/namesrv config commands', () => {
  const processes: NamesrvProcess[] = [];
  let client: TcpRemotingClient;
  let dir: string;

  beforeEach(async () => {
    client = new TcpRemotingClient({ connectTimeoutMs: 2000, log: () => undefined });
    dir = await mkdtemp(join(tmpdir(), 'pulsejet-namesrv-config-'));
  });

  afterEach(async () => {
    await client.close();
    await Promise.all(processes.splice(0).map((p) => stopNamesrvProcess(p, 'SIGKILL').catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  });

  async function start(args: string[]): Promise<NamesrvProcess> {
    const ns = await startNamesrvProcess(await freePort(), args);
    processes.push(ns);
    return ns;
  }

  const update = (ns: NamesrvProcess, body: string): Promise<RemotingCommand> =>
    client.request(ns.address, createRequest(RequestCode.UPDATE_NAMESRV_CONFIG, {}, Buffer.from(body)), 5000);

  async function getConfig(ns: NamesrvProcess): Promise<Record<string, string>> {
    const response = await client.request(ns.address, createRequest(RequestCode.GET_NAMESRV_CONFIG), 5000);
    expect(response.code).toBe(ResponseCode.SUCCESS);
    return Object.fromEntries(parsePropertiesText(response.body!.toString('utf8')).map((e) => [e.key, e.value]));
  }

  it('saves updates into a .properties config file in place, and a restart keeps them', async () => {
    const file = join(dir, 'namesrv.properties');
    const original = ['# production nameserver', 'scanNotActiveBrokerInterval = 5000', '', '! keep me', 'brokerChannelExpiredTime=120000', 'rocketmqHome=/opt/rocketmq', ''].join('\n');
    await writeFile(file, original);
    let ns = await start(['-c', file]);

    const before = await getConfig(ns);
    expect(before).toMatchObject({
      listenPort: String(ns.port),
      bindAddress: '127.0.0.1',
      logLevel: 'info',
      scanNotActiveBrokerInterval: '5000',
      configStorePath: file,
      serverChannelMaxIdleTimeSeconds: '120',
    });

    const response = await update(ns, 'scanNotActiveBrokerInterval=2500\norderMessageEnable=false\n');
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(await getConfig(ns)).toMatchObject({ scanNotActiveBrokerInterval: '2500', orderMessageEnable: 'false' });
    // The changed line is rewritten where it was; comments, blank lines and unknown keys stay; a new key is appended.
    expect(await readFile(file, 'utf8')).toBe(
      ['# production nameserver', 'scanNotActiveBrokerInterval=2500', '', '! keep me', 'brokerChannelExpiredTime=120000', 'rocketmqHome=/opt/rocketmq', 'orderMessageEnable=false', ''].join('\n'),
    );

    // Restart-only keys are refused and leave the file alone.
    const port = await update(ns, 'listenPort=1\n');
    expect(port.code).toBe(ResponseCode.NO_PERMISSION);
    expect(port.remark).toMatch(/listenPort.*restart/);
    const path = await update(ns, `configStorePath=${join(dir, 'elsewhere.properties')}\n`);
    expect(path.code).toBe(ResponseCode.NO_PERMISSION);
    expect(await readFile(file, 'utf8')).toContain('scanNotActiveBrokerInterval=2500\n');
    expect(await readFile(file, 'utf8')).not.toContain('listenPort');

    expect(await stopNamesrvProcess(ns, 'SIGTERM')).toEqual({ code: 0, signal: null });
    ns = await start(['-c', file]);
    expect(await getConfig(ns)).toMatchObject({ scanNotActiveBrokerInterval: '2500', orderMessageEnable: 'false' });
  });

  it('saves updates into a .json config file with typed values', async () => {
    const file = join(dir, 'namesrv.json');
    await writeFile(file, JSON.stringify({ brokerChannelExpiredTime: 120000, rocketmqHome: '/opt/rocketmq' }));
    let ns = await start(['-c', file]);
    expect((await update(ns, 'brokerChannelExpiredTime=60000\norderMessageEnable=false\n')).code).toBe(ResponseCode.SUCCESS);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ brokerChannelExpiredTime: 60000, rocketmqHome: '/opt/rocketmq', orderMessageEnable: false });
    await stopNamesrvProcess(ns, 'SIGTERM');
    ns = await start(['-c', file]);
    expect(await getConfig(ns)).toMatchObject({ brokerChannelExpiredTime: '60000', orderMessageEnable: 'false' });
  });

  it('changes the log level at once, and without a config file keeps updates in memory only', async () => {
    const ns = await start([]);
    const before = await getConfig(ns);
    expect(before['logLevel']).toBe('info');
    expect(before).not.toHaveProperty('configStorePath');

    expect((await update(ns, 'logLevel=debug\n')).code).toBe(ResponseCode.SUCCESS);
    // A oneway request with an unknown code is logged at debug level only; it now shows up.
    await client.oneway(ns.address, createRequest(54321, {}, undefined, { oneway: true }));
    await waitFor(() => ns.lines.some((l) => typeof l['msg'] === 'string' && l['msg'].includes('oneway request code 54321')), 'a debug line');

    const bad = await update(ns, 'logLevel=loud\n');
    expect(bad.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(bad.remark).toMatch(/logLevel.*debug/);
    expect((await getConfig(ns))['logLevel']).toBe('debug');
  });
});
