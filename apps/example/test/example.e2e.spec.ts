// The example service as users run it: `npm run example` (embedded broker in the process) and
// against `npm start`'s broker (PULSEJET_NAMESRV), each a child process. The connected run also
// proves SIGTERM loses no acknowledged work: the first instance is stopped while orders are
// flowing, a second one finishes, and every order ends up notified.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Producer } from '@pulsejet/client';
import { BROKER_START, EXAMPLE_MAIN, spawnApp, stopApp, waitForLine, waitForLines, type AppProcess } from './process-helpers';

jest.setTimeout(180_000);

const NOTIFIED = /^notifications: notified \S+ of (\S+)$/;

function notifiedIds(...apps: AppProcess[]): Set<string> {
  const ids = new Set<string>();
  for (const app of apps) {
    for (const line of app.lines) {
      const match = NOTIFIED.exec(line);
      if (match) ids.add(match[1]!);
    }
  }
  return ids;
}

describe('apps/example', () => {
  const running: AppProcess[] = [];
  afterEach(async () => {
    for (const app of running.splice(0).reverse()) await stopApp(app, 'SIGKILL').catch(() => undefined);
  });

  it('runs embedded: placed orders are billed and notified; SIGTERM exits 0', async () => {
    const app = spawnApp(EXAMPLE_MAIN, [], { EXAMPLE_ORDERS: '4' });
    running.push(app);
    await waitForLine(app, /^example: ready \(embedded, in memory\)/);
    await waitForLines(app, () => notifiedIds(app).size === 4, 'four notifications');
    expect([...notifiedIds(app)].sort()).toEqual(['demo-1', 'demo-2', 'demo-3', 'demo-4']);
    expect(app.lines.filter((line) => line.startsWith('billing: invoiced'))).toHaveLength(4);
    expect(await stopApp(app)).toEqual({ code: 0, signal: null });
    expect(app.lines).toContain('example: example shut down');
  });

  it('runs against npm start; a SIGTERM mid-stream loses no acknowledged order', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pulsejet-example-e2e-'));
    const broker = spawnApp(BROKER_START, ['--namesrvPort', '0', '--listenPort', '0', '--storePathRootDir', dataDir, '--logLevel', 'warn']);
    running.push(broker);
    const producer = (namesrvAddr: string): Producer => new Producer({ groupName: 'example-e2e', namesrvAddr, log: () => undefined });
    let client: Producer | undefined;
    try {
      const [, namesrvAddr] = await waitForLine(broker, /NameServer listening on (\S+)/);
      client = producer(namesrvAddr!);
      await client.start();
      // The topics exist before the service subscribes (`npm start` auto-creates them on first send).
      await client.send({ topic: 'orders', tags: 'warmup', body: 'warm-up' });
      await client.send({ topic: 'invoices', tags: 'warmup', body: { orderId: 'warm-up', customer: 'nobody', total: 0 } });

      const env = { PULSEJET_NAMESRV: namesrvAddr!, EXAMPLE_ORDERS: '0' };
      const first = spawnApp(EXAMPLE_MAIN, [], env);
      running.push(first);
      await waitForLine(first, /^example: ready \(connected to /);
      const ids = Array.from({ length: 40 }, (_, i) => `e2e-${i}`);
      const send = async (batch: readonly string[]): Promise<void> => {
        for (const id of batch) await client!.send({ topic: 'orders', tags: 'created', keys: id, body: { id, customer: `c-${id}`, amount: 100 } });
      };
      await send(ids.slice(0, 10));
      await waitForLines(first, () => notifiedIds(first).size >= 5, 'the first notifications');
      // SIGTERM while orders keep arriving: close() drains what is in flight and commits it.
      const sending = send(ids.slice(10, 30));
      expect(await stopApp(first)).toEqual({ code: 0, signal: null });
      expect(first.lines).toContain('example: example shut down');
      await sending;
      await send(ids.slice(30));
      const billedByFirst = first.lines.filter((line) => line.startsWith('billing: invoiced')).length;
      expect(billedByFirst).toBeGreaterThanOrEqual(5);

      const second = spawnApp(EXAMPLE_MAIN, [], env);
      running.push(second);
      // Nothing the first instance acknowledged is lost, and the second takes over the rest.
      await waitForLines(second, () => ids.every((id) => notifiedIds(first, second).has(id)), 'every order notified by one of the two instances', 120_000);
      expect(second.lines.filter((line) => line.startsWith('billing: invoiced')).length).toBeGreaterThanOrEqual(10);
      expect(await stopApp(second)).toEqual({ code: 0, signal: null });
    } finally {
      await client?.close();
      await stopApp(broker).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
