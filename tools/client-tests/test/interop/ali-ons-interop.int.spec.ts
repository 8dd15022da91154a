// Interoperability with the unmodified npm ali-ons@3.12.0 (dev dependency), both ways, over TCP
// against a real nameserver and broker (cluster.ts):
//   (a) an ali-ons producer → our PushConsumer (clustering),
//   (b) our Producer → an ali-ons push consumer (clustering),
//   (c) our Producer → an ali-ons broadcasting consumer and one of ours in the same group.
// ali-ons runs in a child process (ali-ons-child.ts) because its timers and sockets keep a process
// alive after close(); the child prints one `RESULT {json}` line that the test checks.
//
// msgIds: ali-ons never sets UNIQ_KEY; its send returns, and its consumer reports, the offset msgId
// (store host + commit-log offset). Our producer sets UNIQ_KEY and returns it as `msgId`, the offset
// id as `offsetMsgId`; our ReceivedMessage.msgId is UNIQ_KEY when present, else the offset msgId.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Producer, PushConsumer, type ReceivedMessage, type SendResult } from '@pulsejet/client';
import { MessageConst, MessageSysFlag } from '@pulsejet/protocol';
import { startCluster, uniqueName, type TestCluster } from '../cluster';
import { FAST, waitFor } from '../consumer/helpers';
import type { ChildArgs, ChildResult, OutgoingMessage } from './ali-ons-child';

jest.setTimeout(60_000);

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const CHILD = join('tools', 'client-tests', 'test', 'interop', 'ali-ons-child.ts');
/** Over ali-ons' and our compressOverBytes (4096), and compressible: it travels zlib-compressed. */
const BIG_BODY = 'big-'.padEnd(6000, 'abcdefghij');
const UTF8_BODY = 'héllo wörld ✓ 消息 🚀';

interface Child {
  process: ChildProcess;
  lines: string[];
  stderr: string[];
}

function spawnChild(args: ChildArgs): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  return { process: child, lines, stderr };
}

async function waitForLine(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  let match: RegExpMatchArray | null = null;
  await waitFor(
    () => {
      if (child.process.exitCode !== null && !child.lines.some((line) => pattern.test(line))) {
        throw new Error(`ali-ons child exited with ${child.process.exitCode} before printing ${pattern}; stdout: ${child.lines.join('\n')} stderr: ${child.stderr.join('')}`);
      }
      for (const line of child.lines) match ??= pattern.exec(line);
      return match !== null;
    },
    `ali-ons child line ${pattern}`,
    timeoutMs,
  );
  return match!;
}

async function resultOf(child: Child): Promise<ChildResult> {
  const [, json] = await waitForLine(child, /^RESULT (.*)$/, 45_000);
  return JSON.parse(json!) as ChildResult;
}

