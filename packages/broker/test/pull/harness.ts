// A pull-only broker on an in-process server with an in-memory store, for the pull tests.
import { MessageStore } from '@pulsejet/core';
import { RequestCode, createRequest, type RemotingCommand } from '@pulsejet/protocol';
import { InProcessNetwork, InProcessRemotingClient, InProcessRemotingServer, type RemotingClient, type RemotingServer } from '@pulsejet/remoting';
import type { PullHoldOptions } from '../../src/pull/pull-hold-options';
import { registerPullProcessor, type PullProcessorHandle } from '../../src/pull/register-pull-processor';
import type { TopicReadability } from '../../src/pull/pull-message-processor';

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

let topicCounter = 0;
/** A topic name unique to the test. */
export function uniqueTopic(prefix = 'PullTopic'): string {
  topicCounter += 1;
  return `${prefix}_${process.pid}_${topicCounter}`;
}

export interface PullBrokerOptions {
  longPolling?: PullHoldOptions;
  topics?: Record<string, TopicReadability>;
  readQueueNums?: number;
  slave?: boolean;
  /** group → topic → registered expression, for pulls without the SUBSCRIPTION flag. */
  registered?: Record<string, Record<string, string>>;
}

export interface PullBroker {
  store: MessageStore;
  network: InProcessNetwork;
  server: RemotingServer;
  client: RemotingClient;
  handle: PullProcessorHandle;
  address: string;
  put(topic: string, queueId: number, tags?: string, body?: string): Promise<number>;
  pull(ext: Record<string, string | number>, timeoutMs?: number): Promise<RemotingCommand>;
  close(): Promise<void>;
}

/** The header ali-ons sends, with a SUSPEND-free sysFlag so tests ask for holding explicitly. */
export function pullHeader(topic: string, overrides: Record<string, string | number> = {}): Record<string, string | number> {
  return {
    consumerGroup: 'GID_pull',
    topic,
    queueId: 0,
    queueOffset: 0,
    maxMsgNums: 32,
    sysFlag: 4,
    commitOffset: 0,
    suspendTimeoutMillis: 15000,
    subscription: '*',
    subVersion: 1,
    ...overrides,
  };
}

export function toExt(ext: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(ext).map(([key, value]) => [key, String(value)]));
}

export async function putTagged(store: MessageStore, topic: string, queueId: number, tags?: string, body = 'hello'): Promise<number> {
  const result = await store.putMessage({ topic, queueId, body: Buffer.from(body), properties: tags === undefined ? {} : { TAGS: tags } });
  const stored = result.stored?.[0];
  if (result.status !== 'PUT_OK' || !stored) throw new Error(`put failed: ${result.status} ${result.message ?? ''}`);
  return stored.queueOffset;
}

export async function startPullBroker(options: PullBrokerOptions = {}): Promise<PullBroker> {
  const store = await MessageStore.open({ memory: true });
  const network = new InProcessNetwork();
  const address = '127.0.0.1:10911';
  const quiet = (): void => undefined;
  const server = new InProcessRemotingServer(network, { address, log: quiet });
  const handle = registerPullProcessor(server, {
    store,
    brokerId: options.slave ? 1 : 0,
    isSlave: () => options.slave ?? false,
    topicReadable: (topic) => options.topics?.[topic] ?? 'ok',
    ...(options.readQueueNums !== undefined ? { readQueueNums: () => options.readQueueNums } : {}),
    ...(options.registered ? { findSubscription: (group: string, topic: string) => options.registered?.[group]?.[topic] } : {}),
    longPolling: options.longPolling ?? {},
    log: quiet,
  });
  await server.start();
  const client = new InProcessRemotingClient(network, { log: quiet });
  return {
    store,
    network,
    server,
    client,
    handle,
    address,
    put: (topic, queueId, tags, body) => putTagged(store, topic, queueId, tags, body),
    pull: (ext, timeoutMs = 5000) => client.request(address, createRequest(RequestCode.PULL_MESSAGE, toExt(ext)), timeoutMs),
    close: async () => {
      await handle.close();
      await client.close();
      await server.close();
      await store.close();
    },
  };
}
