// apps/broker as a process: `node --import tsx apps/broker/src/main.ts -c broker.conf` with a
// nameserver, a send over TCP, SIGTERM → exit 0; bad config → exit 2.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCode, ResponseCode, createRequest, decodeTopicRouteData } from '@pulsejet/protocol';
import { TcpRemotingClient, TcpRemotingServer } from '@pulsejet/remoting';
import { NameServer } from '@pulsejet/routing';
import { freePort, spawnApp, stopApp, waitForLine } from './process-helpers';

jest.setTimeout(60_000);

describe('apps/broker process', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulsejet-broker-app-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('boots from a broker.conf, registers, stores a send, and exits 0 on SIGTERM', async () => {
    const nsServer = new TcpRemotingServer({ host: '127.0.0.1', port: 0 });
    const nameServer = new NameServer();
    nameServer.attach(nsServer);
    await nameServer.start();
    await nsServer.start();
    const client = new TcpRemotingClient();
    const port = await freePort();
    const conf = join(dir, 'broker.conf');
    writeFileSync(
      conf,
      [
        'brokerClusterName=DefaultCluster',
        'brokerName=broker-proc',
        'brokerId=0',
        'brokerRole=ASYNC_MASTER',
        'flushDiskType=ASYNC_FLUSH',
        `namesrvAddr=${nsServer.address()}`,
        `listenPort=${port}`,
        // A free HA port: listenPort + 1 (the default) may be taken on a shared machine.
        'haListenPort=0',
        'bindAddress=127.0.0.1',
        `storePathRootDir=${join(dir, 'store')}`,
        'mappedFileSizeCommitLog=16777216',
      ].join('\n'),
    );
    const app = spawnApp('apps/broker/src/main.ts', ['-c', conf]);
    try {
      await waitForLine(app, /boot success/);
      const brokerAddr = `127.0.0.1:${port}`;
      const route = await client.request(nsServer.address(), createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' }), 5000);
      expect(decodeTopicRouteData(route.body).brokerDatas[0]?.brokerAddrs['0']).toBe(brokerAddr);

      const reply = await client.request(
        brokerAddr,
        createRequest(
          RequestCode.SEND_MESSAGE_V2,
          { a: 'PID', b: 'ProcTopic', c: 'TBW102', d: '4', e: '0', f: '0', g: String(Date.now()), h: '0', i: 'TAGS\u0001A\u0002', j: '0', k: 'false' },
          Buffer.from('hello'),
        ),
        5000,
      );
      expect(reply.code).toBe(ResponseCode.SUCCESS);
      expect(reply.extFields['msgId']).toMatch(/^7F000001/);
      expect(await stopApp(app)).toEqual({ code: 0, signal: null });
      expect(app.lines.some((line) => line.includes('The broker shut down'))).toBe(true);
    } finally {
      await stopApp(app, 'SIGKILL').catch(() => undefined);
      await client.close();
      await nsServer.close();
      await nameServer.close();
    }
  });

  it('exits 2 on an unknown key or an invalid value', async () => {
    const conf = join(dir, 'bad.conf');
    writeFileSync(conf, 'brokerName=a\nlistenPortt=1\n');
    const bad = spawnApp('apps/broker/src/main.ts', ['-c', conf]);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr.join('')).toMatch(/unknown key listenPortt/);
    const invalid = spawnApp('apps/broker/src/main.ts', ['--brokerIP1', 'localhost']);
    expect((await invalid.exited).code).toBe(2);
    expect(invalid.stderr.join('')).toMatch(/brokerIP1/);
  });
});