function kill(child: Child | undefined): void {
  if (child && child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
}

/** ali-ons reports errors until the %RETRY% route of a new group is visible (reference §11.7). */
function unexpectedErrors(errors: readonly string[]): string[] {
  return errors.filter((e) => !/No topic route info in name server for the topic: %RETRY%/.test(e));
}

describe('interoperability with ali-ons@3.12.0 (tcp)', () => {
  let cluster: TestCluster;
  const children: Child[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    cluster = await startCluster('tcp');
  });
  afterEach(async () => {
    for (const child of children.splice(0)) kill(child);
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await cluster.close();
  });

  it('(a) an ali-ons producer to our PushConsumer: same tags, keys, bodies; msgId is ali-ons offset msgId', async () => {
    const topic = uniqueName('InteropFromAliOns');
    await cluster.createTopic(topic, 4);
    const messages: OutgoingMessage[] = Array.from({ length: 20 }, (_, i) => ({
      tags: i % 2 === 0 ? 'TagA' : 'TagB',
      keys: i === 3 ? [`ka-${i}`, `order-${i}`] : [`ka-${i}`],
      body: i === 5 ? BIG_BODY : `${UTF8_BODY} #${i}`,
    }));

    const got: ReceivedMessage[] = [];
    const remoting = cluster.newRemotingClient();
    const consumer = new PushConsumer({ groupName: uniqueName('GID_interop_a'), namesrvAddr: cluster.namesrvAddr, remoting, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST });
    consumer.subscribe(topic, 'TagA || TagB', (msg) => {
      got.push(msg);
    });
    closers.push(async () => {
      await consumer.close();
      await remoting.close();
    });
    await consumer.start();

    const child = spawnChild({ mode: 'produce', namesrvAddr: cluster.namesrvAddr, topic, messages, timeoutMs: 40_000 });
    children.push(child);
    const result = await resultOf(child);
    expect(unexpectedErrors(result.errors)).toEqual([]);
    expect(result.sent).toHaveLength(messages.length);
    for (const s of result.sent) expect(s).toMatchObject({ sendStatus: 'SEND_OK', msgId: expect.stringMatching(/^[0-9A-F]{32}$/) });

    await waitFor(() => new Set(got.map((m) => m.keys.join(' '))).size === messages.length, 'every ali-ons message at our consumer');
    // Once each (no redelivery, nothing extra).
    expect(got).toHaveLength(messages.length);
    const byKeys = new Map(got.map((m) => [m.keys.join(' '), m]));
    messages.forEach((m, i) => {
      const sent = result.sent[i]!;
      const msg = byKeys.get(m.keys.join(' '))!;
      expect(msg).toMatchObject({ topic, tags: m.tags, keys: m.keys, reconsumeTimes: 0, queueOffset: sent.queueOffset });
      expect(msg.queue.queueId).toBe(sent.queueId);
      expect(msg.text()).toBe(m.body);
      // No UNIQ_KEY from ali-ons, so both of our ids are the offset msgId ali-ons returned.
      expect(msg.properties[MessageConst.UNIQ_KEY]).toBeUndefined();
      expect(msg.offsetMsgId).toBe(sent.msgId);
      expect(msg.msgId).toBe(sent.msgId);
    });
    // The big body travelled compressed (ali-ons deflates at 4096) and came out equal.
    const big = byKeys.get('ka-5')!;
    expect(big.sysFlag & MessageSysFlag.COMPRESSED).toBe(MessageSysFlag.COMPRESSED);
    expect(big.body.length).toBe(Buffer.byteLength(BIG_BODY));
    expect(byKeys.get('ka-0')!.sysFlag & MessageSysFlag.COMPRESSED).toBe(0);
  });

  it('(b) our Producer to an ali-ons push consumer: same tags, keys, properties, bodies; ali-ons msgId is our offsetMsgId', async () => {
    const topic = uniqueName('InteropToAliOns');
    await cluster.createTopic(topic, 4);
    const remoting = cluster.newRemotingClient();
    const producer = new Producer({ groupName: uniqueName('PID_interop_b'), namesrvAddr: cluster.namesrvAddr, remoting, ownsRemoting: true });
    closers.push(() => producer.close());
    await producer.start();

    const json = { id: 7, items: ['a', 'é'], nested: { ok: true } };
    const outgoing = [
      { topic, tags: 'TagA', keys: ['kb-text'], properties: { region: 'eu', tenant: 'acme' }, body: UTF8_BODY },
      { topic, tags: 'TagB', keys: ['kb-json', 'order-7'], body: json },
      { topic, tags: 'TagA', keys: 'kb-big', body: BIG_BODY },
      { topic, tags: 'TagB', keys: ['kb-buffer'], body: Buffer.from([0x00, 0x01, 0x7f, 0x41]) },
      ...Array.from({ length: 12 }, (_, i) => ({ topic, tags: i % 2 === 0 ? 'TagA' : 'TagB', keys: [`kb-${i}`], body: `${UTF8_BODY} #${i}` })),
    ];
    const keysOf = (keys: string | string[]): string => (Array.isArray(keys) ? keys.join(' ') : keys);
    const child = spawnChild({
      mode: 'consume',
      namesrvAddr: cluster.namesrvAddr,
      topic,
      group: uniqueName('GID_interop_b'),
      expectKeys: outgoing.map((m) => keysOf(m.keys)),
      timeoutMs: 40_000,
    });
    children.push(child);
    await waitForLine(child, /^READY$/, 30_000);

    const sent: SendResult[] = [];
    for (const m of outgoing) sent.push(await producer.send(m));
    const result = await resultOf(child);
    expect(result.timedOut).toBe(false);
    expect(unexpectedErrors(result.errors)).toEqual([]);
    // Once each.
    expect(result.received.map((r) => r.keys).sort()).toEqual(outgoing.map((m) => keysOf(m.keys)).sort());

    const byKeys = new Map(result.received.map((r) => [r.keys, r]));
    outgoing.forEach((m, i) => {
      const r = byKeys.get(keysOf(m.keys))!;
      const s = sent[i]!;
      expect(r).toMatchObject({ topic, tags: m.tags, reconsumeTimes: 0 });
      // ali-ons computes the offset msgId from the pulled record; our UNIQ_KEY reaches it as a property.
      expect(r.msgId).toBe(s.offsetMsgId);
      expect(r.properties[MessageConst.UNIQ_KEY]).toBe(s.msgId);
      if (typeof m.body === 'string') expect(r.body).toBe(m.body);
    });
    const text = byKeys.get('kb-text')!;
    expect(text.properties).toMatchObject({ region: 'eu', tenant: 'acme' });
    const jsonMsg = byKeys.get('kb-json order-7')!;
    expect(JSON.parse(jsonMsg.body)).toEqual(json);
    expect(jsonMsg.properties['CONTENT_TYPE']).toBe('application/json');
    // ali-ons inflated our compressed body.
    expect(byKeys.get('kb-big')!.body).toBe(BIG_BODY);
    expect(Buffer.from(byKeys.get('kb-buffer')!.body, 'utf8')).toEqual(Buffer.from([0x00, 0x01, 0x7f, 0x41]));
  });

  it('(c) broadcasting: an ali-ons consumer and ours in one group each get every message', async () => {
    const topic = uniqueName('InteropBroadcast');
    await cluster.createTopic(topic, 4);
    const group = uniqueName('GID_interop_c');
    const producerRemoting = cluster.newRemotingClient();
    const producer = new Producer({ groupName: uniqueName('PID_interop_c'), namesrvAddr: cluster.namesrvAddr, remoting: producerRemoting, ownsRemoting: true });
    closers.push(() => producer.close());
    await producer.start();
    const got: ReceivedMessage[] = [];
    const remoting = cluster.newRemotingClient();
    const consumer = new PushConsumer({ groupName: group, namesrvAddr: cluster.namesrvAddr, remoting, messageModel: 'BROADCASTING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST });
    consumer.subscribe(topic, '*', (msg) => {
      got.push(msg);
    });
    closers.push(async () => {
      await consumer.close();
      await remoting.close();
    });
    await consumer.start();

    const keys = Array.from({ length: 12 }, (_, i) => `kc-${i}`);
    const child = spawnChild({ mode: 'consume', namesrvAddr: cluster.namesrvAddr, topic, group, broadcast: true, expectKeys: keys, timeoutMs: 40_000 });
    children.push(child);
    await waitForLine(child, /^READY$/, 30_000);
    const sent = new Map<string, SendResult>();
    for (const key of keys) sent.set(key, await producer.send({ topic, tags: 'TagC', keys: key, body: `broadcast ${key}` }));

    const result = await resultOf(child);
    expect(result.timedOut).toBe(false);
    expect(unexpectedErrors(result.errors)).toEqual([]);
    await waitFor(() => got.length >= keys.length, 'every message at our broadcasting consumer');
    expect(result.received.map((r) => r.keys).sort()).toEqual([...keys].sort());
    expect(got.map((m) => m.keys.join(' ')).sort()).toEqual([...keys].sort());
    for (const r of result.received) expect(r).toMatchObject({ tags: 'TagC', body: `broadcast ${r.keys}`, msgId: sent.get(r.keys)!.offsetMsgId });
    for (const m of got) expect(m).toMatchObject({ tags: 'TagC', msgId: sent.get(m.keys[0]!)!.msgId });
  });
});
