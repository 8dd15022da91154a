// Options of a Producer (STYLE.md habit 8). The instance fields (namesrvAddr, remoting, ...) are the
// ClientInstance's; pass `clientInstance` to share one instance between producers and consumers.
import * as protocol from '@pulsejet/protocol';
import { ClientError, ClientErrorCode } from '../errors';
import type { ClientInstance } from '../instance/client-instance';
import type { ClientInstanceOptions, ClientLog } from '../instance/client-instance-options';
import { defaultClientLog } from '../instance/client-instance-options';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter
// call, which the profile of the send path showed per message.
const { validateTopicName } = protocol;

export interface ProducerOptions extends Partial<ClientInstanceOptions> {
  /** The producer group; brokers check transactions back with a producer of this group. Required. */
  groupName: string;
  /**
   * An existing instance to share (its namesrvAddr, remoting, ... are used; the ones here are
   * ignored). @default a new instance from this object's instance options, closed with the producer
   */
  clientInstance?: ClientInstance;
  /** Timeout of one send, all retries included, ms. @default 3000 (RocketMQ sendMsgTimeout) */
  sendTimeoutMs?: number;
  /** Extra attempts, on another broker when there is one, after a retriable failure. @default 2 */
  retryTimesWhenSendFailed?: number;
  /** Bodies longer than this many bytes are sent zlib-compressed. @default 4096 (RocketMQ compressMsgBodyOverHowmuch) */
  compressOverBytes?: number;
  /** Largest body accepted, before compression, bytes. @default 4194304 (4 MiB, RocketMQ maxMessageSize) */
  maxMessageSize?: number;
  /** Avoid brokers that recently failed or answered slowly. @default true */
  sendLatencyFaultEnable?: boolean;
  /** Queues of a topic created on first send when the broker allows auto-creation (SEND_MESSAGE_V2 'd'). @default 4 */
  defaultTopicQueueNums?: number;
  /**
   * Topics this producer sends to. Their routes are fetched at start, so their brokers hear of the
   * group at once rather than at the first send; a transactional producer needs that to answer
   * check-backs of halves an earlier process left open. @default []
   */
  topics?: readonly string[];
}

export const DEFAULT_SEND_TIMEOUT_MS = 3000;
export const DEFAULT_RETRY_TIMES_WHEN_SEND_FAILED = 2;
export const DEFAULT_COMPRESS_OVER_BYTES = 4096;
export const DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
export const DEFAULT_TOPIC_QUEUE_NUMS = 4;
/** The topic brokers copy a new topic's config from (Java TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC). */
export const AUTO_CREATE_TOPIC_KEY = 'TBW102';

export interface ResolvedProducerOptions {
  groupName: string;
  sendTimeoutMs: number;
  retryTimesWhenSendFailed: number;
  compressOverBytes: number;
  maxMessageSize: number;
  sendLatencyFaultEnable: boolean;
  defaultTopicQueueNums: number;
  topics: string[];
  log: ClientLog;
}

function invalid(message: string): ClientError {
  return new ClientError(ClientErrorCode.INVALID_ARGUMENT, message);
}

function integer(name: string, value: number | undefined, fallback: number, min: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < min) throw invalid(`${name} must be an integer >= ${min}, got ${String(value)}`);
  return resolved;
}

/** Java Validators.checkGroup: a group name uses the topic alphabet, at most 255 characters. */
export function validateGroupName(group: unknown): string | undefined {
  if (typeof group !== 'string' || group.trim() === '') return 'the group name is empty; give the producer a groupName';
  if (group.length > 255) return `group name '${group.slice(0, 32)}...' is ${group.length} characters long; use at most 255`;
  if (!/^[%|a-zA-Z0-9_-]+$/.test(group)) return `group name '${group}' contains characters outside [%|a-zA-Z0-9_-]`;
  return undefined;
}

/** Throws ClientError INVALID_ARGUMENT naming the first bad option. */
export function resolveProducerOptions(options: ProducerOptions): ResolvedProducerOptions {
  if (typeof options !== 'object' || options === null) throw invalid('Producer needs an options object with groupName and namesrvAddr');
  const groupProblem = validateGroupName(options.groupName);
  if (groupProblem !== undefined) throw invalid(groupProblem);
  if (options.clientInstance === undefined && options.namesrvAddr === undefined) {
    throw invalid('Producer needs namesrvAddr ("host:9876") or a clientInstance to share');
  }
  const resolved: ResolvedProducerOptions = {
    groupName: options.groupName,
    sendTimeoutMs: integer('sendTimeoutMs', options.sendTimeoutMs, DEFAULT_SEND_TIMEOUT_MS, 1),
    retryTimesWhenSendFailed: integer('retryTimesWhenSendFailed', options.retryTimesWhenSendFailed, DEFAULT_RETRY_TIMES_WHEN_SEND_FAILED, 0),
    compressOverBytes: integer('compressOverBytes', options.compressOverBytes, DEFAULT_COMPRESS_OVER_BYTES, 0),
    maxMessageSize: integer('maxMessageSize', options.maxMessageSize, DEFAULT_MAX_MESSAGE_SIZE, 1),
    sendLatencyFaultEnable: options.sendLatencyFaultEnable ?? true,
    defaultTopicQueueNums: integer('defaultTopicQueueNums', options.defaultTopicQueueNums, DEFAULT_TOPIC_QUEUE_NUMS, 1),
    topics: [...(options.topics ?? [])],
    log: options.log ?? defaultClientLog,
  };
  for (const topic of resolved.topics) {
    const problem = validateSendTopic(topic);
    if (problem !== undefined) throw invalid(`topics: ${problem}`);
  }
  return resolved;
}

/** Java Validators.checkTopic plus the default-topic rule; undefined when the topic can be sent to. */
export function validateSendTopic(topic: unknown): string | undefined {
  if (typeof topic !== 'string') return 'the message has no topic; set message.topic';
  const problem = validateTopicName(topic);
  if (problem !== undefined) return problem;
  if (topic === AUTO_CREATE_TOPIC_KEY) return `topic ${AUTO_CREATE_TOPIC_KEY} is the brokers' auto-create template; send to a topic of your own`;
  return undefined;
}
