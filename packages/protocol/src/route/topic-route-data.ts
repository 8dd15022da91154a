// TopicRouteData: the reply body of GET_ROUTEINFO_BY_TOPIC (105), reference §5.1; Java
// common/.../protocol/route/{TopicRouteData,QueueData,BrokerData}.java.
//
// Wire schema (standard JSON, quoted keys, fields in fastjson's sorted order):
//   {
//     "brokerDatas":       [ { "brokerAddrs": { "<brokerId>": "ip:port", ... },   // 0 = master, >=1 = slaves
//                              "brokerName": string, "cluster": string } ],
//     "filterServerTable": { "<brokerAddr>": [ "ip:port", ... ] },
//     "orderTopicConf":    "broker-a:4;broker-b:4",                                // omitted when absent
//     "queueDatas":        [ { "brokerName": string, "perm": int, "readQueueNums": int,
//                              "topicSysFlag": int, "writeQueueNums": int } ]
//   }
// ali-ons sorts both arrays, so both must be present. A legacy fastjson body writes brokerAddrs keys
// unquoted ({0:"..."}); we always write quoted keys, which ali-ons (JSON2) and Java accept.
import { BodyError } from './body-error';
import {
  asObject,
  parseJsonObject,
  readArray,
  readInteger,
  readMap,
  readOptionalString,
  readString,
  stringArrayValue,
  stringValue,
  type JsonObject,
} from './json-read';
import { sortedRecord, toJsonBuffer } from './json-write';

/** The queues one broker (by name) serves for a topic. */
export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  /** PermName bits: 4 read, 2 write, 1 inherit. */
  perm: number;
  topicSysFlag: number;
}

/** A broker group: its master (id 0) and slaves (ids >= 1) under one name. */
export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** brokerId (decimal string, as the JSON key) -> "ip:port". */
  brokerAddrs: Record<string, string>;
}

export interface TopicRouteData {
  /** "brokerName:queueNums;..." from the nameserver's ORDER_TOPIC_CONFIG namespace. */
  orderTopicConf?: string;
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  /** brokerAddr -> filter server addresses (RocketMQ class filter; kept for compatibility, usually {}). */
  filterServerTable: Record<string, string[]>;
}

/** Master's brokerId (Java MixAll.MASTER_ID). */
export const MASTER_BROKER_ID = 0;

const BROKER_ID_KEY = /^(0|[1-9][0-9]*)$/;

export function queueDataToJson(q: QueueData): JsonObject {
  return { brokerName: q.brokerName, perm: q.perm, readQueueNums: q.readQueueNums, topicSysFlag: q.topicSysFlag, writeQueueNums: q.writeQueueNums };
}

export function brokerDataToJson(b: BrokerData): JsonObject {
  // Integer-like keys iterate in ascending numeric order in JS, which is fastjson's order for Long keys.
  return { brokerAddrs: { ...b.brokerAddrs }, brokerName: b.brokerName, cluster: b.cluster };
}

export function encodeTopicRouteData(route: TopicRouteData): Buffer {
  return toJsonBuffer({
    brokerDatas: route.brokerDatas.map(brokerDataToJson),
    filterServerTable: sortedRecord(route.filterServerTable),
    ...(route.orderTopicConf !== undefined ? { orderTopicConf: route.orderTopicConf } : {}),
    queueDatas: route.queueDatas.map(queueDataToJson),
  });
}

export function readQueueData(value: unknown, path: string): QueueData {
  const o = asObject(value, path);
  return {
    brokerName: readString(o, 'brokerName', path),
    readQueueNums: readInteger(o, 'readQueueNums', path),
    writeQueueNums: readInteger(o, 'writeQueueNums', path),
    perm: readInteger(o, 'perm', path),
    topicSysFlag: readInteger(o, 'topicSysFlag', path, 0),
  };
}

export function readBrokerData(value: unknown, path: string): BrokerData {
  const o = asObject(value, path);
  const brokerAddrs = readMap(o, 'brokerAddrs', path, stringValue);
  for (const key of Object.keys(brokerAddrs)) {
    if (!BROKER_ID_KEY.test(key)) throw new BodyError(`${path}.brokerAddrs key ${JSON.stringify(key)} must be a broker id (a non-negative integer)`);
  }
  return {
    cluster: readOptionalString(o, 'cluster', path) ?? '',
    brokerName: readString(o, 'brokerName', path),
    brokerAddrs,
  };
}

export function decodeTopicRouteData(body: Uint8Array | undefined): TopicRouteData {
  const path = 'TopicRouteData';
  const o = parseJsonObject(body, path);
  const route: TopicRouteData = {
    queueDatas: readArray(o, 'queueDatas', path).map((q, i) => readQueueData(q, `${path}.queueDatas[${i}]`)),
    brokerDatas: readArray(o, 'brokerDatas', path).map((b, i) => readBrokerData(b, `${path}.brokerDatas[${i}]`)),
    filterServerTable: readMap(o, 'filterServerTable', path, stringArrayValue),
  };
  const orderTopicConf = readOptionalString(o, 'orderTopicConf', path);
  if (orderTopicConf !== undefined) route.orderTopicConf = orderTopicConf;
  return route;
}

/** The master's address of `broker`, if it has one. */
export function masterAddressOf(broker: BrokerData): string | undefined {
  return broker.brokerAddrs[String(MASTER_BROKER_ID)];
}
