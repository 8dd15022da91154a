// defineTopic<T>(): a topic name with the type of its bodies, so producers and @Subscribe
// handlers agree on it at compile time. Costs nothing at run time: it is a name and a builder.
import type { Message as OutgoingMessage } from '@pulsejet/client';

export interface TopicDefinition<T> {
  readonly name: string;
  /**
   * A message to send to this topic with a typed body (objects travel as JSON; 'auto' decoding
   * parses them back). `extras`: tags, keys, properties, delay, shardingKey...
   */
  message(body: T, extras?: Omit<OutgoingMessage, 'topic' | 'body'>): OutgoingMessage;
  /** Only carries T for type inference; never set. */
  readonly __body?: T;
}

export function defineTopic<T>(name: string): TopicDefinition<T> {
  return {
    name,
    message: (body, extras = {}) => ({ ...extras, topic: name, body: body as OutgoingMessage['body'] }),
  };
}
