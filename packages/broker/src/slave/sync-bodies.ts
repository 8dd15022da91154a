// The bodies a slave copies from its master (Java SlaveSynchronize), one reader and writer each:
//
//   21  GET_ALL_TOPIC_CONFIG              TopicConfigSerializeWrapper
//         { "dataVersion": {...}, "topicConfigTable": { "<topic>": TopicConfig } }
//   43  GET_ALL_CONSUMER_OFFSET           ConsumerOffsetSerializeWrapper
//         { "offsetTable": { "<topic>@<group>": { "<queueId>": offset } } }
//   45  GET_ALL_DELAY_OFFSET              DelayOffsetSerializeWrapper
//         { "offsetTable": { "<delayLevel>": offset } }
//   201 GET_ALL_SUBSCRIPTIONGROUP_CONFIG  SubscriptionGroupWrapper
//         { "dataVersion": {...}, "subscriptionGroupTable": { "<group>": SubscriptionGroupConfig } }
//
// fastjson writes integer map keys unquoted ({0:12}); we write standard JSON and read both.
import { topicConfigWithDefaults, type SubscriptionGroupConfig, type TopicConfig } from '@pulsejet/core';
import { decodeRegisterBrokerBody, type DataVersion } from '@pulsejet/protocol';
import { parseSubscriptionGroupBody } from '../admin/group-processors';

export class SyncBodyError extends Error {
  override readonly name = 'SyncBodyError';
}

export interface OffsetRow {
  group: string;
  topic: string;
  queueId: number;
  offset: number;
}

