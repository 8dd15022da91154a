// Child process for ali-ons-interop.int.spec.ts: an unmodified ali-ons@3.12.0 producer or push
// consumer against the test's nameserver and broker. It runs outside Jest because ali-ons leaves
// timers and sockets behind after close() that keep a process alive (apps/namesrv/test found this).
//   produce: sends args.messages in order, prints `RESULT {sent}` and exits.
//   consume: subscribes (clustering or broadcasting), prints `READY`, prints `RESULT {received}`
//            once every expected key arrived (or the deadline passed) and exits.
// Usage: node --import tsx ali-ons-child.ts '<json ChildArgs>'
import { Consumer, Message, Producer, type AliOnsMessage } from 'ali-ons';

export interface OutgoingMessage {
  tags: string;
  keys: string[];
  body: string;
}

export interface ChildArgs {
  mode: 'produce' | 'consume';
  namesrvAddr: string;
  topic: string;
  /** produce: what to send, in order. */
  messages?: OutgoingMessage[];
  /** consume: the KEYS values to wait for. */
  expectKeys?: string[];
  /** consume: the ali-ons consumer group. */
  group?: string;
  broadcast?: boolean;
  timeoutMs: number;
}

export interface AliOnsSent {
  keys: string;
  tags: string;
  /** What ali-ons' send returned: the offset msgId (ali-ons never sets UNIQ_KEY). */
  msgId: string;
  queueId: number;
  queueOffset: number;
  sendStatus: string;
}

export interface AliOnsReceived {
  msgId: string;
  topic: string;
  tags: string;
  keys: string;
  body: string;
  reconsumeTimes: number;
  properties: Record<string, string>;
}

export interface ChildResult {
  sent: AliOnsSent[];
  received: AliOnsReceived[];
  errors: string[];
  timedOut: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const deadline = Date.now() + args.timeoutMs;
const errors: string[] = [];
const noop = (): void => undefined;
const base = {
  nameSrv: [args.namesrvAddr],
  httpclient: {}, // asserted by ali-ons even when nameSrv is given (reference §10.1)
  logger: { info: noop, warn: noop, debug: noop, error: noop },
  pollNameServerInteval: 1000,
  heartbeatBrokerInterval: 1000,
  rebalanceInterval: 1000,
  persistConsumerOffsetInterval: 1000,
};
const onError = (name: string) => (error: Error) => {
  if (errors.length < 50) errors.push(`${name}: ${error.message}`);
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function closeAll(clients: { close(): Promise<void> }[]): Promise<void> {
  await Promise.race([Promise.all(clients.map((c) => c.close().catch(onError('close')))), sleep(3000)]);
}

async function produce(): Promise<ChildResult> {
  const producer = new Producer({ ...base, instanceName: `interop_p_${process.pid}`, producerGroup: `PID_interop_${process.pid}` });
  producer.on('error', onError('producer'));
  await producer.ready();
  const sent: AliOnsSent[] = [];
  for (const m of args.messages ?? []) {
    const msg = new Message(args.topic, m.tags, m.body);
    msg.keys = m.keys;
    const result = await producer.send(msg);
    sent.push({ keys: m.keys.join(' '), tags: m.tags, msgId: result.msgId, queueId: Number(result.messageQueue.queueId), queueOffset: Number(result.queueOffset), sendStatus: result.sendStatus });
  }
  await closeAll([producer]);
  return { sent, received: [], errors, timedOut: false };
}

async function consume(): Promise<ChildResult> {
  const consumer = new Consumer({
    ...base,
    instanceName: `interop_c_${process.pid}`,
    consumerGroup: args.group,
    isBroadcast: args.broadcast === true,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  });
  consumer.on('error', onError('consumer'));
  await consumer.ready();
  const received: AliOnsReceived[] = [];
  consumer.subscribe(args.topic, '*', async (msg: AliOnsMessage) => {
    received.push({
      msgId: msg.msgId,
      topic: msg.topic,
      tags: msg.tags,
      keys: msg.keys,
      body: msg.body.toString('utf8'),
      reconsumeTimes: msg.reconsumeTimes,
      properties: msg.properties,
    });
  });
  process.stdout.write('READY\n');
  const expected = new Set(args.expectKeys ?? []);
  let timedOut = false;
  while (![...expected].every((key) => received.some((r) => r.keys === key))) {
    if (Date.now() > deadline) {
      timedOut = true;
      break;
    }
    await sleep(50);
  }
  // A little longer, to see duplicates that would arrive late.
  if (!timedOut) await sleep(1000);
  await closeAll([consumer]);
  return { sent: [], received, errors, timedOut };
}

(args.mode === 'produce' ? produce() : consume()).then(
  (result) => {
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
  },
  (error: unknown) => {
    process.stdout.write(`FAILED ${JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error), errors })}\n`, () => process.exit(1));
  },
);
