// The options of @Subscribe / @SubscribeStream / @OnDeadLetter / @TransactionCheck, and their
// validation. Everything here runs once, when the class is defined: a wrong option fails at import
// time with an error naming Class.method, never on the first message.
import type { ReceivedMessage } from '@pulsejet/client';
import { PulsejetConfigError, PulsejetConfigErrorCode } from '../errors';
import type { TopicDefinition } from '../message/topic';

/** clustering: the group shares the messages (each handled once per group); broadcasting: every instance gets every message. */
export type ConsumeMode = 'clustering' | 'broadcasting';
/** concurrent: up to `concurrency` messages at once; orderly: one at a time per queue, in queue order. */
export type ConsumeOrder = 'concurrent' | 'orderly';
/** Where a group with no committed offset starts: the newest message, the oldest kept, or a time (epoch ms or Date). */
export type ConsumeFrom = 'last' | 'first' | number | Date;
/**
 * How the body becomes `message.body`: 'auto' parses JSON when the producer sent JSON (the
 * CONTENT_TYPE property) and gives text otherwise; 'json', 'text', 'buffer'; or a function. A
 * decoder that throws makes the delivery fail (retried, then dead-lettered).
 */
export type BodyDecoder<T = unknown> = 'auto' | 'json' | 'text' | 'buffer' | ((body: Buffer, message: ReceivedMessage) => T);

/** The settings of a consumer group: every handler of one group must agree on them. */
export interface GroupSettings {
  /** @default 'clustering' */
  mode?: ConsumeMode;
  /** @default 'concurrent' */
  order?: ConsumeOrder;
  /** Handlers of the group running at once (over all its topics and queues). @default 20 */
  concurrency?: number;
  /** Retries (with the broker's growing delay) before a message goes to the dead-letter queue %DLQ%<group>. @default 16 */
  maxReconsumeTimes?: number;
  /** @default 'last' */
  consumeFrom?: ConsumeFrom;
  /** A handler running longer than this is given up and its message retried, ms. @default 900000 (15 min) */
  timeoutMs?: number;
}

export interface SubscribeOptions<T = unknown> extends GroupSettings {
  /** The topic, by name or as a defineTopic() definition (which types the body). */
  topic: string | TopicDefinition<T>;
  /** Tag filter: '*', 'a || b', or a list of tags. @default '*' */
  tags?: string | readonly string[];
  /** The consumer group. Required: it names the offsets, the retry topic and the dead-letter queue. */
  group: string;
  /** @default 'auto' */
  decode?: BodyDecoder<T>;
}

export interface OnDeadLetterOptions<T = unknown> extends Omit<GroupSettings, 'mode' | 'order'> {
  /** The group whose dead letters (%DLQ%<group>) this handler receives. */
  group: string;
  /** The group the dead-letter handler consumes as. @default `${group}-dlq` */
  consumerGroup?: string;
  /** @default 'auto' */
  decode?: BodyDecoder<T>;
}

export interface TransactionCheckOptions {
  /** The producer group of the transactional messages this method checks back. */
  group: string;
  /**
   * Topics the group sends transactional messages to. Their brokers learn of the group at start,
   * so a restarted process answers check-backs of transactions an earlier one left open before
   * it sends anything. @default []
   */
  topics?: readonly string[];
}

/** Where an option came from, for error messages: "Billing.onOrder (@Subscribe)". */
export interface DecoratedAt {
  className: string;
  methodName: string;
  decorator: string;
}

export function describe(at: DecoratedAt): string {
  return `${at.className}.${at.methodName} (@${at.decorator})`;
}

/** Resolved options of one subscription (defaults applied). */
export interface ResolvedSubscription {
  topic: string;
  expression: string;
  group: string;
  settings: Required<Omit<GroupSettings, 'consumeFrom'>> & { consumeFrom: 'last' | 'first' | number };
  decode: BodyDecoder;
}

export const DEFAULT_GROUP_SETTINGS = {
  mode: 'clustering',
  order: 'concurrent',
  concurrency: 20,
  maxReconsumeTimes: 16,
  consumeFrom: 'last',
  timeoutMs: 15 * 60_000,
} as const;

