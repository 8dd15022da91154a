// The producer side of the broker benchmark: SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE requests as a
// RocketMQ producer builds them (reference §3.8), N callers each awaiting one request at a time on
// one connection, queues chosen round robin. Requests are built by the Producer's own
// sendMessageRequest and sendBatchRequest, and get their header encoding by its applySerializeType:
// binary ROCKETMQ, as Pulsejet's Producer sends them, unless a row asks for JSON (what Java clients
// and ali-ons send).
import * as client from '@pulsejet/client';
import type { SendHeaderInput } from '@pulsejet/client';
import { ResponseCode, encodeMessageBatch, encodeProperties } from '@pulsejet/protocol';
import type { RemotingCommand } from '@pulsejet/protocol';
import { CLIENT_SERIALIZE_TYPE } from './broker-bench-config';
import type { RemotingClient } from '@pulsejet/remoting';
import { ClosedLoopLoad, type RoundTripListener } from './closed-loop-load';

// Bound once at load (as the broker's hot paths do): under CommonJS every use of an imported name is a
// getter call on the client barrel's exports, which the bench producer's profile showed on every send.
const { applySerializeType, sendBatchRequest, sendMessageRequest } = client;

export const PRODUCER_GROUP = 'PID_bench';
/** How long a bench send waits for its reply: a stalled broker fails the run instead of hanging it. */
export const SEND_TIMEOUT_MS = 30_000;

/**
 * A client message id (UNIQ_KEY) like Java's MessageClientIDSetter: 32 hex digits, unique per
 * message. A fixed prefix (process and time) plus a counter is as cheap as a producer can make it.
 */
export class UniqueKeys {
  private readonly prefix = `7F000001${(process.pid & 0xffff).toString(16).padStart(4, '0')}${(Date.now() & 0xffffffff).toString(16).padStart(8, '0')}`;
  private counter = 0;

  next(): string {
    this.counter = (this.counter + 1) >>> 0;
    return this.prefix + this.counter.toString(16).padStart(12, '0');
  }
}

/** Queues a topic created on first send would get (SEND_MESSAGE_V2 'd'). */
const DEFAULT_TOPIC_QUEUE_NUMS = 8;

export interface SendRequestFactory {
  /** Messages each request carries. */
  readonly messagesPerRequest: number;
  next(): RemotingCommand;
}

/**
 * One message per request, as a Producer builds it (its sendMessageRequest): a fresh header (born
 * timestamp, UNIQ_KEY unless told not to) around a shared body.
 */
export function singleSends(topic: string, queues: number, body: Buffer, uniqKey = true, serializeType = CLIENT_SERIALIZE_TYPE): SendRequestFactory {
  const keys = new UniqueKeys();
  let queue = 0;
  return {
    messagesPerRequest: 1,
    next: () => {
      queue = (queue + 1) % queues;
      const properties = `TAGS\u0001bench\u0002WAIT\u0001true\u0002${uniqKey ? `UNIQ_KEY\u0001${keys.next()}\u0002` : ''}`;
      return singleSend(topic, queue, properties, body, serializeType);
    },
  };
}

/** A SEND_MESSAGE_V2 of one message as a Producer builds it, born now. */
export function singleSend(topic: string, queueId: number, properties: string, body: Buffer, serializeType = CLIENT_SERIALIZE_TYPE): RemotingCommand {
  const request = sendMessageRequest(headerInput(topic, queueId, properties), body);
  applySerializeType(request, serializeType);
  return request;
}

/** The bench producer's header fields for a send to `queueId`, born now. */
function headerInput(topic: string, queueId: number, properties: string): SendHeaderInput {
  return { producerGroup: PRODUCER_GROUP, topic, defaultTopicQueueNums: DEFAULT_TOPIC_QUEUE_NUMS, queueId, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties };
}

/**
 * `batch` messages per SEND_BATCH_MESSAGE. Bodies are encoded ahead (a ring of distinct batches) so
 * the producer's CPU goes to sending, as a client that batches while the previous batch flies would.
 */
export function batchSends(topic: string, queues: number, body: Buffer, batch: number, ring = 64): SendRequestFactory {
  const keys = new UniqueKeys();
  const bodies = Array.from({ length: ring }, () =>
    encodeMessageBatch(Array.from({ length: batch }, () => ({ flag: 0, body, properties: { TAGS: 'bench', WAIT: 'true', UNIQ_KEY: keys.next() } }))),
  );
  const properties = encodeProperties({ WAIT: 'true' });
  let queue = 0;
  let next = 0;
  return {
    messagesPerRequest: batch,
    next: () => {
      queue = (queue + 1) % queues;
      next = (next + 1) % bodies.length;
      const request = sendBatchRequest(headerInput(topic, queue, properties), bodies[next]!);
      applySerializeType(request, CLIENT_SERIALIZE_TYPE);
      return request;
    },
  };
}

export class SendFailedError extends Error {}

/** Throws unless the broker stored the message (a flush timeout or SYSTEM_BUSY is a failed run, not a slow one). */
export function checkSendReply(reply: RemotingCommand): void {
  if (reply.code !== ResponseCode.SUCCESS) throw new SendFailedError(`send answered code ${reply.code}: ${reply.remark ?? ''}`);
}

/** N callers, each awaiting one send at a time (ClosedLoopLoad); a listener hears each request's round trip. */
export class SendLoad extends ClosedLoopLoad<RemotingCommand> {
  constructor(
    private readonly client: RemotingClient,
    private readonly address: string,
    private readonly requests: SendRequestFactory,
    onRoundTrip: RoundTripListener,
  ) {
    super(onRoundTrip);
  }

  protected issue(): Promise<RemotingCommand> {
    return this.client.request(this.address, this.requests.next(), SEND_TIMEOUT_MS);
  }

  protected check(reply: RemotingCommand): void {
    checkSendReply(reply);
  }
}
