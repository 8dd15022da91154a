// The part of ali-ons@3.12.0 (plain JS, no types) the compatibility test touches, including the
// internal route lookup its producer uses (lib/mq_client_api.js getTopicRouteInfoFromNameServer).
declare module 'ali-ons' {
  import { EventEmitter } from 'node:events';

  export interface AliOnsRoute {
    brokerDatas: { brokerName: string; cluster?: string; brokerAddrs: Record<string, string> }[];
    queueDatas: { brokerName: string; perm: number; readQueueNums: number; writeQueueNums: number; topicSysFlag?: number }[];
    filterServerTable?: Record<string, string[]>;
    orderTopicConf?: string;
  }

  export interface AliOnsMessageQueue {
    topic: string;
    brokerName: string;
    queueId: number;
  }

  export class Producer extends EventEmitter {
    constructor(options: Record<string, unknown>);
    static defaultProducer: Producer | undefined;
    ready(): Promise<void>;
    close(): Promise<void>;
    tryToFindTopicPublishInfo(topic: string): Promise<{ messageQueueList: AliOnsMessageQueue[]; orderTopic: boolean }>;
    _mqClient: { getTopicRouteInfoFromNameServer(topic: string, timeoutMs: number): Promise<AliOnsRoute> };
  }
}
