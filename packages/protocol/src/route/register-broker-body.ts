// The REGISTER_BROKER (103) request body: Java RegisterBrokerBody, TopicConfigSerializeWrapper and
// DataVersion (remoting/.../protocol/body/, remoting/.../protocol/DataVersion.java).
//
// Wire schema (uncompressed form only; fields sorted):
//   { "filterServerList": [string],
//     "topicConfigSerializeWrapper": {
//        "dataVersion": { "counter": long, "stateVersion": long, "timestamp": long },
//        "topicConfigTable": { "<topic>": TopicConfig (see topic-config-data.ts) } } }
// 5.x adds topicQueueMappingInfoMap / mappingDataVersion to the wrapper; they are ignored here.
// The compressed form (header compressed=true) is in register-broker-body-compressed.ts.
import { BodyError } from './body-error';
import { asObject, emptyRecord, parseJsonObject, readInteger, readMap, readStringArray, type JsonObject } from './json-read';
import { sortedRecord, toJsonBuffer } from './json-write';
import { readTopicConfig, topicConfigToJson, type TopicConfigData } from './topic-config-data';

/** Version of a broker's topic table; the nameserver re-reads topics only when it changes. */
export interface DataVersion {
  /** 5.x controller epoch; 0 on 4.x. */
  stateVersion: number;
  timestamp: number;
  counter: number;
}

export interface TopicConfigSerializeWrapper {
  topicConfigTable: Record<string, TopicConfigData>;
  dataVersion: DataVersion;
}

export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: TopicConfigSerializeWrapper;
  filterServerList: string[];
}

export function dataVersionToJson(v: DataVersion): JsonObject {
  return { counter: v.counter, stateVersion: v.stateVersion, timestamp: v.timestamp };
}

export function readDataVersion(value: unknown, path: string): DataVersion {
  const o = asObject(value, path);
  return {
    stateVersion: readInteger(o, 'stateVersion', path, 0),
    timestamp: readInteger(o, 'timestamp', path, 0),
    counter: readInteger(o, 'counter', path, 0),
  };
}

export function dataVersionEquals(a: DataVersion, b: DataVersion): boolean {
  return a.stateVersion === b.stateVersion && a.timestamp === b.timestamp && a.counter === b.counter;
}

export function topicConfigWrapperToJson(w: TopicConfigSerializeWrapper): JsonObject {
  return { dataVersion: dataVersionToJson(w.dataVersion), topicConfigTable: sortedRecord(w.topicConfigTable, topicConfigToJson) };
}

export function readTopicConfigWrapper(value: unknown, path: string): TopicConfigSerializeWrapper {
  const o = asObject(value, path);
  const topicConfigTable = readMap(o, 'topicConfigTable', path, readTopicConfig);
  for (const [topic, config] of Object.entries(topicConfigTable)) {
    if (config.topicName !== topic) {
      throw new BodyError(`${path}.topicConfigTable[${JSON.stringify(topic)}].topicName is ${JSON.stringify(config.topicName)}; it must equal its key`);
    }
  }
  return {
    topicConfigTable,
    // Java decodes a missing dataVersion as a fresh one; 0/0 makes the nameserver treat it as changed.
    dataVersion: o['dataVersion'] == null ? { stateVersion: 0, timestamp: 0, counter: 0 } : readDataVersion(o['dataVersion'], `${path}.dataVersion`),
  };
}

/** QUERY_DATA_VERSION request and reply body: a DataVersion alone, `{"counter":..,"stateVersion":..,"timestamp":..}`. */
export function encodeDataVersion(version: DataVersion): Buffer {
  return toJsonBuffer(dataVersionToJson(version));
}

export function decodeDataVersion(body: Uint8Array | undefined): DataVersion {
  return readDataVersion(parseJsonObject(body, 'DataVersion body'), 'DataVersion');
}

/** GET_ALL_TOPIC_CONFIG reply body: the wrapper alone, `{"dataVersion":{...},"topicConfigTable":{...}}`. */
export function encodeTopicConfigSerializeWrapper(wrapper: TopicConfigSerializeWrapper): Buffer {
  return toJsonBuffer(topicConfigWrapperToJson(wrapper));
}

export function encodeRegisterBrokerBody(body: RegisterBrokerBody): Buffer {
  return toJsonBuffer({
    filterServerList: body.filterServerList,
    topicConfigSerializeWrapper: topicConfigWrapperToJson(body.topicConfigSerializeWrapper),
  });
}

export function decodeRegisterBrokerBody(body: Uint8Array | undefined): RegisterBrokerBody {
  const path = 'RegisterBrokerBody';
  const o = parseJsonObject(body, path);
  const wrapper = o['topicConfigSerializeWrapper'];
  return {
    topicConfigSerializeWrapper:
      wrapper == null
        ? { topicConfigTable: emptyRecord(), dataVersion: { stateVersion: 0, timestamp: 0, counter: 0 } }
        : readTopicConfigWrapper(wrapper, `${path}.topicConfigSerializeWrapper`),
    filterServerList: readStringArray(o, 'filterServerList', path),
  };
}
