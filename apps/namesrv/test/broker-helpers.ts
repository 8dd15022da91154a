// A stand-in broker for nameserver tests: a TcpRemotingClient that registers through
// BrokerRegistration, and (optionally) a TcpRemotingServer at the advertised address that answers
// every request SUCCESS, so clients that heartbeat the broker (ali-ons) find someone there.
import type { TopicConfigData } from '@pulsejet/protocol';
import { ResponseCode, createResponse } from '@pulsejet/protocol';
import { TcpRemotingClient, TcpRemotingServer } from '@pulsejet/remoting';
import { BrokerRegistration } from '@pulsejet/routing';

export interface TestBroker {
  registration: BrokerRegistration;
  client: TcpRemotingClient;
  server: TcpRemotingServer | undefined;
  brokerAddr: string;
  close(): Promise<void>;
}

export function topicConfig(name: string, queues = 4): TopicConfigData {
  return { topicName: name, readQueueNums: queues, writeQueueNums: queues, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
}

export async function startTestBroker(options: {
  namesrvAddrs: string[];
  brokerName: string;
  brokerId?: number;
  topics: TopicConfigData[];
  registerNameServerPeriodMs?: number;
  listen?: boolean;
  brokerAddr?: string;
}): Promise<TestBroker> {
  let server: TcpRemotingServer | undefined;
  let brokerAddr = options.brokerAddr ?? '127.0.0.1:10911';
  if (options.listen) {
    server = new TcpRemotingServer({ host: '127.0.0.1', port: 0, log: () => undefined });
    server.registerDefaultProcessor((request) => createResponse(request, ResponseCode.SUCCESS));
    await server.start();
    brokerAddr = server.address();
  }
  const client = new TcpRemotingClient({ connectTimeoutMs: 1000, log: () => undefined });
  const registration = new BrokerRegistration({
    client,
    namesrvAddrs: options.namesrvAddrs,
    broker: { clusterName: 'DefaultCluster', brokerName: options.brokerName, brokerId: options.brokerId ?? 0, brokerAddr, haServerAddr: '' },
    topicConfigs: () => ({
      topicConfigTable: Object.fromEntries(options.topics.map((t) => [t.topicName, t])),
      dataVersion: { stateVersion: 0, timestamp: 1, counter: 1 },
    }),
    registerBrokerTimeoutMs: 1000,
    ...(options.registerNameServerPeriodMs !== undefined ? { registerNameServerPeriodMs: options.registerNameServerPeriodMs } : {}),
  });
  await registration.start();
  return {
    registration,
    client,
    server,
    brokerAddr,
    close: async () => {
      await registration.close();
      await client.close();
      await server?.close();
    },
  };
}
