// The Producer (Java DefaultMQProducer + DefaultMQProducerImpl.sendDefaultImpl): validates and builds
// the message, picks a writable queue (round robin with latency fault tolerance, or a fixed queue for
// ordered sends), sends SEND_MESSAGE_V2 to that broker's master and retries retriable failures on
// another broker within the send timeout.
import { ResponseCode, encodeMessageBatch, type RemotingCommand } from '@pulsejet/protocol';
import { ClientError, ClientErrorCode } from '../errors';
import { ClientInstance } from '../instance/client-instance';
import type { ProducerRegistration } from '../instance/registrations';
import type { Message } from '../message/message';
import type { MessageQueue } from '../message/message-queue';
import { buildMessage, type OutgoingMessage } from './build-message';
import { LatencyFaultTolerance } from './latency-fault-tolerance';
import { AUTO_CREATE_TOPIC_KEY, resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './producer-options';
import { RoundRobinSelector, queueForShardingKey } from './queue-selector';
import { sendBatchRequest, sendMessageRequest, type SendHeaderInput } from './send-request';
import { interpretSendReply, type BatchSendResult, type SendResult } from './send-result';

/** Picks the queue of an ordered send from the topic's writable queues (Java MessageQueueSelector). */
export type MessageQueueSelector = (queues: readonly MessageQueue[], message: Message, arg: unknown) => MessageQueue;

export interface SendOptions {
  /** This send's timeout, retries included, ms. @default the producer's sendTimeoutMs */
  timeoutMs?: number;
  /** Ordered send: this queue (no retry on another queue). */
  queue?: MessageQueue;
  /** Ordered send: the queue this function picks (no retry on another queue). */
  selector?: MessageQueueSelector;
  /** Passed to the selector. */
  arg?: unknown;
}

type State = 'created' | 'running' | 'closed';

/** One try of an operation on a queue; `subject` is what the operation sends (no closure per call). */
interface Attempt<S, T> {
  (mq: MessageQueue, addr: string, timeoutMs: number, subject: S): Promise<T>;
}

/** What an operation with retries (withRetries) has tried so far. */
interface Tries {
  readonly topic: string;
  /** An ordered send's queue: tried once, never another. */
  readonly fixed: MessageQueue | undefined;
  readonly timeout: number;
  readonly deadline: number;
  readonly attempts: number;
  /** The queues to choose from (looked up again before each retry). */
  queues: readonly MessageQueue[];
  /** Index of the next attempt. */
  next: number;
  lastBroker: string | undefined;
  lastError: unknown;
  /** Only once an attempt failed: most sends never need it. */
  failures: string[] | undefined;
}

export class Producer {
  readonly groupName: string;
  protected readonly options: ResolvedProducerOptions;
  protected readonly instance: ClientInstance;
  private readonly ownsInstance: boolean;
  private readonly selector = new RoundRobinSelector();
  private readonly faults: LatencyFaultTolerance | undefined;
  /** Operations under way, and close()'s wait for them to end. */
  private inFlight = 0;
  private allSettled: (() => void) | undefined;
  private unregister: (() => Promise<void>) | undefined;
  private state: State = 'created';
  private starting: Promise<void> | undefined;

  /** Throws ClientError INVALID_ARGUMENT for options that can never work (an empty group, no nameserver, a negative timeout). */
  constructor(options: ProducerOptions) {
    this.options = resolveProducerOptions(options);
    this.groupName = this.options.groupName;
    this.ownsInstance = options.clientInstance === undefined;
    this.instance = options.clientInstance ?? new ClientInstance({ ...options, namesrvAddr: options.namesrvAddr ?? [] });
    this.faults = this.options.sendLatencyFaultEnable ? new LatencyFaultTolerance() : undefined;
  }

  /** `clientIP@instanceName` of the instance this producer uses. */
  get clientId(): string {
    return this.instance.clientId;
  }

  /**
   * Starts the instance (when owned) and registers the group, so brokers hear of it in heartbeats.
   * Idempotent. Throws INVALID_ARGUMENT when the instance already has a producer of this group,
   * NOT_RUNNING after close.
   */
  start(): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new ClientError(ClientErrorCode.NOT_RUNNING, `producer ${this.groupName} is closed; create a new one`));
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    await this.instance.start();
    try {
      this.unregister = this.instance.registerProducer(this.groupName, this.registration());
    } catch (error) {
      if (this.ownsInstance) await this.instance.close();
      this.state = 'closed';
      throw error;
    }
    this.state = 'running';
    await Promise.all(
      this.options.topics.map((topic) =>
        this.instance.getRoute(topic).catch((error: unknown) => {
          this.options.log('warn', `producer ${this.groupName}: no route for ${topic} at start (${error instanceof Error ? error.message : String(error)}); it is fetched again on the first send`);
        }),
      ),
    );
  }

  /** What the instance calls back for this group; TransactionProducer adds the check-back. */
  protected registration(): ProducerRegistration {
    return {};
  }

  /** Waits for sends in flight, unregisters the group and closes an owned instance. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') {
      await this.starting?.catch(() => undefined);
      return;
    }
    await this.starting?.catch(() => undefined);
    this.state = 'closed';
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.allSettled = resolve));
    await this.unregister?.();
    if (this.ownsInstance) await this.instance.close();
  }

  /** Sends one message and resolves once the broker stored it. */
  send(message: Message, options: SendOptions = {}): Promise<SendResult> {
    // Not `track(async () => ...)`: a closure and an async function less per send (the hot path).
    let sent: Promise<SendResult>;
    try {
      this.assertRunning();
      const out = buildMessage(message, { maxMessageSize: this.options.maxMessageSize, compressOverBytes: this.options.compressOverBytes });
      sent = this.sendBuilt(out, options, message);
    } catch (error) {
      sent = Promise.reject(error);
    }
    return this.trackPromise(sent);
  }

  /** Sends one message without waiting for the broker's answer (no retries); resolves once written. */
  sendOneway(message: Message, options: Pick<SendOptions, 'queue' | 'selector' | 'arg'> = {}): Promise<void> {
    return this.track(async () => {
      this.assertRunning();
      const out = buildMessage(message, { maxMessageSize: this.options.maxMessageSize, compressOverBytes: this.options.compressOverBytes });
      const queues = await this.publishQueues(out.topic);
      const mq = this.fixedQueue(queues, message, out, options) ?? this.selector.select(queues, undefined, this.faults);
      const addr = await this.masterAddr(mq);
      await this.instance.invokeOneway(addr, this.sendRequest(out, mq));
    });
  }

  /**
   * Sends messages of one topic as one SEND_BATCH_MESSAGE: they land in one queue with consecutive
   * offsets. Batches are not compressed, delayed or transactional (as in Java).
   */
  sendBatch(messages: readonly Message[], options: SendOptions = {}): Promise<BatchSendResult> {
    return this.track(async () => {
      this.assertRunning();
      const built = this.buildBatch(messages);
      const first = built[0]!;
      const body = encodeMessageBatch(built.map((m) => ({ flag: m.flag, body: m.body, properties: m.encodedProperties })));
      if (body.length > this.options.maxMessageSize) {
        throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `the batch to ${first.topic} is ${body.length} bytes; at most maxMessageSize = ${this.options.maxMessageSize}; split it`);
      }
      const queues = await this.publishQueues(first.topic);
      const fixed = this.fixedQueue(queues, messages[0]!, first, options);
      const batchHeader: OutgoingMessage = { ...first, sysFlag: 0, flag: 0, properties: {}, encodedProperties: '' };
      return this.withRetries(first.topic, fixed, queues, options.timeoutMs, undefined, async (mq, addr, timeoutMs) => {
        const reply = await this.instance.invoke(addr, sendBatchRequest(this.headerInput(batchHeader, mq), body), timeoutMs);
        const stored = interpretSendReply(reply, addr, first.topic);
        return {
          status: stored.status,
          msgIds: built.map((m) => m.uniqKey),
          offsetMsgIds: stored.offsetMsgId.split(','),
          queue: { topic: first.topic, brokerName: mq.brokerName, queueId: stored.queueId },
          queueOffset: stored.queueOffset,
        };
      });
    });
  }

  // --- internals ----------------------------------------------------------------------------

  /**
   * Sends a built message: a fixed queue for ordered sends, else round robin with retries. Throws
   * (synchronously) what choosing a fixed queue and checking the timeout throw; everything else rejects.
   */
  protected sendBuilt(out: OutgoingMessage, options: SendOptions, original: Message): Promise<SendResult> {
    const queues = this.cachedPublishQueues(out.topic);
    if (queues === undefined) {
      return this.publishQueues(out.topic).then((fresh) => this.withRetries(out.topic, this.fixedQueue(fresh, original, out, options), fresh, options.timeoutMs, out, this.sendAttempt));
    }
    return this.firstSend(out, this.startTries(out.topic, this.fixedQueue(queues, original, out, options), queues, options.timeoutMs));
  }

  /**
   * The first attempt of a send whose route is cached, without the async frames of withRetries and
   * sendAttempt (each is a promise and a frame per send; the send benchmark's producer allocated
   * ~3.8 kB per message). A failure continues in retry() exactly as withRetries would.
   */
  private firstSend(out: OutgoingMessage, tries: Tries): Promise<SendResult> {
    const mq = tries.fixed ?? this.selector.select(tries.queues, undefined, this.faults);
    const addr = this.instance.findBrokerAddr(mq.brokerName);
    if (addr === undefined) return this.retry(tries, out, this.sendAttempt);
    const begin = tries.deadline - tries.timeout;
    return this.instance.invoke(addr, this.sendRequest(out, mq), tries.timeout).then(
      (reply) => {
        let result: SendResult;
        try {
          result = this.sendResult(out, mq, addr, reply);
        } catch (error) {
          return this.retryAfterFirst(tries, out, mq, begin, error);
        }
        this.faults?.update(mq.brokerName, Date.now() - begin, false);
        return result;
      },
      (error: unknown) => this.retryAfterFirst(tries, out, mq, begin, error),
    );
  }

  private retryAfterFirst(tries: Tries, out: OutgoingMessage, mq: MessageQueue, begin: number, error: unknown): Promise<SendResult> {
    this.attemptFailed(tries, mq, begin, error);
    tries.next = 1;
    return this.retry(tries, out, this.sendAttempt);
  }

  /** One SEND_MESSAGE_V2 of a built message (an arrow property: no closure per send). */
  private readonly sendAttempt = async (mq: MessageQueue, addr: string, timeoutMs: number, out: OutgoingMessage): Promise<SendResult> => {
    return this.sendResult(out, mq, addr, await this.instance.invoke(addr, this.sendRequest(out, mq), timeoutMs));
  };

  /** The SEND_MESSAGE_V2 request of a built message to `mq` (sendOneway, firstSend, sendAttempt). */
  private sendRequest(out: OutgoingMessage, mq: MessageQueue): RemotingCommand {
    return sendMessageRequest(this.headerInput(out, mq), out.body);
  }

  /** The result of a send reply; throws ClientError BROKER_ERROR as interpretSendReply does. */
  private sendResult(out: OutgoingMessage, mq: MessageQueue, addr: string, reply: RemotingCommand): SendResult {
    const stored = interpretSendReply(reply, addr, out.topic);
    return {
      status: stored.status,
      msgId: out.uniqKey,
      offsetMsgId: stored.offsetMsgId,
      queue: { topic: out.topic, brokerName: mq.brokerName, queueId: stored.queueId },
      queueOffset: stored.queueOffset,
    };
  }

  /**
   * Runs `attempt` on a queue until one succeeds: on the fixed queue once, or on round-robin queues
   * up to 1 + retryTimesWhenSendFailed times, moving off a broker that failed, within the timeout.
   * `initialQueues` is the list the caller already looked up (the first attempt chooses from it;
   * retries look the route up again).
   */
  private withRetries<S, T>(
    topic: string,
    fixed: MessageQueue | undefined,
    initialQueues: readonly MessageQueue[],
    timeoutMs: number | undefined,
    subject: S,
    attempt: Attempt<S, T>,
  ): Promise<T> {
    let tries: Tries;
    try {
      tries = this.startTries(topic, fixed, initialQueues, timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.retry(tries, subject, attempt);
  }

  /** The bookkeeping of an operation with retries; throws ClientError INVALID_ARGUMENT for a bad timeoutMs. */
  private startTries(topic: string, fixed: MessageQueue | undefined, queues: readonly MessageQueue[], timeoutMs: number | undefined): Tries {
    if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0)) {
      throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `timeoutMs must be a positive integer of milliseconds, got ${String(timeoutMs)}`);
    }
    const timeout = timeoutMs ?? this.options.sendTimeoutMs;
    return {
      topic,
      fixed,
      timeout,
      deadline: Date.now() + timeout,
      attempts: fixed ? 1 : 1 + this.options.retryTimesWhenSendFailed,
      queues,
      next: 0,
      lastBroker: undefined,
      lastError: undefined,
      failures: undefined,
    };
  }

  /** The attempts from `tries.next` on (see withRetries). */
  private async retry<S, T>(tries: Tries, subject: S, attempt: Attempt<S, T>): Promise<T> {
    for (; tries.next < tries.attempts; tries.next++) {
      const remaining = tries.deadline - Date.now();
      if (remaining <= 0) break;
      if (tries.fixed === undefined && tries.next > 0) {
        try {
          tries.queues = await this.publishQueues(tries.topic);
        } catch {
          // A nameserver that dropped the broker (or is down) mid-send: keep choosing from the last list.
        }
      }
      const mq = tries.fixed ?? this.selector.select(tries.queues, tries.lastBroker, this.faults);
      const begin = Date.now();
      try {
        // The address is known on every send but the first: no await for it then.
        const addr = this.instance.findBrokerAddr(mq.brokerName) ?? (await this.masterAddr(mq));
        const result = await attempt(mq, addr, remaining, subject);
        this.faults?.update(mq.brokerName, Date.now() - begin, false);
        return result;
      } catch (error) {
        this.attemptFailed(tries, mq, begin, error);
      }
    }
    throw this.retriesExhausted(tries);
  }

  /** Notes a failed attempt (latency fault tolerance, route, log); rethrows `error` unless another attempt may succeed. */
  private attemptFailed(tries: Tries, mq: MessageQueue, begin: number, error: unknown): void {
    this.faults?.update(mq.brokerName, Date.now() - begin, true);
    if (!ClientError.is(error) || !error.retriable) throw error;
    tries.lastError = error;
    tries.lastBroker = mq.brokerName;
    (tries.failures ??= []).push(`${mq.brokerName}: ${error.message}`);
    // A broker that says it has no such topic, or can't be reached, may be gone from the route.
    if (error.code !== ClientErrorCode.TIMEOUT && (error.responseCode === ResponseCode.TOPIC_NOT_EXIST || error.responseCode === undefined)) {
      this.instance.invalidateRoute(tries.topic);
    }
    this.options.log('warn', `send to ${tries.topic} on ${mq.brokerName} queue ${mq.queueId} failed (${error.message})${tries.next + 1 < tries.attempts ? '; retrying' : ''}`);
  }

  /** The error of an operation whose attempts all failed (or that ran out of time before one started). */
  private retriesExhausted(tries: Tries): ClientError {
    const { topic, timeout, failures } = tries;
    if (tries.lastError === undefined) {
      return new ClientError(ClientErrorCode.TIMEOUT, `send to ${topic} did not start within ${timeout} ms (sendTimeoutMs); the route lookup took too long`);
    }
    const last = tries.lastError as ClientError;
    // A last attempt that timed out is reported as TIMEOUT: the message may still have been stored.
    const timedOut = last.code === ClientErrorCode.TIMEOUT;
    return new ClientError(
      timedOut ? ClientErrorCode.TIMEOUT : ClientErrorCode.SEND_FAILED,
      `send to ${topic} failed after ${failures?.length ?? 0} attempt(s) within ${timeout} ms: ${failures?.join('; ') ?? ''}; ` +
        (timedOut ? `the broker did not answer in time (raise sendTimeoutMs if it is busy; the message may have been stored)` : `check that a broker serving ${topic} is running`),
      { cause: last, retriable: true, ...(last.responseCode !== undefined ? { responseCode: last.responseCode } : {}) },
    );
  }

  private fixedQueue(queues: readonly MessageQueue[], message: Message, out: OutgoingMessage, options: Pick<SendOptions, 'queue' | 'selector' | 'arg'>): MessageQueue | undefined {
    if (options.queue !== undefined && options.selector !== undefined) {
      throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, 'give a queue or a selector, not both');
    }
    if (options.queue !== undefined) {
      if (options.queue.topic !== out.topic) throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `queue ${options.queue.topic} is not a queue of topic ${out.topic}`);
      return options.queue;
    }
    if (options.selector !== undefined) {
      const chosen: unknown = options.selector(queues, message, options.arg);
      if (typeof chosen !== 'object' || chosen === null || typeof (chosen as MessageQueue).brokerName !== 'string') {
        throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `the selector for ${out.topic} returned ${String(chosen)}, not one of the queues it was given`);
      }
      return chosen as MessageQueue;
    }
    if (out.shardingKey !== undefined && out.shardingKey !== '') return queueForShardingKey(queues, out.shardingKey);
    return undefined;
  }

  private buildBatch(messages: readonly Message[]): OutgoingMessage[] {
    if (!Array.isArray(messages) || messages.length === 0) throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, 'sendBatch needs a non-empty array of messages');
    const built = messages.map((message) => {
      if (message.delayLevel !== undefined || message.deliverAt !== undefined || message.delayMs !== undefined) {
        throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `a batch can't hold delayed messages (message to ${message.topic}); send it on its own`);
      }
      return buildMessage(message, { maxMessageSize: this.options.maxMessageSize, compressOverBytes: undefined });
    });
    const topic = built[0]!.topic;
    if (topic.startsWith('%RETRY%')) throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `a batch can't go to the retry topic ${topic}`);
    for (const m of built) {
      if (m.topic !== topic) throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `every message of a batch must have the same topic; got ${topic} and ${m.topic}`);
    }
    return built;
  }

  protected headerInput(out: OutgoingMessage, mq: MessageQueue): SendHeaderInput {
    return {
      producerGroup: this.groupName,
      topic: out.topic,
      defaultTopicQueueNums: this.options.defaultTopicQueueNums,
      queueId: mq.queueId,
      sysFlag: out.sysFlag,
      bornTimestamp: Date.now(),
      flag: out.flag,
      properties: out.encodedProperties,
    };
  }

  /** The cached queues when the route is fresh and has any; else undefined (call publishQueues). */
  private cachedPublishQueues(topic: string): readonly MessageQueue[] | undefined {
    const queues = this.instance.cachedPublishQueues(topic);
    return queues !== undefined && queues.length > 0 ? queues : undefined;
  }

  private async publishQueues(topic: string): Promise<readonly MessageQueue[]> {
    let queues: readonly MessageQueue[];
    try {
      queues = await this.instance.publishQueues(topic);
    } catch (error) {
      if (!ClientError.is(error) || error.code !== ClientErrorCode.NO_ROUTE || error.responseCode !== ResponseCode.TOPIC_NOT_EXIST) throw error;
      const fallback = await this.autoCreateQueues(topic);
      if (fallback.length === 0) throw error;
      return fallback;
    }
    if (queues.length === 0) {
      throw new ClientError(ClientErrorCode.NO_ROUTE, `topic ${topic} has no writable queue on a broker with a master; check the topic's permissions and that its master runs`, {
        retriable: true,
      });
    }
    return queues;
  }

  /**
   * Queues for a topic the nameserver does not know (Java tryToFindTopicPublishInfo): those of the
   * auto-create template TBW102, at most defaultTopicQueueNums per broker. A broker with
   * autoCreateTopicEnable creates the topic on the first send and registers it; brokers without
   * it don't list TBW102 as writable, so the send fails with NO_ROUTE as before.
   */
  private async autoCreateQueues(topic: string): Promise<MessageQueue[]> {
    let template: readonly MessageQueue[];
    try {
      template = await this.instance.publishQueues(AUTO_CREATE_TOPIC_KEY);
    } catch {
      return [];
    }
    const queues: MessageQueue[] = [];
    for (const mq of template) {
      if (mq.queueId < this.options.defaultTopicQueueNums) queues.push({ topic, brokerName: mq.brokerName, queueId: mq.queueId });
    }
    return queues;
  }

  /** The master's address of the queue's broker; refreshes the route once if the address is unknown. */
  protected async masterAddr(mq: MessageQueue): Promise<string> {
    let addr = this.instance.findBrokerAddr(mq.brokerName);
    if (addr === undefined) {
      await this.instance.getRoute(mq.topic, { refresh: true });
      addr = this.instance.findBrokerAddr(mq.brokerName);
    }
    if (addr === undefined) {
      throw new ClientError(ClientErrorCode.NO_ROUTE, `no master address is known for broker ${mq.brokerName}; is its master running?`, { retriable: true });
    }
    return addr;
  }

  protected assertRunning(): void {
    if (this.state !== 'running') {
      throw new ClientError(
        ClientErrorCode.NOT_RUNNING,
        this.state === 'created' ? `producer ${this.groupName} is not started; await producer.start() first` : `producer ${this.groupName} is closed; create a new one`,
      );
    }
  }

  /** Counts the operation as in flight, so close() waits for it. */
  protected track<T>(run: () => Promise<T>): Promise<T> {
    return this.trackPromise(run());
  }

  /** track() of an operation already started. */
  protected trackPromise<T>(promise: Promise<T>): Promise<T> {
    this.inFlight += 1;
    // One callback object for every operation: nothing is allocated per send for the bookkeeping.
    promise.then(this.settled, this.settled);
    return promise;
  }

  private readonly settled = (): void => {
    this.inFlight -= 1;
    if (this.inFlight === 0 && this.allSettled !== undefined) {
      const resolve = this.allSettled;
      this.allSettled = undefined;
      resolve();
    }
  };
}
