// The part of ali-ons@3.12.0 (plain JS, no types) that ali-ons-child.ts uses.
declare module 'ali-ons' {
  import { EventEmitter } from 'node:events';

  export interface AliOnsMessage {
    /** The offset msgId (store host + commit-log offset), computed from the pulled record. */
    msgId: string;
    topic: string;
    queueId: number;
    /** The TAGS property ("null" as text when the producer set none). */
    tags: string;
    /** The KEYS property (keys joined by a space). */
    keys: string;
    /** Inflated when the record has the COMPRESSED flag. */
    body: Buffer;
    reconsumeTimes: number;
    properties: Record<string, string>;
  }

  export class Message {
    constructor(topic: string, tags: string, body: string | Buffer);
    keys: string[];
  }

  export interface SendResult {
    sendStatus: string;
    msgId: string;
    messageQueue: { topic: string; brokerName: string; queueId: number };
    queueOffset: number;
  }

  export class Producer extends EventEmitter {
    constructor(options: Record<string, unknown>);
    ready(): Promise<void>;
    close(): Promise<void>;
    send(msg: Message): Promise<SendResult>;
  }

  export class Consumer extends EventEmitter {
    constructor(options: Record<string, unknown>);
    ready(): Promise<void>;
    close(): Promise<void>;
    subscribe(topic: string, expression: string, handler: (msg: AliOnsMessage) => Promise<unknown>): void;
  }
}
