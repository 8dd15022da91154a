// Child process for ali-ons.int.spec.ts: drives an unmodified ali-ons@3.12.0 (producer, two
// clustering consumers of one group, one broadcasting consumer; one message with a delay level)
// against a running Pulsejet, then prints one JSON line `RESULT {...}` and exits. It runs outside
// Jest because ali-ons leaves timers and sockets behind that keep a process alive (apps/namesrv/test
// found this).
// Usage: node --import tsx ali-ons-client.ts '<json ClientArgs>'
import { Consumer, Message, Producer, type AliOnsMessage } from 'ali-ons';

export interface ClientArgs {
  namesrvAddr: string;
  topic: string;
  count: number;
  /** Key of the message the first clustering handler to see it throws for, once. */
  failKey: string;
  /** Key of the message that gets the >4 KiB (compressed) body. */
  bigKey: string;
  /** Key of one extra message sent with Message#delayTimeLevel = delayLevel (not counted in `count`). */
  delayKey: string;
  delayLevel: number;
  timeoutMs: number;
}

export interface Received {
  consumer: string;
  msgId: string;
  originMsgId?: string;
  topic: string;
  queueId: number;
  tags: string;
  keys: string;
  body: string;
  reconsumeTimes: number;
  bornTimestamp: number;
  storeTimestamp: number;
}

export interface SentMessage {
  key: string;
  tags: string;
  msgId: string;
  body: string;
  queue: string;
}

export interface ClientResult {
  sent: SentMessage[];
  /** The delayed message (delayKey), as sent. */
  delayed: SentMessage;
  clustering: Received[];
  broadcasting: Received[];
  failedOnce: string[];
  /** Queues each consumer held at the end (topic/brokerName/queueId). */
  allocation: Record<string, string[]>;
  errors: string[];
  timedOut: boolean;
  elapsedMs: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ClientArgs;
const started = Date.now();
const errors: string[] = [];
const noop = (): void => undefined;
const logger = { info: noop, warn: noop, debug: noop, error: noop };
const base = {
  nameSrv: [args.namesrvAddr],
  httpclient: {}, // asserted by ali-ons even when nameSrv is given (reference §10.1)
  logger,
  pollNameServerInteval: 1000,
  heartbeatBrokerInterval: 1000,
  rebalanceInterval: 1000,
  persistConsumerOffsetInterval: 1000,
};

export const bodyOf = (i: number, bigKey: string): string => {
  const key = `key-${i}`;
  return key === bigKey ? `big-${i}-`.padEnd(6000, 'abcdefghij') : `body-${i}`;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(cond: () => boolean, deadline: number): Promise<boolean> {
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

function record(consumer: string, msg: AliOnsMessage): Received {
  return {
    consumer,
    msgId: msg.msgId,
    ...(msg.originMessageId ? { originMsgId: msg.originMessageId } : {}),
    topic: msg.topic,
    queueId: msg.queueId,
    tags: msg.tags,
    keys: msg.keys,
    body: msg.body.toString('utf8'),
    reconsumeTimes: msg.reconsumeTimes,
    bornTimestamp: msg.bornTimestamp,
    storeTimestamp: msg.storeTimestamp,
  };
}

async function main(): Promise<ClientResult> {
  const deadline = started + args.timeoutMs;
  const clustering: Received[] = [];
  const broadcasting: Received[] = [];
  const failedOnce: string[] = [];
  const group = `GID_compat_${process.pid}`;
  const consumers: Record<string, Consumer> = {};
  const onError = (name: string) => (error: Error) => {
    if (errors.length < 50) errors.push(`${name}: ${error.message}`);
  };

  for (const name of ['c1', 'c2']) {
    const consumer = new Consumer({ ...base, instanceName: name, consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    consumer.on('error', onError(name));
    consumers[name] = consumer;
  }
  const bc = new Consumer({ ...base, instanceName: 'b1', consumerGroup: `${group}_bc`, isBroadcast: true, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
  bc.on('error', onError('b1'));
  consumers['b1'] = bc;
  await Promise.all(Object.values(consumers).map((c) => c.ready()));

  for (const name of ['c1', 'c2']) {
    consumers[name]!.subscribe(args.topic, 'TagA || TagB', async (msg: AliOnsMessage) => {
      clustering.push(record(name, msg));
      if (msg.keys === args.failKey && failedOnce.length === 0) {
        failedOnce.push(name);
        throw new Error(`deliberate failure of ${args.failKey}`);
      }
    });
  }
  bc.subscribe(args.topic, '*', async (msg: AliOnsMessage) => {
    broadcasting.push(record('b1', msg));
  });

  const allocation = (): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    for (const [name, c] of Object.entries(consumers)) out[name] = [...c._processQueueTable.keys()].filter((k) => k.includes(`topic="${args.topic}"`)).sort();
    return out;
  };
  // Both clustering consumers hold queues of the topic before anything is sent (a few rebalances).
  await waitFor(() => {
    const a = allocation();
    return (a['c1']?.length ?? 0) > 0 && (a['c2']?.length ?? 0) > 0 && (a['c1']!.length + a['c2']!.length) === 4 && (a['b1']?.length ?? 0) === 4;
  }, Math.min(deadline, Date.now() + 15_000));

  const producer = new Producer({ ...base, instanceName: 'p1', producerGroup: `PID_compat_${process.pid}` });
  producer.on('error', onError('p1'));
  await producer.ready();
  // The delayed message goes first, so its delay overlaps the rest of the run.
  const delayedMsg = new Message(args.topic, 'TagA', `delayed-${args.delayLevel}`);
  delayedMsg.keys = [args.delayKey];
  delayedMsg.delayTimeLevel = args.delayLevel;
  const delayedResult = await producer.send(delayedMsg);
  const delayed: SentMessage = {
    key: args.delayKey,
    tags: 'TagA',
    msgId: delayedResult.msgId,
    body: `delayed-${args.delayLevel}`,
    queue: `${delayedResult.messageQueue.brokerName}/${delayedResult.messageQueue.queueId}`,
  };
  const sent: SentMessage[] = [];
  for (let i = 0; i < args.count; i++) {
    const tags = i % 2 === 0 ? 'TagA' : 'TagB';
    const msg = new Message(args.topic, tags, bodyOf(i, args.bigKey));
    msg.keys = [`key-${i}`];
    const result = await producer.send(msg);
    sent.push({ key: `key-${i}`, tags, msgId: result.msgId, body: bodyOf(i, args.bigKey), queue: `${result.messageQueue.brokerName}/${result.messageQueue.queueId}` });
  }

  const keysSeen = (list: Received[]): Set<string> => new Set(list.map((r) => r.keys));
  const done = await waitFor(
    () =>
      keysSeen(clustering).size >= args.count + 1 &&
      keysSeen(broadcasting).size >= args.count + 1 &&
      clustering.filter((r) => r.keys === args.failKey).length >= 2,
    deadline,
  );
  // A little longer, to see duplicates that would arrive late.
  await sleep(1500);
  const finalAllocation = allocation();
  await Promise.race([Promise.all([producer, ...Object.values(consumers)].map((c) => c.close().catch(onError('close')))), sleep(3000)]);
  return { sent, delayed, clustering, broadcasting, failedOnce, allocation: finalAllocation, errors, timedOut: !done, elapsedMs: Date.now() - started };
}

main().then(
  (result) => {
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
  },
  (error: unknown) => {
    process.stdout.write(`FAILED ${JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error), errors })}\n`, () => process.exit(1));
  },
);
