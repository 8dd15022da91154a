// Queues and broker addresses from a topic route (Java MQClientInstance.topicRouteData2TopicPublishInfo
// / topicRouteData2TopicSubscribeInfo, reference §5.1): producers write to the writable queues of
// brokers that have a master; consumers read every readable queue, slave-only brokers included.
import { MASTER_BROKER_ID, isReadable, isWriteable, type BrokerData, type TopicRouteData } from '@pulsejet/protocol';
import { compareQueues, type MessageQueue } from '../message/message-queue';

function hasMaster(route: TopicRouteData, brokerName: string): boolean {
  return route.brokerDatas.some((b) => b.brokerName === brokerName && b.brokerAddrs[String(MASTER_BROKER_ID)] !== undefined);
}

/**
 * The queues a producer may write to. An orderTopicConf ("broker-a:4;broker-b:4", the nameserver's
 * ORDER_TOPIC_CONFIG) fixes them for ordered topics; otherwise every writable queue of a broker
 * with a master, sorted by broker name and queue id.
 */
export function publishQueuesOf(topic: string, route: TopicRouteData): MessageQueue[] {
  const queues: MessageQueue[] = [];
  if (route.orderTopicConf !== undefined && route.orderTopicConf !== '') {
    for (const pair of route.orderTopicConf.split(';')) {
      const [brokerName, nums] = pair.split(':');
      const count = Number(nums);
      if (!brokerName || !Number.isInteger(count)) continue;
      for (let queueId = 0; queueId < count; queueId++) queues.push({ topic, brokerName, queueId });
    }
    return queues;
  }
  for (const qd of route.queueDatas) {
    if (!isWriteable(qd.perm) || !hasMaster(route, qd.brokerName)) continue;
    for (let queueId = 0; queueId < qd.writeQueueNums; queueId++) queues.push({ topic, brokerName: qd.brokerName, queueId });
  }
  return queues.sort(compareQueues);
}

/** The queues a consumer reads: every readable queue, sorted by broker name and queue id. */
export function subscribeQueuesOf(topic: string, route: TopicRouteData): MessageQueue[] {
  const queues: MessageQueue[] = [];
  for (const qd of route.queueDatas) {
    if (!isReadable(qd.perm)) continue;
    for (let queueId = 0; queueId < qd.readQueueNums; queueId++) queues.push({ topic, brokerName: qd.brokerName, queueId });
  }
  return queues.sort(compareQueues);
}

/** brokerName -> (brokerId -> address) over several routes; the newest route of a topic wins on conflicts. */
export function brokerAddrTableOf(routes: Iterable<TopicRouteData>): Map<string, Map<number, string>> {
  const table = new Map<string, Map<number, string>>();
  const add = (b: BrokerData): void => {
    let addrs = table.get(b.brokerName);
    if (!addrs) {
      addrs = new Map();
      table.set(b.brokerName, addrs);
    }
    for (const [id, addr] of Object.entries(b.brokerAddrs)) addrs.set(Number(id), addr);
  };
  for (const route of routes) route.brokerDatas.forEach(add);
  return table;
}