const GROUP_KEYS = ['mode', 'order', 'concurrency', 'maxReconsumeTimes', 'consumeFrom', 'timeoutMs'] as const;
export const SUBSCRIBE_KEYS: readonly string[] = ['topic', 'tags', 'group', 'decode', ...GROUP_KEYS];
export const DEAD_LETTER_KEYS: readonly string[] = ['group', 'consumerGroup', 'decode', 'concurrency', 'maxReconsumeTimes', 'consumeFrom', 'timeoutMs'];
export const TRANSACTION_CHECK_KEYS: readonly string[] = ['group', 'topics'];

function fail(at: DecoratedAt, message: string, code: PulsejetConfigErrorCode = PulsejetConfigErrorCode.INVALID_OPTION): never {
  throw new PulsejetConfigError(code, `${describe(at)}: ${message}`);
}

/** Rejects keys the decorator does not know (a typo like `maxReconsumeTime` would otherwise be silently ignored). */
export function rejectUnknownKeys(options: object, known: readonly string[], at: DecoratedAt): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) fail(at, `unknown option '${key}'; known options: ${known.join(', ')}`, PulsejetConfigErrorCode.UNKNOWN_OPTION);
  }
}

// RocketMQ's group-name rule (the client enforces it too, but only at start).
const GROUP_NAME = /^[%|a-zA-Z0-9_-]{1,255}$/;

export function checkGroup(value: unknown, name: string, at: DecoratedAt): string {
  if (typeof value !== 'string' || !GROUP_NAME.test(value)) {
    fail(at, `${name} must be 1-255 letters, digits, '%', '|', '_' or '-', got ${JSON.stringify(value)}`);
  }
  return value;
}

function topicName(value: unknown, at: DecoratedAt): string {
  const name = typeof value === 'object' && value !== null && 'name' in value ? (value as { name: unknown }).name : value;
  if (typeof name !== 'string' || !/^[%|a-zA-Z0-9_-]{1,127}$/.test(name)) {
    fail(at, `topic must be a topic name (letters, digits, '%', '|', '_', '-'; at most 127) or a defineTopic() definition, got ${JSON.stringify(name)}`);
  }
  return name;
}

function expressionOf(tags: unknown, at: DecoratedAt): string {
  if (tags === undefined) return '*';
  if (typeof tags === 'string' && tags.trim() !== '') return tags;
  if (Array.isArray(tags) && tags.length > 0 && tags.every((tag) => typeof tag === 'string' && /^[^|\s*]+$/.test(tag))) return tags.join(' || ');
  return fail(at, `tags must be '*', an expression like 'a || b', or a non-empty list of tags, got ${JSON.stringify(tags)}`);
}

function decoderOf(decode: unknown, at: DecoratedAt): BodyDecoder {
  if (decode === undefined) return 'auto';
  if (decode === 'auto' || decode === 'json' || decode === 'text' || decode === 'buffer' || typeof decode === 'function') return decode as BodyDecoder;
  return fail(at, `decode must be 'auto', 'json', 'text', 'buffer' or a function, got ${JSON.stringify(decode)}`);
}

