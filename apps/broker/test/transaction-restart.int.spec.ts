// Transactional messages survive a broker process crash: the real apps/broker process (broker.conf
// with short transactionCheckInterval/transactionTimeOut) gets a half message, is SIGKILLed (no
// shutdown hook, no final flush), and is restarted on the same data directory. A producer over raw
// TCP (HEART_BEAT with its producer group, a CHECK_TRANSACTION_STATE processor answering with a oneway
// END_TRANSACTION, as Java's TransactionMQProducer does) then decides the half's fate.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MessageSysFlag,
  RequestCode,
  ResponseCode,
  createRequest,
  decodeOffsetMessageId,
  decodeStoredRecord,
  decodeStoredRecords,
  encodeProperties,
  type RemotingCommand,
  type StoredMessage,
} from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { freePort, spawnApp, stopApp, waitForLine, type AppProcess } from './process-helpers';

jest.setTimeout(180_000);

const REQUEST_TIMEOUT_MS = 10_000;
const WAIT_MS = 60_000;

interface HalfRef {
  group: string;
  msgId: string;
  commitLogOffset: number;
  tranStateTableOffset: number;
  uniqKey: string;
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function endTransaction(ref: HalfRef, type: number, fromTransactionCheck: boolean, oneway: boolean): RemotingCommand {
  return createRequest(
    RequestCode.END_TRANSACTION,
    {
      producerGroup: ref.group,
      tranStateTableOffset: String(ref.tranStateTableOffset),
      commitLogOffset: String(ref.commitLogOffset),
      commitOrRollback: String(type),
      fromTransactionCheck: String(fromTransactionCheck),
      msgId: ref.uniqKey,
      transactionId: ref.uniqKey,
    },
    undefined,
    { oneway },
  );
}

/** A transactional producer: heartbeats its group and answers every check with `answer`. */
class TxProducer {
  readonly client = new TcpRemotingClient();
  readonly checks: Array<{ header: Record<string, string>; message: StoredMessage }> = [];

  constructor(
    private readonly brokerAddr: string,
    readonly group: string,
    answer: number | undefined,
  ) {
    this.client.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (request) => {
      const header = { ...request.extFields };
      this.checks.push({ header, message: decodeStoredRecord(request.body!) });
      if (answer !== undefined) {
        const ref: HalfRef = {
          group,
          msgId: header['offsetMsgId']!,
          commitLogOffset: Number(header['commitLogOffset']),
          tranStateTableOffset: Number(header['tranStateTableOffset']),
          uniqKey: header['msgId']!,
        };
        this.client.oneway(brokerAddr, endTransaction(ref, answer, true, true)).catch(() => undefined);
      }
      return undefined;
    });
  }

  async heartbeat(): Promise<void> {
    const body = Buffer.from(JSON.stringify({ clientID: `127.0.0.1@${this.group}`, consumerDataSet: [], producerDataSet: [{ groupName: this.group }] }));
    const reply = await this.client.request(this.brokerAddr, createRequest(RequestCode.HEART_BEAT, {}, body), REQUEST_TIMEOUT_MS);
    expect(reply.code).toBe(ResponseCode.SUCCESS);
  }

  checksOf(ref: HalfRef): number {
    return this.checks.filter((check) => Number(check.header['commitLogOffset']) === ref.commitLogOffset).length;
  }
}

