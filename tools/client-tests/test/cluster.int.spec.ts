// The harness itself: in both transports the broker serves a topic whose route the nameserver knows.
import { RequestCode, ResponseCode, createRequest, decodeTopicRouteData } from '@pulsejet/protocol';
import { TRANSPORTS, startCluster, uniqueName } from './cluster';

describe.each(TRANSPORTS)('test cluster (%s)', (transport) => {
  it('registers a created topic with the nameserver', async () => {
    const cluster = await startCluster(transport);
    const client = cluster.newRemotingClient();
    try {
      const topic = uniqueName('Harness');
      await cluster.createTopic(topic, 8);
      const reply = await client.request(cluster.namesrvAddr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 5000);
      expect(reply.code).toBe(ResponseCode.SUCCESS);
      const route = decodeTopicRouteData(reply.body);
      expect(route.queueDatas[0]).toMatchObject({ readQueueNums: 8, writeQueueNums: 8 });
      expect(route.brokerDatas[0]?.brokerAddrs['0']).toBe(cluster.broker.brokerAddr);
    } finally {
      await client.close();
      await cluster.close();
    }
  });
});
