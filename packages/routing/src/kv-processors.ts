// Request processors for the nameserver's KV config (Java DefaultRequestProcessor put/get/delete
// KVConfig and getKVListByNamespace).
import { RequestCode, ResponseCode, createResponse, encodeKVTable } from '@pulsejet/protocol';
import type { RequestProcessor } from '@pulsejet/remoting';
import { requireString } from './ext-fields';
import type { KvConfigManager } from './kv-config-manager';
import type { RoutingLog } from './log';
import { guarded, type NameServerHandler } from './processor-guard';

export function kvProcessors(kvConfig: KvConfigManager, log: RoutingLog): Map<number, RequestProcessor> {
  const handlers: [number, string, NameServerHandler][] = [
    [
      RequestCode.PUT_KV_CONFIG,
      'PUT_KV_CONFIG',
      async (request) => {
        const ext = request.extFields;
        const namespace = requireString(ext, 'namespace');
        const key = requireString(ext, 'key');
        const value = requireString(ext, 'value', { allowEmpty: true });
        try {
          await kvConfig.put(namespace, key, value);
        } catch (error) {
          // Kept in memory, but not on disk: tell the admin, who may retry.
          return createResponse(request, ResponseCode.SYSTEM_ERROR, `PUT_KV_CONFIG: saving the KV config failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        return createResponse(request, ResponseCode.SUCCESS);
      },
    ],
    [
      RequestCode.GET_KV_CONFIG,
      'GET_KV_CONFIG',
      (request) => {
        const namespace = requireString(request.extFields, 'namespace');
        const key = requireString(request.extFields, 'key');
        const value = kvConfig.get(namespace, key);
        if (value === undefined) return createResponse(request, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${namespace} Key: ${key}`);
        return createResponse(request, ResponseCode.SUCCESS, undefined, { value });
      },
    ],
    [
      RequestCode.DELETE_KV_CONFIG,
      'DELETE_KV_CONFIG',
      async (request) => {
        const namespace = requireString(request.extFields, 'namespace');
        const key = requireString(request.extFields, 'key');
        try {
          await kvConfig.delete(namespace, key);
        } catch (error) {
          return createResponse(request, ResponseCode.SYSTEM_ERROR, `DELETE_KV_CONFIG: saving the KV config failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        return createResponse(request, ResponseCode.SUCCESS);
      },
    ],
    [
      RequestCode.GET_KVLIST_BY_NAMESPACE,
      'GET_KVLIST_BY_NAMESPACE',
      (request) => {
        const namespace = requireString(request.extFields, 'namespace');
        const table = kvConfig.list(namespace);
        if (!table) return createResponse(request, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${namespace}`);
        return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeKVTable({ table }));
      },
    ],
  ];
  return new Map(handlers.map(([code, name, handler]) => [code, guarded(name, handler, log)]));
}
