// Request processors for broker registration and route queries (Java namesrv DefaultRequestProcessor
// and ClientRequestProcessor). Each reads its header fields as the Java header class declares them.
import {
  MASTER_BROKER_ID,
  NAMESPACE_ORDER_TOPIC_CONFIG,
  RequestCode,
  ResponseCode,
  bodyCrc,
  createResponse,
  decodeRegisterBrokerBody,
  decodeRegisterBrokerBodyCompressed,
  encodeDataVersion,
  decodeDataVersion,
  encodeClusterInfo,
  encodeKVTable,
  encodeTopicList,
  encodeTopicRouteData,
  type RemotingCommand,
} from '@pulsejet/protocol';
import type { RemotingChannel, RequestProcessor } from '@pulsejet/remoting';
import { BadRequestError, optionalBoolean, optionalInteger, optionalString, requireInteger, requireString } from './ext-fields';
import type { KvConfigManager } from './kv-config-manager';
import type { RoutingLog } from './log';
import { guarded, type NameServerHandler } from './processor-guard';
import type { RouteInfoManager } from './route-info-manager';

export interface NameServerProcessorDeps {
  routes: RouteInfoManager;
  kvConfig: KvConfigManager;
  log: RoutingLog;
  /** Remembers the channel a broker registered on, so an expired broker's channel can be closed. */
  trackBrokerChannel: (channel: RemotingChannel) => void;
}

export function routeProcessors(deps: NameServerProcessorDeps): Map<number, RequestProcessor> {
  const { routes, kvConfig, log } = deps;
  const handlers: [number, string, NameServerHandler][] = [
    [
      RequestCode.REGISTER_BROKER,
      'REGISTER_BROKER',
      (request, { channel }) => {
        const ext = request.extFields;
        const brokerName = requireString(ext, 'brokerName');
        const brokerAddr = requireString(ext, 'brokerAddr');
        const clusterName = requireString(ext, 'clusterName');
        const haServerAddr = requireString(ext, 'haServerAddr', { allowEmpty: true });
        const brokerId = brokerIdOf(ext);
        const bodyCrc32 = optionalInteger(ext, 'bodyCrc32', 0);
        const body = request.body !== undefined && request.body.length > 0 ? request.body : undefined;
        if (bodyCrc32 !== 0 && bodyCrc(body ?? Buffer.alloc(0)) !== bodyCrc32) {
          return createResponse(request, ResponseCode.SYSTEM_ERROR, 'crc32 not match: the REGISTER_BROKER body does not match extFields.bodyCrc32');
        }
        const compressed = optionalBoolean(ext, 'compressed', false);
        const decoded = body === undefined ? undefined : compressed ? decodeRegisterBrokerBodyCompressed(body) : decodeRegisterBrokerBody(body);
        const result = routes.registerBroker({
          clusterName,
          brokerAddr,
          brokerName,
          brokerId,
          haServerAddr,
          ...(decoded ? { topicConfigWrapper: decoded.topicConfigSerializeWrapper, filterServerList: decoded.filterServerList } : {}),
          channelId: channel.id,
        });
        deps.trackBrokerChannel(channel);
        const responseExt: Record<string, string> = {};
        if (result.masterAddr !== undefined) responseExt['masterAddr'] = result.masterAddr;
        if (result.haServerAddr !== undefined) responseExt['haServerAddr'] = result.haServerAddr;
        const orderConf = kvConfig.list(NAMESPACE_ORDER_TOPIC_CONFIG);
        return createResponse(request, ResponseCode.SUCCESS, undefined, responseExt, orderConf ? encodeKVTable({ table: orderConf }) : undefined);
      },
    ],
    [
      RequestCode.UNREGISTER_BROKER,
      'UNREGISTER_BROKER',
      (request) => {
        const ext = request.extFields;
        routes.unregisterBroker({
          brokerName: requireString(ext, 'brokerName'),
          brokerAddr: requireString(ext, 'brokerAddr'),
          clusterName: requireString(ext, 'clusterName'),
          brokerId: brokerIdOf(ext),
        });
        return createResponse(request, ResponseCode.SUCCESS);
      },
    ],
    [
      RequestCode.GET_ROUTEINFO_BY_TOPIC,
      'GET_ROUTEINFO_BY_TOPIC',
      (request) => {
        const topic = requireString(request.extFields, 'topic');
        const route = routes.getTopicRoute(topic);
        if (!route) {
          return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${topic}; create the topic on a broker first`);
        }
        // Standard JSON with quoted keys whatever the request version: ali-ons (JSON2) and every
        // Java client parse it (reference §5.1).
        return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeTopicRouteData(route));
      },
    ],
    [
      RequestCode.QUERY_DATA_VERSION,
      'QUERY_DATA_VERSION',
      (request) => {
        const ext = request.extFields;
        requireString(ext, 'brokerName');
        requireString(ext, 'clusterName');
        brokerIdOf(ext);
        const { changed, current } = routes.queryDataVersion(requireString(ext, 'brokerAddr'), decodeDataVersion(request.body));
        return createResponse(request, ResponseCode.SUCCESS, undefined, { changed: String(changed) }, current ? encodeDataVersion(current) : undefined);
      },
    ],
    [
      RequestCode.WIPE_WRITE_PERM_OF_BROKER,
      'WIPE_WRITE_PERM_OF_BROKER',
      (request) => {
        const count = routes.setWritePermOfBroker(requireString(request.extFields, 'brokerName'), false);
        return createResponse(request, ResponseCode.SUCCESS, undefined, { wipeTopicCount: String(count) });
      },
    ],
    [
      RequestCode.ADD_WRITE_PERM_OF_BROKER,
      'ADD_WRITE_PERM_OF_BROKER',
      (request) => {
        const count = routes.setWritePermOfBroker(requireString(request.extFields, 'brokerName'), true);
        return createResponse(request, ResponseCode.SUCCESS, undefined, { addTopicCount: String(count) });
      },
    ],
    [RequestCode.GET_BROKER_CLUSTER_INFO, 'GET_BROKER_CLUSTER_INFO', (request) => success(request, encodeClusterInfo(routes.getClusterInfo()))],
    [RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, 'GET_ALL_TOPIC_LIST_FROM_NAMESERVER', (request) => success(request, encodeTopicList(routes.getAllTopicList()))],
    [
      RequestCode.GET_TOPICS_BY_CLUSTER,
      'GET_TOPICS_BY_CLUSTER',
      (request) => success(request, encodeTopicList(routes.getTopicsByCluster(requireString(request.extFields, 'cluster')))),
    ],
    [
      RequestCode.DELETE_TOPIC_IN_NAMESRV,
      'DELETE_TOPIC_IN_NAMESRV',
      (request) => {
        const topic = requireString(request.extFields, 'topic');
        const clusterName = optionalString(request.extFields, 'clusterName');
        routes.deleteTopic(topic, clusterName);
        log('info', `topic ${topic} deleted${clusterName ? ` from cluster ${clusterName}` : ''}`);
        return createResponse(request, ResponseCode.SUCCESS);
      },
    ],
  ];
  return new Map(handlers.map(([code, name, handler]) => [code, guarded(name, handler, log)]));
}

function brokerIdOf(ext: Record<string, string>): number {
  const brokerId = requireInteger(ext, 'brokerId');
  if (brokerId < MASTER_BROKER_ID) throw new BadRequestError(`extFields.brokerId is ${brokerId}; use 0 for a master and 1 or more for slaves`);
  return brokerId;
}

function success(request: RemotingCommand, body: Buffer): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, body);
}
