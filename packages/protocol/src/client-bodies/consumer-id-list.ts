// The reply body of GET_CONSUMER_LIST_BY_GROUP (38), reference §3.4 / §5.3; Java
// GetConsumerListByGroupResponseBody.
//
// Wire schema: { "consumerIdList": [ "<clientID>", ... ] }
import { parseJsonObject, readStringArray } from '../route/json-read';
import { toJsonBuffer } from '../route/json-write';

export function encodeConsumerIdList(consumerIdList: readonly string[]): Buffer {
  return toJsonBuffer({ consumerIdList });
}

/** Throws BodyError when the body is not that shape. */
export function decodeConsumerIdList(body: Uint8Array | undefined): string[] {
  return readStringArray(parseJsonObject(body, 'GetConsumerListByGroupResponseBody'), 'consumerIdList', 'GetConsumerListByGroupResponseBody');
}
