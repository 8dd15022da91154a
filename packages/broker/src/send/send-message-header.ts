// SEND_MESSAGE (10) and SEND_MESSAGE_V2 (310) request headers (Java SendMessageRequestHeader and
// SendMessageRequestHeaderV2; reference §3.8). V2 carries the same fields under single letters.
import * as protocol from '@pulsejet/protocol';
import type { PropertiesBytes, RemotingCommand } from '@pulsejet/protocol';
import { HeaderReader } from '../remoting/header-fields';
import { plainInt } from '../remoting/plain-int';
import { readRawV2 } from './send-header-raw';
import { plainHeader } from './send-plain-fields';

// Bound once at load (see send-message-processor.ts).
const { rawExtFieldsOf } = protocol;

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
  /**
   * Where `properties` lies in the request, when the header was read from its bytes
   * (./send-header-raw): the processor may store those bytes as they came.
   */
  propertiesBytes?: PropertiesBytes;
}

/** SendMessageRequestHeaderV2's letter for each field (reference §3.8). */
export const SEND_MESSAGE_V2_KEYS: Readonly<Record<Exclude<keyof SendMessageRequestHeader, 'propertiesBytes'>, string>> = {
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

const v2KeyOf = (field: string): string => SEND_MESSAGE_V2_KEYS[field as keyof typeof SEND_MESSAGE_V2_KEYS];

/**
 * The send header of `request`: from its bytes when it arrived as a binary V2 header the transport
 * has not decoded into extFields (./send-header-raw), else from extFields. Throws as
 * parseSendMessageHeader.
 */
export function parseSendRequestHeader(request: RemotingCommand, v2: boolean): SendMessageRequestHeader {
  const raw = v2 ? rawExtFieldsOf(request) : undefined;
  return (raw === undefined ? undefined : readRawV2(raw)) ?? parseSendMessageHeader(request.extFields, v2);
}

/** Throws HeaderError naming the first missing or malformed field. */
export function parseSendMessageHeader(ext: Readonly<Record<string, string>>, v2: boolean): SendMessageRequestHeader {
  return (v2 ? readPlainV2(ext) : undefined) ?? readHeader(new HeaderReader(ext, v2 ? v2KeyOf : undefined));
}

function readHeader(r: HeaderReader): SendMessageRequestHeader {
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

/**
 * The V2 header every producer sends on every message: required fields present, numbers plain
 * decimals, booleans "true"/"false". Read by letter with no per-field lookups or regexes; it gives
 * what the HeaderReader would. Anything else (a missing field, blanks, another spelling) is undefined,
 * and the HeaderReader decides, with its error messages.
 */
function readPlainV2(ext: Readonly<Record<string, string>>): SendMessageRequestHeader | undefined {
  return plainHeader({
    producerGroup: present(ext['a']),
    topic: present(ext['b']),
    defaultTopic: present(ext['c']),
    defaultTopicQueueNums: plainInt(ext['d']),
    queueId: plainInt(ext['e']),
    sysFlag: plainInt(ext['f']),
    bornTimestamp: plainInt(ext['g']),
    flag: plainInt(ext['h']),
    properties: present(ext['i']),
    reconsumeTimes: optionalPlainInt(ext['j']),
    unitMode: optionalPlainBoolean(ext['k']),
    batch: optionalPlainBoolean(ext['m']),
    maxReconsumeTimes: optionalPlainInt(ext['l']),
    brokerName: present(ext['n']),
  });
}

/** Java writes a null field as the text "null"; it means absent. */
function present(value: string | undefined): string | undefined {
  return value === undefined || value === 'null' ? undefined : value;
}

/** undefined when absent, null when present but not plain (the HeaderReader must look). */
function optionalPlainInt(value: string | undefined): number | undefined | null {
  if (present(value) === undefined) return undefined;
  return plainInt(value) ?? null;
}

function optionalPlainBoolean(value: string | undefined): boolean | undefined | null {
  if (present(value) === undefined) return undefined;
  if (value === 'false') return false;
  if (value === 'true') return true;
  return null;
}
