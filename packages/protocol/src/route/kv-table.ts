// KVTable: the reply body of GET_KVLIST_BY_NAMESPACE (219), and of REGISTER_BROKER (the
// ORDER_TOPIC_CONFIG namespace); Java remoting/.../body/KVTable.java.
//
// Wire schema: { "table": { "<key>": "<value>", ... } }   (keys sorted)
import { parseJsonObject, readMap, stringValue } from './json-read';
import { sortedRecord, toJsonBuffer } from './json-write';

export interface KVTable {
  table: Record<string, string>;
}

/** The KV namespace whose entries (topic -> "brokerName:queueNums;...") become a route's orderTopicConf. */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

export function encodeKVTable(kv: KVTable): Buffer {
  return toJsonBuffer({ table: sortedRecord(kv.table) });
}

export function decodeKVTable(body: Uint8Array | undefined): KVTable {
  const path = 'KVTable';
  return { table: readMap(parseJsonObject(body, path), 'table', path, stringValue) };
}
