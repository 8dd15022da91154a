// ClusterInfo: the reply body of GET_BROKER_CLUSTER_INFO (106); Java remoting/.../body/ClusterInfo.java.
//
// Wire schema (fields and map keys sorted):
//   { "brokerAddrTable":  { "<brokerName>": BrokerData (see topic-route-data.ts) },
//     "clusterAddrTable": { "<clusterName>": [ "<brokerName>", ... ] } }
import { parseJsonObject, readMap, stringArrayValue } from './json-read';
import { sortedRecord, toJsonBuffer } from './json-write';
import { brokerDataToJson, readBrokerData, type BrokerData } from './topic-route-data';

export interface ClusterInfo {
  brokerAddrTable: Record<string, BrokerData>;
  clusterAddrTable: Record<string, string[]>;
}

export function encodeClusterInfo(info: ClusterInfo): Buffer {
  return toJsonBuffer({
    brokerAddrTable: sortedRecord(info.brokerAddrTable, brokerDataToJson),
    clusterAddrTable: sortedRecord(info.clusterAddrTable, (names) => [...names].sort()),
  });
}

export function decodeClusterInfo(body: Uint8Array | undefined): ClusterInfo {
  const path = 'ClusterInfo';
  const o = parseJsonObject(body, path);
  return {
    brokerAddrTable: readMap(o, 'brokerAddrTable', path, readBrokerData),
    clusterAddrTable: readMap(o, 'clusterAddrTable', path, stringArrayValue),
  };
}
