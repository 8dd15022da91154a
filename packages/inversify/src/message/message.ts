// The message a handler gets: the decoded body plus what RocketMQ users look for (tags, keys,
// user properties, msgId, reconsume count), and `raw` for everything else. Built once per delivery
// with plain field copies; the decoder was chosen at start, so nothing here looks anything up.
import { JSON_CONTENT_TYPE, type ReceivedMessage } from '@pulsejet/client';
import type { BodyDecoder } from '../decorators/subscribe-options';

export interface Message<T = unknown> {
  /** The body, decoded as the subscription's `decode` says. */
  readonly body: T;
  /** The topic it was sent to (a retried message keeps its original topic; a dead letter shows %DLQ%<group>). */
  readonly topic: string;
  readonly tags: string | undefined;
  readonly keys: readonly string[];
  /** The user properties the producer set. */
  readonly properties: Readonly<Record<string, string>>;
  /** The id send() returned. */
  readonly msgId: string;
  /** How many times this message was retried before this delivery (0 the first time). */
  readonly reconsumeTimes: number;
  readonly bornTimestamp: number;
  /** The message as the client received it (queue, offsets, system properties, raw body). */
  readonly raw: ReceivedMessage;
}

class DecodedMessage<T> implements Message<T> {
  readonly topic: string;
  readonly tags: string | undefined;
  readonly keys: readonly string[];
  readonly properties: Readonly<Record<string, string>>;
  readonly msgId: string;
  readonly reconsumeTimes: number;
  readonly bornTimestamp: number;

  constructor(
    readonly raw: ReceivedMessage,
    readonly body: T,
  ) {
    this.topic = raw.topic;
    this.tags = raw.tags;
    this.keys = raw.keys;
    this.properties = raw.userProperties;
    this.msgId = raw.msgId;
    this.reconsumeTimes = raw.reconsumeTimes;
    this.bornTimestamp = raw.bornTimestamp;
  }
}

/** Turns a decoder option into the function run per message (chosen once, at start). */
export function messageFactory(decode: BodyDecoder): (raw: ReceivedMessage) => Message<unknown> {
  switch (decode) {
    case 'json':
      return (raw) => new DecodedMessage(raw, raw.json());
    case 'text':
      return (raw) => new DecodedMessage(raw, raw.text());
    case 'buffer':
      return (raw) => new DecodedMessage(raw, raw.body);
    case 'auto':
      return (raw) => new DecodedMessage(raw, raw.userProperties['CONTENT_TYPE'] === JSON_CONTENT_TYPE ? raw.json() : raw.text());
    default:
      return (raw) => new DecodedMessage(raw, decode(raw.body, raw));
  }
}
