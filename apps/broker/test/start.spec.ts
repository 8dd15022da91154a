// `npm start`: the embedded NameServer + broker, in-process (startEmbedded) and as a process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCode, ResponseCode, createRequest, decodeTopicRouteData } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import pino from 'pino';
import { startEmbedded } from '../src/embedded';
import { parseStartArgs } from '../src/start';
import { spawnApp, stopApp, waitForLine } from './process-helpers';

jest.setTimeout(60_000);

describe('npm start (embedded default)', () => {
  let dir: string;
  let client: TcpRemotingClient;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulsejet-start-'));
    client = new TcpRemotingClient();
  });
  afterEach(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const routeOf = async (namesrvAddr: string, topic: string) => {
    const reply = await client.request(namesrvAddr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 5000);
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    return decodeTopicRouteData(reply.body);
  };

  it('parses its flags', () => {
    expect(parseStartArgs(['--namesrvPort', '0', '--listenPort=0', '--storePathRootDir', '/tmp/x'])).toMatchObject({
      options: { namesrvPort: 0, listenPort: 0, storePathRootDir: '/tmp/x' },
    });
    expect(() => parseStartArgs(['--listenPort', 'x'])).toThrow(/port/);
    expect(() => parseStartArgs(['--nope', '1'])).toThrow(/unknown/);
  });

  it('starts a nameserver and a broker in one process that answer a route lookup', async () => {
    const running = await startEmbedded({ namesrvPort: 0, listenPort: 0, storePathRootDir: join(dir, 'data') }, pino({ level: 'silent' }));
    try {
      const route = await routeOf(running.namesrvAddr, 'TBW102');
      expect(route.brokerDatas[0]?.brokerAddrs['0']).toBe(running.brokerAddr);
      // The topic of the printed snippet has a route before anything is sent.
      expect((await routeOf(running.namesrvAddr, 'DemoTopic')).queueDatas[0]).toMatchObject({ brokerName: 'broker-a', writeQueueNums: 4 });
    } finally {
      await running.close();
      await running.close();
    }
  });

  it('runs as `npm start` does, prints where it listens, and exits 0 on SIGTERM', async () => {
    const app = spawnApp('apps/broker/src/start.ts', ['--namesrvPort', '0', '--listenPort', '0', '--storePathRootDir', join(dir, 'data')]);
    try {
      const [, namesrvAddr] = await waitForLine(app, /NameServer listening on (\S+)/);
      const [, brokerAddr] = await waitForLine(app, /Broker broker-a listening on (\S+)/);
      expect((await routeOf(namesrvAddr!, 'TBW102')).brokerDatas[0]?.brokerAddrs['0']).toBe(brokerAddr);
      expect(await stopApp(app)).toEqual({ code: 0, signal: null });
    } finally {
      await stopApp(app, 'SIGKILL').catch(() => undefined);
    }
  });
});
