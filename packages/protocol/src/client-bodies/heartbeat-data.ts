// HeartbeatData, the JSON body of HEART_BEAT (34), reference §5.2; Java
// common/.../protocol/heartbeat/{HeartbeatData,ConsumerData,ProducerData,SubscriptionData}.java.
// Shared by the broker (which parses what any client sends) and @pulsejet/client (which builds it).
//
// Wire schema (Java field names; we write fastjson's sorted field order):
//   { "clientID": "ip@instance",
//     "consumerDataSet": [ { "consumeFromWhere", "consumeType", "groupName", "messageModel",
//                            "subscriptionDataSet": [ { "classFilterMode", "codeSet", "expressionType",
//                                                       "subString", "subVersion", "tagsSet", "topic" } ],
//                            "unitMode" } ],
//     "producerDataSet": [ { "groupName" } ] }
//
// Parsing is tolerant, as a broker must be: unknown fields are ignored and missing optional ones get
// Java's defaults (ali-ons omits expressionType). A missing clientID, a group without a name, or a
// subscription without a topic is refused with a reason (a result value: the broker answers it).
import { toJsonBuffer } from '../route/json-write';

export type MessageModel = 'CLUSTERING' | 'BROADCASTING';

/** Java ExpressionType.TAG, the default; SQL92 is the other 4.x value. */
export const EXPRESSION_TYPE_TAG = 'TAG';
/** The subString that subscribes to every tag (Java SubscriptionData.SUB_ALL). */
export const SUB_ALL = '*';

export interface SubscriptionData {
  topic: string;
  /** The expression as the user wrote it: '*' or 'A || B'. */
  subString: string;
  /** The trimmed tags of subString; empty for '*'. */
  tagsSet: string[];
  /** Java String.hashCode of each tag, in tagsSet order (the broker filters on these). */
  codeSet: number[];
  /** A version, ms since the epoch when built; a newer one replaces an older one on the broker. */
  subVersion: number;
  expressionType: string;
  classFilterMode: boolean;
}

export interface ConsumerData {
  groupName: string;
  /** CONSUME_ACTIVELY (pull) or CONSUME_PASSIVELY (push). */
  consumeType: string;
  messageModel: MessageModel;
  consumeFromWhere: string;
  subscriptionDataSet: SubscriptionData[];
  unitMode: boolean;
}

export interface ProducerData {
  groupName: string;
}

export interface HeartbeatData {
  /** `<clientIP>@<instanceName>`. */
  clientID: string;
  consumerDataSet: ConsumerData[];
  producerDataSet: ProducerData[];
}

export type HeartbeatParseResult = { ok: true; heartbeat: HeartbeatData } | { ok: false; reason: string };

function subscriptionToJson(s: SubscriptionData): Record<string, unknown> {
  return {
    classFilterMode: s.classFilterMode,
    codeSet: s.codeSet,
    expressionType: s.expressionType,
    subString: s.subString,
    subVersion: s.subVersion,
    tagsSet: s.tagsSet,
    topic: s.topic,
  };
}

export function encodeHeartbeatData(data: HeartbeatData): Buffer {
  return toJsonBuffer({
    clientID: data.clientID,
    consumerDataSet: data.consumerDataSet.map((c) => ({
      consumeFromWhere: c.consumeFromWhere,
      consumeType: c.consumeType,
      groupName: c.groupName,
      messageModel: c.messageModel,
      subscriptionDataSet: c.subscriptionDataSet.map(subscriptionToJson),
      unitMode: c.unitMode,
    })),
    producerDataSet: data.producerDataSet.map((p) => ({ groupName: p.groupName })),
  });
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function arrayField(object: Json, name: string, where: string): unknown[] | string {
  const value = object[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return `${where}.${name} must be an array`;
  return value;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function intsOf(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((item): item is number => Number.isInteger(item)) : [];
}

function parseSubscription(sub: Json & { topic: string }): SubscriptionData {
  return {
    topic: sub.topic,
    subString: typeof sub['subString'] === 'string' ? sub['subString'] : SUB_ALL,
    tagsSet: stringsOf(sub['tagsSet']),
    codeSet: intsOf(sub['codeSet']),
    subVersion: typeof sub['subVersion'] === 'number' ? sub['subVersion'] : 0,
    expressionType: typeof sub['expressionType'] === 'string' ? sub['expressionType'] : EXPRESSION_TYPE_TAG,
    classFilterMode: sub['classFilterMode'] === true,
  };
}

/** Reads a HEART_BEAT body from any client (Java, ali-ons, ours); see the file comment for the tolerance rules. */
export function parseHeartbeatData(body: Uint8Array | undefined): HeartbeatParseResult {
  if (body === undefined || body.length === 0) return { ok: false, reason: 'HEART_BEAT needs a HeartbeatData JSON body' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `HEART_BEAT body is not JSON: ${(error as Error).message}` };
  }
  if (!isObject(json)) return { ok: false, reason: 'HEART_BEAT body must be a JSON object' };
  if (!nonEmptyString(json['clientID'])) return { ok: false, reason: 'HEART_BEAT body has no clientID' };

  const consumerSet = arrayField(json, 'consumerDataSet', 'heartbeat');
  if (typeof consumerSet === 'string') return { ok: false, reason: consumerSet };
  const consumerDataSet: ConsumerData[] = [];
  for (const [index, raw] of consumerSet.entries()) {
    const where = `consumerDataSet[${index}]`;
    if (!isObject(raw) || !nonEmptyString(raw['groupName'])) return { ok: false, reason: `${where} has no groupName` };
    const subSet = arrayField(raw, 'subscriptionDataSet', where);
    if (typeof subSet === 'string') return { ok: false, reason: subSet };
    const subscriptionDataSet: SubscriptionData[] = [];
    for (const [subIndex, sub] of subSet.entries()) {
      if (!isObject(sub) || !nonEmptyString(sub['topic'])) return { ok: false, reason: `${where}.subscriptionDataSet[${subIndex}] has no topic` };
      subscriptionDataSet.push(parseSubscription(sub as Json & { topic: string }));
    }
    consumerDataSet.push({
      groupName: raw['groupName'],
      consumeType: typeof raw['consumeType'] === 'string' ? raw['consumeType'] : 'CONSUME_PASSIVELY',
      messageModel: raw['messageModel'] === 'BROADCASTING' ? 'BROADCASTING' : 'CLUSTERING',
      consumeFromWhere: typeof raw['consumeFromWhere'] === 'string' ? raw['consumeFromWhere'] : 'CONSUME_FROM_LAST_OFFSET',
      subscriptionDataSet,
      unitMode: raw['unitMode'] === true,
    });
  }

  const producerSet = arrayField(json, 'producerDataSet', 'heartbeat');
  if (typeof producerSet === 'string') return { ok: false, reason: producerSet };
  const producerDataSet: ProducerData[] = [];
  for (const [index, raw] of producerSet.entries()) {
    if (!isObject(raw) || !nonEmptyString(raw['groupName'])) return { ok: false, reason: `producerDataSet[${index}] has no groupName` };
    producerDataSet.push({ groupName: raw['groupName'] });
  }
  return { ok: true, heartbeat: { clientID: json['clientID'], consumerDataSet, producerDataSet } };
}
