// Compatibility: an unmodified ali-ons@3.12.0 (npm dev dependency) against `npm start` (the
// embedded NameServer + broker) run as a child process. ali-ons runs in a second child process
// (ali-ons-client.ts), because its timers and sockets keep a process alive after close; it prints
// one `RESULT {json}` line that this test checks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MESSAGE_DELAY_LEVEL, SCHEDULE_TOPIC, parseMessageDelayLevel } from '@pulsejet/broker';
import { MessageConst, RequestCode, ResponseCode, createRequest, decodeOffsetMessageId, decodeStoredRecord, type StoredMessage } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { spawnApp, stopApp, waitForLine, type AppProcess } from '../process-helpers';
import type { ClientArgs, ClientResult, Received } from './ali-ons-client';

jest.setTimeout(90_000);

const TOPIC = 'CompatTopic';
const COUNT = 40;
const FAIL_KEY = 'key-7';
const BIG_KEY = 'key-12';
const DELAY_KEY = 'key-delayed';
/** `npm start` keeps RocketMQ's default levels: level 2 waits 5 s, less than the retry's 10 s. */
const DELAY_LEVEL = 2;

/** Deliveries of the messages sent without a delay (the delayed one has its own test). */
function undelayed(list: readonly Received[]): Received[] {
  return list.filter((r) => r.keys !== DELAY_KEY);
}

describe('ali-ons@3.12.0 against npm start', () => {
  let dir: string;
  let app: AppProcess | undefined;
  let client: AppProcess | undefined;
  let result: ClientResult;
  let brokerAddress: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pulsejet-ali-ons-'));
    app = spawnApp('apps/broker/src/start.ts', ['--namesrvPort', '0', '--listenPort', '0', '--storePathRootDir', join(dir, 'data'), '--logLevel', 'warn']);
    const [, namesrvAddr] = await waitForLine(app, /NameServer listening on (\S+)/);
    const [, brokerAddr] = await waitForLine(app, /Broker broker-a listening on (\S+)/);
    brokerAddress = brokerAddr!;

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

    const args: ClientArgs = { namesrvAddr: namesrvAddr!, topic: TOPIC, count: COUNT, failKey: FAIL_KEY, bigKey: BIG_KEY, delayKey: DELAY_KEY, delayLevel: DELAY_LEVEL, timeoutMs: 45_000 };
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
    for (const r of undelayed(result.clustering)) byKey.set(r.keys, [...(byKey.get(r.keys) ?? []), r]);
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
    const keys = undelayed(result.broadcasting).map((r) => r.keys).sort();
    expect(keys).toEqual(result.sent.map((s) => s.key).sort());
    const sentById = new Map(result.sent.map((s) => [s.msgId, s]));
    for (const r of undelayed(result.broadcasting)) expect(sentById.get(r.msgId)).toMatchObject({ key: r.keys, body: r.body, tags: r.tags });
  });

  // ali-ons' msgId is the offset msgId of the record it pulled. A delayed message is stored twice (a
  // SCHEDULE_TOPIC_XXXX entry at send, its delivered copy when due), so, as with a Java broker, the
  // send's msgId names the schedule entry and the consumer's names the delivered copy. Both are
  // checked against what the broker holds at those offsets.
  it('delivers a message sent with delayTimeLevel once per group, not before its level has passed', async () => {
    const delayMs = parseMessageDelayLevel(DEFAULT_MESSAGE_DELAY_LEVEL)[DELAY_LEVEL - 1]!;
    const got = result.clustering.filter((r) => r.keys === DELAY_KEY);
    expect(got).toHaveLength(1);
    const delivered = got[0]!;
    expect(delivered).toMatchObject({ topic: TOPIC, tags: result.delayed.tags, body: result.delayed.body, reconsumeTimes: 0 });
    expect(delivered.storeTimestamp - delivered.bornTimestamp).toBeGreaterThanOrEqual(delayMs);
    const broadcast = result.broadcasting.filter((r) => r.keys === DELAY_KEY);
    expect(broadcast).toHaveLength(1);
    expect(broadcast[0]).toMatchObject({ msgId: delivered.msgId, body: delivered.body, storeTimestamp: delivered.storeTimestamp });

    const admin = new TcpRemotingClient({ log: () => undefined });
    const view = async (msgId: string): Promise<StoredMessage> => {
      const { storeHost, physicalOffset } = decodeOffsetMessageId(msgId);
      expect(`${storeHost.address}:${storeHost.port}`).toBe(brokerAddress);
      const reply = await admin.request(brokerAddress, createRequest(RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(physicalOffset) }), 5000);
      expect(reply.code).toBe(ResponseCode.SUCCESS);
      return decodeStoredRecord(reply.body!);
    };
    try {
      const scheduled = await view(result.delayed.msgId);
      expect(scheduled.topic).toBe(SCHEDULE_TOPIC);
      expect(scheduled.properties).toMatchObject({ [MessageConst.REAL_TOPIC]: TOPIC, [MessageConst.DELAY_TIME_LEVEL]: String(DELAY_LEVEL), [MessageConst.KEYS]: DELAY_KEY });
      const copy = await view(delivered.msgId);
      expect(copy.topic).toBe(TOPIC);
      expect(copy.body.toString('utf8')).toBe(result.delayed.body);
      expect(copy.properties[MessageConst.DELAY_TIME_LEVEL]).toBeUndefined();
      expect(copy.storeTimestamp).toBe(delivered.storeTimestamp);
      expect(copy.bornTimestamp).toBe(scheduled.bornTimestamp);
      // Due time is the schedule entry's store time plus the level's delay.
      expect(copy.storeTimestamp).toBeGreaterThanOrEqual(scheduled.storeTimestamp + delayMs);
    } finally {
      await admin.close();
    }
  });

  it('reports no ali-ons errors beyond the expected ones', () => {
    // Expected: the %RETRY% route is missing until the first heartbeat creates it (reference §8.1.3),
    // and the deliberate handler failure. A failed CONSUMER_SEND_MSG_BACK (36) would show here too:
    // ali-ons then re-publishes to %RETRY% itself (reference §3.10), so the retry alone can't tell.
    const unexpected = result.errors.filter((e) => !/No topic route info in name server for the topic: %RETRY%/.test(e) && !/deliberate failure/.test(e));
    expect(unexpected).toEqual([]);
  });
});
