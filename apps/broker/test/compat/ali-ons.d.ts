// The part of ali-ons@3.12.0 (plain JS, no types) that ali-ons-client.ts uses.
declare module 'ali-ons' {
  import { EventEmitter } from 'node:events';

  export interface AliOnsMessage {
    msgId: string;
    originMessageId?: string;
    topic: string;
    queueId: number;
    tags: string;
    /** The KEYS property (keys joined by a space). */
    keys: string;
    body: Buffer;
    reconsumeTimes: number;
    bornTimestamp: number;
    storeTimestamp: number;
    properties: Record<string, string>;
  }

  export class Message {
    constructor(topic: string, tags: string, body: string | Buffer);
    keys: string[];
    /** Sets the DELAY property (0: not delayed). */
    delayTimeLevel: number;
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
    _processQueueTable: Map<string, unknown>;
  }
}
