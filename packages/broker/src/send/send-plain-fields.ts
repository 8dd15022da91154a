// What the fast readers of a send header (readPlainV2 from extFields, readRawV2 from the bytes) find,
// and the one check that turns it into a header or sends the request to the full check.
import type { PropertiesBytes } from '@pulsejet/protocol';
import type { SendMessageRequestHeader } from './send-message-header';

/**
 * A send header's fields as the plain readers (readPlainV2, ./send-header-raw) find them: strings
 * undefined when absent or "null"; required integers undefined when absent or not plain; optional
 * integers and booleans undefined when absent or "null", null when present but not plain.
 */
export interface PlainSendFields {
  producerGroup: string | undefined;
  topic: string | undefined;
  defaultTopic: string | undefined;
  defaultTopicQueueNums: number | undefined;
  queueId: number | undefined;
  sysFlag: number | undefined;
  bornTimestamp: number | undefined;
  flag: number | undefined;
  properties: string | undefined;
  reconsumeTimes: number | undefined | null;
  unitMode: boolean | undefined | null;
  batch: boolean | undefined | null;
  maxReconsumeTimes: number | undefined | null;
  brokerName: string | undefined;
  propertiesBytes?: PropertiesBytes;
}

/**
 * The header when every required field is there and nothing needs the full check, else undefined.
 * The same object, not a copy: once checked, its fields have the header's types.
 */
export function plainHeader(fields: PlainSendFields): SendMessageRequestHeader | undefined {
  if (
    fields.producerGroup === undefined ||
    fields.topic === undefined ||
    fields.defaultTopic === undefined ||
    fields.defaultTopicQueueNums === undefined ||
    fields.queueId === undefined ||
    fields.sysFlag === undefined ||
    fields.bornTimestamp === undefined ||
    fields.flag === undefined ||
    fields.reconsumeTimes === null ||
    fields.unitMode === null ||
    fields.batch === null ||
    fields.maxReconsumeTimes === null
  ) {
    return undefined;
  }
  return fields as SendMessageRequestHeader;
}