export interface DelayOffsetRow {
  level: number;
  offset: number;
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** Parses a body that may use fastjson's unquoted integer keys. Only for bodies whose strings hold no ',' '{' ':'. */
function parseLenient(body: Buffer | undefined, what: string): Record<string, unknown> {
  if (body === undefined || body.length === 0) throw new SyncBodyError(`${what} is empty`);
  const text = body.toString('utf8').replace(/([{,])\s*(-?\d+)\s*:/g, '$1"$2":');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SyncBodyError(`${what} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SyncBodyError(`${what} must be a JSON object`);
  return parsed as Record<string, unknown>;
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new SyncBodyError(`${path} must be a JSON object`);
  return value as Record<string, unknown>;
}

function nonNegativeInteger(value: unknown, path: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new SyncBodyError(`${path} must be an integer >= 0, got ${JSON.stringify(value)}`);
  return n;
}

export function encodeConsumerOffsets(rows: readonly OffsetRow[]): Buffer {
  const table: Record<string, Record<string, number>> = {};
  for (const row of rows) (table[`${row.topic}@${row.group}`] ??= {})[String(row.queueId)] = row.offset;
  return json({ offsetTable: table });
}

export function decodeConsumerOffsets(body: Buffer | undefined): OffsetRow[] {
  const table = objectAt(parseLenient(body, 'GET_ALL_CONSUMER_OFFSET body')['offsetTable'], 'offsetTable');
  const rows: OffsetRow[] = [];
  for (const [key, queues] of Object.entries(table)) {
    // Topic names cannot contain '@' (validateTopicName), so the first '@' ends the topic.
    const at = key.indexOf('@');
    if (at <= 0 || at === key.length - 1) throw new SyncBodyError(`offsetTable key ${JSON.stringify(key)} must be "<topic>@<group>"`);
    const topic = key.slice(0, at);
    const group = key.slice(at + 1);
    for (const [queueId, offset] of Object.entries(objectAt(queues, `offsetTable.${key}`))) {
      rows.push({ group, topic, queueId: nonNegativeInteger(queueId, `offsetTable.${key} queue id`), offset: nonNegativeInteger(offset, `offsetTable.${key}.${queueId}`) });
    }
  }
  return rows;
}

export function encodeDelayOffsets(rows: readonly DelayOffsetRow[]): Buffer {
  const table: Record<string, number> = {};
  for (const row of rows) table[String(row.level)] = row.offset;
  return json({ offsetTable: table });
}

export function decodeDelayOffsets(body: Buffer | undefined): DelayOffsetRow[] {
  const table = objectAt(parseLenient(body, 'GET_ALL_DELAY_OFFSET body')['offsetTable'], 'offsetTable');
  return Object.entries(table).map(([level, offset]) => {
    const parsedLevel = nonNegativeInteger(level, 'offsetTable delay level');
    if (parsedLevel === 0) throw new SyncBodyError('offsetTable delay level must be >= 1, got 0');
    return { level: parsedLevel, offset: nonNegativeInteger(offset, `offsetTable.${level}`) };
  });
}

/** GET_ALL_TOPIC_CONFIG: read with protocol's TopicConfigSerializeWrapper reader (the REGISTER_BROKER body embeds the same object). */
export function decodeTopicConfigs(body: Buffer | undefined): TopicConfig[] {
  if (body === undefined || body.length === 0) throw new SyncBodyError('GET_ALL_TOPIC_CONFIG body is empty');
  let wrapper;
  try {
    const wrapped = Buffer.concat([Buffer.from('{"filterServerList":[],"topicConfigSerializeWrapper":'), body, Buffer.from('}')]);
    wrapper = decodeRegisterBrokerBody(wrapped).topicConfigSerializeWrapper;
  } catch (error) {
    throw new SyncBodyError(`GET_ALL_TOPIC_CONFIG body is invalid: ${(error as Error).message}`);
  }
  return Object.values(wrapper.topicConfigTable).map((c) =>
    topicConfigWithDefaults(c.topicName, {
      readQueueNums: c.readQueueNums,
      writeQueueNums: c.writeQueueNums,
      perm: c.perm,
      topicFilterType: c.topicFilterType,
      topicSysFlag: c.topicSysFlag,
      order: c.order,
    }),
  );
}

const GROUPS_BODY = 'GET_ALL_SUBSCRIPTIONGROUP_CONFIG body';

export function decodeSubscriptionGroups(body: Buffer | undefined): SubscriptionGroupConfig[] {
  const table = objectAt(jsonWrapper(body, GROUPS_BODY)['subscriptionGroupTable'], 'subscriptionGroupTable');
  return Object.entries(table).map(([name, value]) => {
    try {
      return parseSubscriptionGroupBody(json(value));
    } catch (error) {
      throw new SyncBodyError(`subscriptionGroupTable.${name} is invalid: ${(error as Error).message}`);
    }
  });
}

/** The wrapper's "dataVersion", or undefined when the master sent none (a slave then keeps its own). */
export function decodeSubscriptionGroupsDataVersion(body: Buffer | undefined): DataVersion | undefined {
  return wrapperDataVersion(jsonWrapper(body, GROUPS_BODY));
}

/**
 * GET_ALL_TOPIC_CONFIG's "dataVersion", read on its own: decodeTopicConfigs' reader gives a missing
 * one as 0/0/0 (as Java does for a nameserver), where a slave should keep its own version instead.
 */
export function decodeTopicConfigsDataVersion(body: Buffer | undefined): DataVersion | undefined {
  return wrapperDataVersion(jsonWrapper(body, 'GET_ALL_TOPIC_CONFIG body'));
}

function wrapperDataVersion(wrapper: Record<string, unknown>): DataVersion | undefined {
  const version = wrapper['dataVersion'];
  if (version === undefined || version === null) return undefined;
  const fields = objectAt(version, 'dataVersion');
  return {
    stateVersion: fields['stateVersion'] === undefined ? 0 : nonNegativeInteger(fields['stateVersion'], 'dataVersion.stateVersion'),
    timestamp: nonNegativeInteger(fields['timestamp'], 'dataVersion.timestamp'),
    counter: nonNegativeInteger(fields['counter'], 'dataVersion.counter'),
  };
}

function jsonWrapper(body: Buffer | undefined, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse((body ?? Buffer.alloc(0)).toString('utf8'));
  } catch (error) {
    throw new SyncBodyError(`${what} is not JSON: ${(error as Error).message}`);
  }
  return objectAt(parsed, what);
}