function intAtLeast(value: unknown, min: number, name: string, fallback: number, at: DecoratedAt): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) fail(at, `${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return value;
}

export function resolveGroupSettings(options: GroupSettings, at: DecoratedAt): ResolvedSubscription['settings'] {
  const mode = options.mode ?? DEFAULT_GROUP_SETTINGS.mode;
  if (mode !== 'clustering' && mode !== 'broadcasting') fail(at, `mode must be 'clustering' or 'broadcasting', got ${JSON.stringify(mode)}`);
  const order = options.order ?? DEFAULT_GROUP_SETTINGS.order;
  if (order !== 'concurrent' && order !== 'orderly') fail(at, `order must be 'concurrent' or 'orderly', got ${JSON.stringify(order)}`);
  if (mode === 'broadcasting' && order === 'orderly') {
    fail(at, "mode 'broadcasting' and order 'orderly' can't go together: ordered consumption locks queues per group, and broadcasting has no group sharing; drop one of them");
  }
  const maxReconsumeTimes = intAtLeast(options.maxReconsumeTimes, 0, 'maxReconsumeTimes', DEFAULT_GROUP_SETTINGS.maxReconsumeTimes, at);
  if (mode === 'broadcasting' && options.maxReconsumeTimes !== undefined) {
    fail(at, "maxReconsumeTimes has no effect with mode 'broadcasting' (broadcast messages are not sent back for retry); remove it");
  }
  let consumeFrom: 'last' | 'first' | number;
  const from = options.consumeFrom ?? DEFAULT_GROUP_SETTINGS.consumeFrom;
  if (from === 'last' || from === 'first') consumeFrom = from;
  else if (from instanceof Date && !Number.isNaN(from.getTime())) consumeFrom = from.getTime();
  else if (typeof from === 'number' && Number.isSafeInteger(from) && from >= 0) consumeFrom = from;
  else return fail(at, `consumeFrom must be 'last', 'first', a Date or epoch milliseconds, got ${JSON.stringify(from)}`);
  return {
    mode,
    order,
    concurrency: intAtLeast(options.concurrency, 1, 'concurrency', DEFAULT_GROUP_SETTINGS.concurrency, at),
    maxReconsumeTimes,
    consumeFrom,
    timeoutMs: intAtLeast(options.timeoutMs, 1, 'timeoutMs', DEFAULT_GROUP_SETTINGS.timeoutMs, at),
  };
}

function requireObject(options: unknown, at: DecoratedAt): asserts options is Record<string, unknown> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail(at, 'needs an options object, e.g. { topic: "orders", group: "billing" }');
}

export function resolveSubscribeOptions(options: unknown, at: DecoratedAt): ResolvedSubscription {
  requireObject(options, at);
  rejectUnknownKeys(options, SUBSCRIBE_KEYS, at);
  const topic = topicName(options['topic'], at);
  if (topic.startsWith('%')) fail(at, `topic ${topic} is a system topic; use @OnDeadLetter for dead letters, and retries arrive at the original handler`);
  return {
    topic,
    expression: expressionOf(options['tags'], at),
    group: checkGroup(options['group'], 'group', at),
    settings: resolveGroupSettings(options as GroupSettings, at),
    decode: decoderOf(options['decode'], at),
  };
}

/** The dead-letter queue of `group`, consumed by `consumerGroup` like any topic. */
export function resolveDeadLetterOptions(options: unknown, at: DecoratedAt): ResolvedSubscription & { deadLetterOf: string } {
  requireObject(options, at);
  rejectUnknownKeys(options, DEAD_LETTER_KEYS, at);
  const of = checkGroup(options['group'], 'group', at);
  const consumerGroup = options['consumerGroup'] === undefined ? `${of}-dlq` : checkGroup(options['consumerGroup'], 'consumerGroup', at);
  if (consumerGroup === of) fail(at, `consumerGroup must differ from group ${of}: the dead letters are consumed by a group of their own`);
  return {
    topic: `%DLQ%${of}`,
    expression: '*',
    group: consumerGroup,
    // Dead letters already waiting when the handler first starts must not be skipped.
    settings: resolveGroupSettings({ consumeFrom: 'first', ...(options as GroupSettings) }, at),
    decode: decoderOf(options['decode'], at),
    deadLetterOf: of,
  };
}

export function resolveTransactionCheckOptions(options: unknown, at: DecoratedAt): { group: string; topics: string[] } {
  requireObject(options, at);
  rejectUnknownKeys(options, TRANSACTION_CHECK_KEYS, at);
  const topics = options['topics'] ?? [];
  if (!Array.isArray(topics)) fail(at, `topics must be a list of topic names, got ${JSON.stringify(topics)}`);
  return { group: checkGroup(options['group'], 'group', at), topics: topics.map((topic: unknown) => topicName(topic, at)) };
}
