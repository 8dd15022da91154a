// Shared by the broker integration tests: a temp-dir broker on a free 127.0.0.1 port, a TCP client,
// and request builders. Every wait has a timeout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCode, createRequest, encodeProperties, type RemotingCommand } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { BrokerController, type BrokerOptions } from '../src/index';

export const TIMEOUT_MS = 5000;

export interface TestBroker {
  broker: BrokerController;
  client: TcpRemotingClient;
  dir: string;
  send(command: RemotingCommand): Promise<RemotingCommand>;
  close(): Promise<void>;
}

/**
 * Options of a test broker on `dir`: a free 127.0.0.1 port and a small store (1 MiB segments).
 * Tests that restart a broker open a new one with the same options on the same directory.
 */
export function testBrokerOptions(dir: string, options: BrokerOptions = {}): BrokerOptions {
  return {
    listenPort: 0,
    bindAddress: '127.0.0.1',
    storePathRootDir: dir,
    maxMessageSize: 64 * 1024,
    ...options,
    store: { mappedFileSizeCommitLog: 1024 * 1024, consumeQueueEntriesPerFile: 1000, ...(options.store ?? {}) },
  };
}

export async function startTestBroker(options: BrokerOptions = {}): Promise<TestBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'pulsejet-broker-'));
  const broker = new BrokerController(testBrokerOptions(dir, options));
  await broker.start();
  const client = new TcpRemotingClient();
  return {
    broker,
    client,
    dir,
    send: (command) => client.request(broker.brokerAddr, command, TIMEOUT_MS),
    close: async () => {
      await client.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let topicCounter = 0;
/** A topic name unique to this test run. */
export function uniqueTopic(prefix = 'T'): string {
  return `${prefix}_${process.pid}_${Date.now()}_${topicCounter++}`;
}

export function sendV1(topic: string, body: Buffer, fields: Record<string, string> = {}, properties: Record<string, string> = { TAGS: 'TagA' }): RemotingCommand {
  return createRequest(
    RequestCode.SEND_MESSAGE,
    {
      producerGroup: 'PID_test',
      topic,
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: '4',
      queueId: '0',
      sysFlag: '0',
      bornTimestamp: String(Date.now()),
      flag: '0',
      properties: encodeProperties(properties),
      reconsumeTimes: '0',
      unitMode: 'false',
      ...fields,
    },
    body,
  );
}

/** SEND_MESSAGE_V2 as ali-ons builds it (reference §3.8), trailing property separator included. */
export function sendV2(topic: string, body: Buffer, fields: Record<string, string> = {}): RemotingCommand {
  return createRequest(
    RequestCode.SEND_MESSAGE_V2,
    { a: 'PID_test', b: topic, c: 'TBW102', d: '4', e: '1', f: '0', g: String(Date.now()), h: '0', i: 'TAGS\u0001TagB\u0002KEYS\u0001k0 kk0\u0002', j: '0', k: 'false', ...fields },
    body,
  );
}
