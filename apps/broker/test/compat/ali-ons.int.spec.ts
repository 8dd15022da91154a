// Compatibility: an unmodified ali-ons@3.12.0 (npm dev dependency) against `npm start` (the
// embedded NameServer + broker) run as a child process. ali-ons runs in a second child process
// (ali-ons-client.ts), because its timers and sockets keep a process alive after close; it prints
// one `RESULT {json}` line that this test checks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCode, ResponseCode, createRequest } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { spawnApp, stopApp, waitForLine, type AppProcess } from '../process-helpers';
import type { ClientArgs, ClientResult, Received } from './ali-ons-client';

jest.setTimeout(90_000);

const TOPIC = 'CompatTopic';
const COUNT = 40;
const FAIL_KEY = 'key-7';
const BIG_KEY = 'key-12';

describe('ali-ons@3.12.0 against npm start', () => {
  let dir: string;
  let app: AppProcess | undefined;
  let client: AppProcess | undefined;
  let result: ClientResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pulsejet-ali-ons-'));
    app = spawnApp('apps/broker/src/start.ts', ['--namesrvPort', '0', '--listenPort', '0', '--storePathRootDir', join(dir, 'data'), '--logLevel', 'warn']);
    const [, namesrvAddr] = await waitForLine(app, /NameServer listening on (\S+)/);
    const [, brokerAddr] = await waitForLine(app, /Broker broker-a listening on (\S+)/);

    // A second topic, created as mqadmin updateTopic does (Java CreateTopicRequestHeader).
    const admin = new TcpRemotingClient({ log: () => undefined });
    try {
      const reply = await admin.request(
        brokerAddr!,
        createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
          topic: TOPIC,
          defaultTopic: 'TBW102',
          readQueueNums: '4',
          writeQueueNums: '4',
          perm: '6',
          topicFilterType: 'SINGLE_TAG',
          topicSysFlag: '0',
          order: 'false',
        }),
        5000,
      );
      expect(reply.code).toBe(ResponseCode.SUCCESS);
      // ali-ons needs the route before its first send (reference §9).
      const deadline = Date.now() + 10_000;
      for (;;) {
        const route = await admin.request(namesrvAddr!, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: TOPIC }), 5000);
        if (route.code === ResponseCode.SUCCESS) break;
        if (Date.now() > deadline) throw new Error(`no route for ${TOPIC} on the nameserver: ${route.code} ${route.remark ?? ''}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await admin.close();
    }

    const args: ClientArgs = { namesrvAddr: namesrvAddr!, topic: TOPIC, count: COUNT, failKey: FAIL_KEY, bigKey: BIG_KEY, timeoutMs: 45_000 };
    client = spawnApp('apps/broker/test/compat/ali-ons-client.ts', [JSON.stringify(args)]);
    const [, json] = await waitForLine(client, /^RESULT (.*)$/, 60_000);
    result = JSON.parse(json!) as ClientResult;
  });

  afterAll(async () => {
    if (client) await stopApp(client, 'SIGKILL').catch(() => undefined);
    if (app) await stopApp(app, 'SIGKILL').catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends every message and gets an offset msgId back', () => {
    expect(result.sent).toHaveLength(COUNT);
    expect(new Set(result.sent.map((s) => s.msgId)).size).toBe(COUNT);
    for (const s of result.sent) expect(s.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(result.timedOut).toBe(false);
  });

  it('delivers every message once to the clustering group, with matching msgId, tags and body', () => {
    const byKey = new Map<string, Received[]>();
    for (const r of result.clustering) byKey.set(r.keys, [...(byKey.get(r.keys) ?? []), r]);
    expect([...byKey.keys()].sort()).toEqual(result.sent.map((s) => s.key).sort());
    for (const s of result.sent) {
      const got = byKey.get(s.key)!;
      expect({ key: s.key, deliveries: got.length }).toEqual({ key: s.key, deliveries: s.key === FAIL_KEY ? 2 : 1 });
      expect(got[0]).toMatchObject({ msgId: s.msgId, topic: TOPIC, tags: s.tags, body: s.body, reconsumeTimes: 0 });
    }
    // The >4 KiB body went out compressed (ali-ons compresses at 4096) and came back equal.
    const big = byKey.get(BIG_KEY)![0]!;
    expect(big.body.length).toBe(6000);
    expect(big.body).toBe(result.sent.find((s) => s.key === BIG_KEY)!.body);
  });

  it('splits the queues between the two clustering consumers', () => {
    const c1 = result.allocation['c1'] ?? [];
    const c2 = result.allocation['c2'] ?? [];
    expect(c1.length).toBeGreaterThan(0);
    expect(c2.length).toBeGreaterThan(0);
    expect([...c1, ...c2].sort()).toHaveLength(4);
    expect(new Set([...c1, ...c2]).size).toBe(4);
    const consumers = new Set(result.clustering.map((r) => r.consumer));
    expect([...consumers].sort()).toEqual(['c1', 'c2']);
  });

  // Through CONSUMER_SEND_MSG_BACK: %RETRY%<group> at delay level 3 (10 s), as Java's broker does.
  it('delivers the message whose handler threw again, as a retry of the original', () => {
    expect(result.failedOnce).toHaveLength(1);
    const original = result.sent.find((s) => s.key === FAIL_KEY)!;
    const retry = result.clustering.filter((r) => r.keys === FAIL_KEY)[1];
    expect(retry).toMatchObject({ topic: TOPIC, originMsgId: original.msgId, tags: original.tags, body: original.body, reconsumeTimes: 1 });
    expect(retry!.msgId).not.toBe(original.msgId);
  });

  it('delivers every message to the broadcasting consumer', () => {
    const keys = result.broadcasting.map((r) => r.keys).sort();
    expect(keys).toEqual(result.sent.map((s) => s.key).sort());
    const sentById = new Map(result.sent.map((s) => [s.msgId, s]));
    for (const r of result.broadcasting) expect(sentById.get(r.msgId)).toMatchObject({ key: r.keys, body: r.body, tags: r.tags });
  });

  it('reports no ali-ons errors beyond the expected ones', () => {
    // Expected: the %RETRY% route is missing until the first heartbeat creates it (reference §8.1.3),
    // and the deliberate handler failure. A failed CONSUMER_SEND_MSG_BACK (36) would show here too:
    // ali-ons then re-publishes to %RETRY% itself (reference §3.10), so the retry alone can't tell.
    const unexpected = result.errors.filter((e) => !/No topic route info in name server for the topic: %RETRY%/.test(e) && !/deliberate failure/.test(e));
    expect(unexpected).toEqual([]);
  });
});
