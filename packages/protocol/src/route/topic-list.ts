// TopicList: the reply body of GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206) and GET_TOPICS_BY_CLUSTER
// (224); Java remoting/.../body/TopicList.java.
//
// Wire schema: { "brokerAddr"?: string, "topicList": [ string, ... ] }   (a Java Set: no duplicates)
import { parseJsonObject, readOptionalString, readStringArray } from './json-read';
import { toJsonBuffer } from './json-write';

export interface TopicList {
  topicList: string[];
  brokerAddr?: string;
}

export function encodeTopicList(list: TopicList): Buffer {
  return toJsonBuffer({
    ...(list.brokerAddr !== undefined ? { brokerAddr: list.brokerAddr } : {}),
    topicList: [...new Set(list.topicList)].sort(),
  });
}

export function decodeTopicList(body: Uint8Array | undefined): TopicList {
  const path = 'TopicList';
  const o = parseJsonObject(body, path);
  const list: TopicList = { topicList: readStringArray(o, 'topicList', path) };
  const brokerAddr = readOptionalString(o, 'brokerAddr', path);
  if (brokerAddr !== undefined) list.brokerAddr = brokerAddr;
  return list;
}
