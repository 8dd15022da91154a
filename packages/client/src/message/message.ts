// What users send (Java Message plus the conveniences a TypeScript user expects: a string or JSON
// body, keys as a string or an array, delay by level or by time). The producer turns it into the
// wire properties in producer/build-message.ts.

/** A JSON value: what `JSON.stringify` writes faithfully. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

/**
 * The body: bytes as they are, a string as UTF-8, anything else as JSON (with the user property
 * CONTENT_TYPE = application/json so a reader knows to parse it).
 */
export type MessageBody = Buffer | Uint8Array | string | JsonValue;

export interface Message {
  topic: string;
  body: MessageBody;
  /** One tag; consumers filter on it (`'*'`, `'A || B'`). */
  tags?: string;
  /** Keys to look the message up by; stored space-separated, so a key may not contain a space. */
  keys?: string | readonly string[];
  /** User properties; names the broker or clients use (SYSTEM_PROPERTY_KEYS) are refused. */
  properties?: Readonly<Record<string, string>>;
  /** Delay level 1..N of the broker's messageDelayLevel (default 1s 5s 10s 30s 1m ...). */
  delayLevel?: number;
  /** Deliver at this time (epoch ms or a Date); the broker holds the message until then. */
  deliverAt?: number | Date;
  /** Deliver after this many ms (the same mechanism as deliverAt). */
  delayMs?: number;
  /** Ordered messages: the same key always goes to the same queue while the route is stable. */
  shardingKey?: string;
  /** An opaque int32 the broker stores and hands back. @default 0 */
  flag?: number;
}

/** The CONTENT_TYPE of a JSON body. */
export const JSON_CONTENT_TYPE = 'application/json';
