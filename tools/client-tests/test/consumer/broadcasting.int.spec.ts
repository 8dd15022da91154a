// Broadcasting: every instance of the group gets every message; offsets live in a local file, so
// a restarted instance resumes where it stopped; consumeFromWhere decides where a new one starts.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PushConsumer, type PushConsumerOptions } from '@pulsejet/client';
import type { RemotingClient } from '@pulsejet/remoting';
import { TRANSPORTS, startCluster, uniqueName, type TestCluster } from '../cluster';
import { FAST, TestSender, delay, waitFor } from './helpers';

jest.setTimeout(60_000);

describe.each(TRANSPORTS)('PushConsumer broadcasting (%s)', (transport) => {
  let cluster: TestCluster;
  let sender: TestSender;
  let dir: string;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    cluster = await startCluster(transport);
    sender = await TestSender.start(cluster);
    dir = mkdtempSync(join(tmpdir(), 'pj-broadcast-'));
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await sender.close();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function consumer(options: Partial<PushConsumerOptions> & { groupName: string }): PushConsumer {
    const remoting: RemotingClient = cluster.newRemotingClient();
    const c = new PushConsumer({ namesrvAddr: cluster.namesrvAddr, remoting, messageModel: 'BROADCASTING', offsetStoreDir: dir, ...FAST, ...options });
    closers.push(async () => {
      await c.close();
      await remoting.close();
    });
    return c;
  }

  it('delivers every message to every instance and resumes from the local offset file', async () => {
    const topic = uniqueName('Bcast');
    const group = uniqueName('G');
    await cluster.createTopic(topic, 4);
    await sender.sendMany(topic, 5, 4, 'old'); // before start: skipped (CONSUME_FROM_LAST_OFFSET)
    const got = { a: [] as string[], b: [] as string[] };
    const a = consumer({ groupName: group, instanceName: 'a' }).subscribe(topic, '*', (m) => {
      got.a.push(m.text());
    });
    const b = consumer({ groupName: group, instanceName: 'b' }).subscribe(topic, '*', (m) => {
      got.b.push(m.text());
    });
    await a.start();
    await b.start();
    // Broadcasting owns every queue, and no retry topic.
    await waitFor(() => a.stats().queues === 4 && b.stats().queues === 4, 'both instances to own the 4 queues');
    const bodies = await sender.sendMany(topic, 20, 4, 'new');
    await waitFor(() => got.a.length >= 20 && got.b.length >= 20, 'both instances to get all 20');
    expect(got.a.sort()).toEqual([...bodies].sort());
    expect(got.b.sort()).toEqual([...bodies].sort());

    await a.close();
    const file = join(dir, `127.0.0.1@a`, group, 'offsets.json');
    expect(existsSync(file)).toBe(true);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { offsetTable: { queueId: number; offset: number }[] };
    expect(saved.offsetTable.map((e) => e.offset).reduce((x, y) => x + y, 0)).toBe(25);

    await sender.sendMany(topic, 8, 4, 'while-away');
    const again: string[] = [];
    const a2 = consumer({ groupName: group, instanceName: 'a' }).subscribe(topic, '*', (m) => {
      again.push(m.text());
    });
    await a2.start();
    await waitFor(() => again.length >= 8, 'the 8 messages sent while a was away');
    await delay(200);
    expect(again.sort()).toEqual(['while-away-0', 'while-away-1', 'while-away-2', 'while-away-3', 'while-away-4', 'while-away-5', 'while-away-6', 'while-away-7']);
  });

  it('starts a new instance where consumeFromWhere says (first offset, timestamp)', async () => {
    const topic = uniqueName('BcastFrom');
    await cluster.createTopic(topic, 1);
    await sender.sendMany(topic, 3, 1, 'early');
    await delay(50);
    const middle = Date.now();
    await delay(50);
    await sender.sendMany(topic, 2, 1, 'late');

    const fromFirst: string[] = [];
    const first = consumer({ groupName: uniqueName('G'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' }).subscribe(topic, '*', (m) => {
      fromFirst.push(m.text());
    });
    const fromTime: string[] = [];
    const timed = consumer({ groupName: uniqueName('G'), consumeFromWhere: 'CONSUME_FROM_TIMESTAMP', consumeTimestamp: middle }).subscribe(topic, '*', (m) => {
      fromTime.push(m.text());
    });
    await first.start();
    await timed.start();
    await waitFor(() => fromFirst.length >= 5 && fromTime.length >= 2, 'both to catch up');
    await delay(200);
    expect(fromFirst).toEqual(['early-0', 'early-1', 'early-2', 'late-0', 'late-1']);
    expect(fromTime).toEqual(['late-0', 'late-1']);
  });

  it('drops a failed message instead of retrying (broadcasting has no retry)', async () => {
    const topic = uniqueName('BcastFail');
    await cluster.createTopic(topic, 1);
    const attempts: string[] = [];
    const c = consumer({ groupName: uniqueName('G') }).subscribe(topic, '*', (m) => {
      attempts.push(m.text());
      throw new Error('nope');
    });
    await c.start();
    await waitFor(() => c.stats().queues === 1, 'the queue');
    await sender.send(topic, { body: 'once' });
    await sender.send(topic, { body: 'twice' });
    await waitFor(() => attempts.length >= 2, 'two deliveries');
    await delay(300);
    expect(attempts).toEqual(['once', 'twice']);
    expect(c.stats().retried).toBe(2);
  });
});
