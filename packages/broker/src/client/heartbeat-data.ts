// HeartbeatData, the JSON body of HEART_BEAT (34), reference §5.2 (Java heartbeat/HeartbeatData):
//
//   { "clientID": "ip@instance",
//     "consumerDataSet": [ { "groupName", "consumeType", "messageModel", "consumeFromWhere",
//                            "subscriptionDataSet": [ { "topic", "subString", "subVersion", "expressionType"?,
//                                                       "tagsSet", "codeSet", "classFilterMode" } ],
//                            "unitMode" } ],
//     "producerDataSet": [ { "groupName" } ] }
//
// Unknown fields are ignored and missing optional ones get Java's defaults; a missing clientID, a
// group without a name, or a subscription without a topic is refused with a reason.

export type MessageModel = 'CLUSTERING' | 'BROADCASTING';

export interface SubscriptionEntry {
  topic: string;
  subString: string;
  subVersion: number;
  expressionType: string;
}

export interface ConsumerData {
  groupName: string;
  consumeType: string;
  messageModel: MessageModel;
  consumeFromWhere: string;
  subscriptions: SubscriptionEntry[];
  unitMode: boolean;
}

export interface HeartbeatData {
  clientId: string;
  consumers: ConsumerData[];
  producerGroups: string[];
}

export type HeartbeatParseResult = { ok: true; heartbeat: HeartbeatData } | { ok: false; reason: string };

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

export function parseHeartbeatData(body: Buffer | undefined): HeartbeatParseResult {
  if (body === undefined || body.length === 0) return { ok: false, reason: 'HEART_BEAT needs a HeartbeatData JSON body' };
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `HEART_BEAT body is not JSON: ${(error as Error).message}` };
  }
  if (!isObject(json)) return { ok: false, reason: 'HEART_BEAT body must be a JSON object' };
  if (!nonEmptyString(json['clientID'])) return { ok: false, reason: 'HEART_BEAT body has no clientID' };

  const consumerSet = arrayField(json, 'consumerDataSet', 'heartbeat');
  if (typeof consumerSet === 'string') return { ok: false, reason: consumerSet };
  const consumers: ConsumerData[] = [];
  for (const [index, raw] of consumerSet.entries()) {
    const where = `consumerDataSet[${index}]`;
    if (!isObject(raw) || !nonEmptyString(raw['groupName'])) return { ok: false, reason: `${where} has no groupName` };
    const subSet = arrayField(raw, 'subscriptionDataSet', where);
    if (typeof subSet === 'string') return { ok: false, reason: subSet };
    const subscriptions: SubscriptionEntry[] = [];
    for (const [subIndex, sub] of subSet.entries()) {
      if (!isObject(sub) || !nonEmptyString(sub['topic'])) return { ok: false, reason: `${where}.subscriptionDataSet[${subIndex}] has no topic` };
      subscriptions.push({
        topic: sub['topic'],
        subString: typeof sub['subString'] === 'string' ? sub['subString'] : '*',
        subVersion: typeof sub['subVersion'] === 'number' ? sub['subVersion'] : 0,
        expressionType: typeof sub['expressionType'] === 'string' ? sub['expressionType'] : 'TAG',
      });
    }
    consumers.push({
      groupName: raw['groupName'],
      consumeType: typeof raw['consumeType'] === 'string' ? raw['consumeType'] : 'CONSUME_PASSIVELY',
      messageModel: raw['messageModel'] === 'BROADCASTING' ? 'BROADCASTING' : 'CLUSTERING',
      consumeFromWhere: typeof raw['consumeFromWhere'] === 'string' ? raw['consumeFromWhere'] : 'CONSUME_FROM_LAST_OFFSET',
      subscriptions,
      unitMode: raw['unitMode'] === true,
    });
  }

  const producerSet = arrayField(json, 'producerDataSet', 'heartbeat');
  if (typeof producerSet === 'string') return { ok: false, reason: producerSet };
  const producerGroups: string[] = [];
  for (const [index, raw] of producerSet.entries()) {
    if (!isObject(raw) || !nonEmptyString(raw['groupName'])) return { ok: false, reason: `producerDataSet[${index}] has no groupName` };
    producerGroups.push(raw['groupName']);
  }
  return { ok: true, heartbeat: { clientId: json['clientID'], consumers, producerGroups } };
}