describe('apps/broker: transactional messages across a SIGKILL restart', () => {
  let dir: string;
  let client: TcpRemotingClient;
  const apps: AppProcess[] = [];
  const producers: TxProducer[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulsejet-tx-restart-'));
    client = new TcpRemotingClient();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await stopApp(app, 'SIGKILL').catch(() => undefined);
    for (const producer of producers.splice(0)) await producer.client.close();
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function writeConf(): string {
    const conf = join(dir, 'broker.conf');
    writeFileSync(
      conf,
      [
        'brokerName=broker-tx',
        'brokerRole=ASYNC_MASTER',
        'flushDiskType=ASYNC_FLUSH',
        'bindAddress=127.0.0.1',
        `storePathRootDir=${join(dir, 'store')}`,
        'mappedFileSizeCommitLog=16777216',
        // Checks every 300 ms once a half is 500 ms old; a high maximum so the checks counted while
        // the producer reconnects after the crash cannot discard the half.
        'transactionCheckInterval=300',
        'transactionTimeOut=500',
        'transactionCheckMax=100',
        'logLevel=info',
      ].join('\n'),
    );
    return conf;
  }

  async function startBroker(conf: string): Promise<string> {
    const port = await freePort();
    const app = spawnApp('apps/broker/src/main.ts', ['-c', conf, '--listenPort', String(port), '--haListenPort', '0']);
    apps.push(app);
    await waitForLine(app, /boot success/, 60_000);
    return `127.0.0.1:${port}`;
  }

  async function kill(): Promise<void> {
    const app = apps.pop();
    if (!app) throw new Error('no broker to kill');
    expect(await stopApp(app, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
  }

  async function producer(addr: string, group: string, answer?: number): Promise<TxProducer> {
    const p = new TxProducer(addr, group, answer);
    producers.push(p);
    await p.heartbeat();
    return p;
  }

  async function sendHalf(addr: string, topic: string, group: string, id: string): Promise<HalfRef> {
    const properties = { TAGS: 'TagTx', KEYS: id, UNIQ_KEY: `UNIQ-${id}`, TRAN_MSG: 'true', PGROUP: group };
    const reply = await client.request(
      addr,
      createRequest(
        RequestCode.SEND_MESSAGE_V2,
        { a: group, b: topic, c: 'TBW102', d: '1', e: '0', f: String(MessageSysFlag.TRANSACTION_PREPARED_TYPE), g: String(Date.now()), h: '0', i: encodeProperties(properties), j: '0', k: 'false' },
        Buffer.from(id),
      ),
      REQUEST_TIMEOUT_MS,
    );
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const msgId = reply.extFields['msgId']!;
    return { group, msgId, commitLogOffset: decodeOffsetMessageId(msgId).physicalOffset, tranStateTableOffset: Number(reply.extFields['queueOffset']), uniqKey: `UNIQ-${id}` };
  }

  async function pullAll(addr: string, topic: string): Promise<StoredMessage[]> {
    const reply = await client.request(
      addr,
      createRequest(RequestCode.PULL_MESSAGE, {
        consumerGroup: 'GID_tx_restart',
        topic,
        queueId: '0',
        queueOffset: '0',
        maxMsgNums: '32',
        sysFlag: '4',
        commitOffset: '0',
        suspendTimeoutMillis: '0',
        subscription: '*',
        subVersion: '0',
      }),
      REQUEST_TIMEOUT_MS,
    );
    if (reply.code === ResponseCode.TOPIC_NOT_EXIST || reply.code === ResponseCode.PULL_NOT_FOUND) return [];
    if (reply.code !== ResponseCode.SUCCESS || !reply.body) throw new Error(`PULL_MESSAGE answered ${reply.code} ${reply.remark ?? ''}`);
    return decodeStoredRecords(reply.body);
  }

  /**
   * Waits for `rounds` more check rounds, witnessed by a probe half whose producer never answers (each
   * round checks it once), then rolls the probe back.
   */
  async function witnessCheckRounds(addr: string, rounds: number): Promise<void> {
    const probe = await producer(addr, `PID_probe_${producers.length}`);
    const ref = await sendHalf(addr, `TxProbe_${process.pid}`, probe.group, `probe-${producers.length}`);
    await waitFor(() => (probe.checksOf(ref) >= rounds ? true : undefined), `${rounds} check rounds`);
    const end = await client.request(addr, endTransaction(ref, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE, false, false), REQUEST_TIMEOUT_MS);
    expect(end.code).toBe(ResponseCode.SUCCESS);
  }

  it('checks a half sent before the crash back with its producer after the restart, and delivers it exactly once', async () => {
    const conf = writeConf();
    const topic = `TxCrashOpen_${process.pid}`;
    const group = 'PID_tx_crash_open';
    let addr = await startBroker(conf);
    const ref = await sendHalf(addr, topic, group, 'open-1');
    expect(await pullAll(addr, topic)).toEqual([]);
    await kill();

    addr = await startBroker(conf);
    const p = await producer(addr, group, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    const [delivered] = await waitFor(async () => {
      const messages = await pullAll(addr, topic);
      return messages.length > 0 ? messages : undefined;
    }, 'the half committed through check-back after the restart');
    expect(p.checksOf(ref)).toBeGreaterThan(0);
    expect(delivered!.body.toString()).toBe('open-1');
    expect(delivered!.properties).toMatchObject({ TAGS: 'TagTx', KEYS: 'open-1', UNIQ_KEY: 'UNIQ-open-1' });
    expect(delivered!.properties['TRAN_MSG']).toBeUndefined();

    // Later rounds neither deliver it again nor keep asking (a check answered before the commit was
    // recorded may be repeated once; its answer is acknowledged without a second copy).
    await witnessCheckRounds(addr, 2);
    const checksSettled = p.checksOf(ref);
    await witnessCheckRounds(addr, 2);
    expect(p.checksOf(ref)).toBe(checksSettled);
    expect((await pullAll(addr, topic)).map((m) => m.body.toString())).toEqual(['open-1']);
  });

  it('keeps a half rolled back before the crash rolled back after the restart: nothing delivered, no checks', async () => {
    const conf = writeConf();
    const topic = `TxCrashRolledBack_${process.pid}`;
    const group = 'PID_tx_crash_rollback';
    let addr = await startBroker(conf);
    const ref = await sendHalf(addr, topic, group, 'rb-1');
    const end = await client.request(addr, endTransaction(ref, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE, false, false), REQUEST_TIMEOUT_MS);
    expect(end.code).toBe(ResponseCode.SUCCESS);
    await kill();

    addr = await startBroker(conf);
    // It would commit anything it were asked about: it must not be asked.
    const p = await producer(addr, group, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    await witnessCheckRounds(addr, 3);
    expect(p.checks).toEqual([]);
    expect(await pullAll(addr, topic)).toEqual([]);
    const late = await client.request(addr, endTransaction(ref, MessageSysFlag.TRANSACTION_COMMIT_TYPE, false, false), REQUEST_TIMEOUT_MS);
    expect(late.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(late.remark).toMatch(/rolled back/);
    expect(await pullAll(addr, topic)).toEqual([]);
  });
});
