// SEND_MESSAGE (10) and SEND_MESSAGE_V2 (310) request headers (Java SendMessageRequestHeader and
// SendMessageRequestHeaderV2; reference §3.8). V2 carries the same fields under single letters.
import { HeaderReader } from '../remoting/header-fields';

export interface SendMessageRequestHeader {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  properties: string | undefined;
  reconsumeTimes: number | undefined;
  unitMode: boolean | undefined;
  batch: boolean | undefined;
  maxReconsumeTimes: number | undefined;
  brokerName: string | undefined;
}

/** SendMessageRequestHeaderV2's letter for each field (reference §3.8). */
export const SEND_MESSAGE_V2_KEYS: Readonly<Record<keyof SendMessageRequestHeader, string>> = {
  producerGroup: 'a',
  topic: 'b',
  defaultTopic: 'c',
  defaultTopicQueueNums: 'd',
  queueId: 'e',
  sysFlag: 'f',
  bornTimestamp: 'g',
  flag: 'h',
  properties: 'i',
  reconsumeTimes: 'j',
  unitMode: 'k',
  maxReconsumeTimes: 'l',
  batch: 'm',
  brokerName: 'n',
};

/** Throws HeaderError naming the first missing or malformed field. */
export function parseSendMessageHeader(ext: Readonly<Record<string, string>>, v2: boolean): SendMessageRequestHeader {
  const r = new HeaderReader(ext, v2 ? (field) => SEND_MESSAGE_V2_KEYS[field as keyof SendMessageRequestHeader] : undefined);
  return {
    producerGroup: r.string('producerGroup'),
    topic: r.string('topic'),
    defaultTopic: r.string('defaultTopic'),
    defaultTopicQueueNums: r.int('defaultTopicQueueNums'),
    queueId: r.int('queueId'),
    sysFlag: r.int('sysFlag'),
    bornTimestamp: r.int('bornTimestamp'),
    flag: r.int('flag'),
    properties: r.optionalString('properties'),
    reconsumeTimes: r.optionalInt('reconsumeTimes'),
    unitMode: r.optionalBoolean('unitMode'),
    batch: r.optionalBoolean('batch'),
    maxReconsumeTimes: r.optionalInt('maxReconsumeTimes'),
    brokerName: r.optionalString('brokerName'),
  };
}
