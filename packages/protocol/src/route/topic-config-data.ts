// TopicConfig as a broker reports it to the nameserver inside REGISTER_BROKER (Java
// common/.../TopicConfig.java, serialised by fastjson). Same fields as core's TopicConfig, so the
// broker can pass its table straight through.
//
// Wire schema (fields sorted):
//   { "attributes"?: {string: string}, "order": bool, "perm": int, "readQueueNums": int,
//     "topicFilterType": "SINGLE_TAG" | "MULTI_TAG", "topicName": string, "topicSysFlag": int,
//     "writeQueueNums": int }
import { BodyError } from './body-error';
import { asObject, readBoolean, readInteger, readMap, readOptionalString, readString, stringValue, type JsonObject } from './json-read';
import { sortedRecord } from './json-write';
import { PermName } from './perm';

export type TopicFilterType = 'SINGLE_TAG' | 'MULTI_TAG';

export interface TopicConfigData {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType;
  topicSysFlag: number;
  order: boolean;
  attributes?: Record<string, string>;
}

// Java TopicConfig field initialisers, used when a sender leaves a field out.
const JAVA_DEFAULT_QUEUE_NUMS = 16;
const JAVA_DEFAULT_PERM = PermName.READ | PermName.WRITE;

export function topicConfigToJson(c: TopicConfigData): JsonObject {
  return {
    ...(c.attributes !== undefined ? { attributes: sortedRecord(c.attributes) } : {}),
    order: c.order,
    perm: c.perm,
    readQueueNums: c.readQueueNums,
    topicFilterType: c.topicFilterType,
    topicName: c.topicName,
    topicSysFlag: c.topicSysFlag,
    writeQueueNums: c.writeQueueNums,
  };
}

export function readTopicConfig(value: unknown, path: string): TopicConfigData {
  const o = asObject(value, path);
  const filter = readOptionalString(o, 'topicFilterType', path) ?? 'SINGLE_TAG';
  if (filter !== 'SINGLE_TAG' && filter !== 'MULTI_TAG') throw new BodyError(`${path}.topicFilterType must be SINGLE_TAG or MULTI_TAG`);
  const config: TopicConfigData = {
    topicName: readString(o, 'topicName', path),
    readQueueNums: readInteger(o, 'readQueueNums', path, JAVA_DEFAULT_QUEUE_NUMS),
    writeQueueNums: readInteger(o, 'writeQueueNums', path, JAVA_DEFAULT_QUEUE_NUMS),
    perm: readInteger(o, 'perm', path, JAVA_DEFAULT_PERM),
    topicFilterType: filter,
    topicSysFlag: readInteger(o, 'topicSysFlag', path, 0),
    order: readBoolean(o, 'order', path, false),
  };
  if (o['attributes'] != null) config.attributes = readMap(o, 'attributes', path, stringValue);
  return config;
}
