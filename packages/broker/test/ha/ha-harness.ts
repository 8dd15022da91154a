// Master/slave groups for the HA tests: a real NameServer on TCP, brokers in this process on free
// 127.0.0.1 ports, each with its own temp store. Every wait polls with a timeout.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCode, createRequest, type RemotingCommand } from '@pulsejet/protocol';
import { TcpRemotingClient, TcpRemotingServer } from '@pulsejet/remoting';
import { NameServer } from '@pulsejet/routing';
import { BrokerController, type BrokerOptions } from '../../src/index';
import { testBrokerOptions } from '../helpers';

export const REQUEST_TIMEOUT_MS = 10_000;
export const WAIT_TIMEOUT_MS = 20_000;

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = WAIT_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface Namesrv {
  addr: string;
  close(): Promise<void>;
}

export async function startNamesrv(): Promise<Namesrv> {
  const server = new TcpRemotingServer({ host: '127.0.0.1', port: 0 });
  const nameServer = new NameServer();
  nameServer.attach(server);
  await nameServer.start();
  await server.start();
  return {
    addr: server.address(),
    close: async () => {
      await server.close();
      await nameServer.close();
    },
  };
}

/** Options every HA test broker shares: small segments (master and slave must agree), fast registration. */
export function haBrokerOptions(namesrvAddr: string, dir: string, options: BrokerOptions): BrokerOptions {
  return testBrokerOptions(dir, { namesrvAddr, haListenPort: 0, brokerName: 'broker-ha', registerNameServerPeriod: 300, slaveSynchronizeInterval: 60_000, ...options });
}

export class Node {
  broker: BrokerController;
  constructor(
    readonly dir: string,
    private readonly build: () => BrokerOptions,
  ) {
    this.broker = new BrokerController(build());
  }

  static async start(namesrvAddr: string, options: BrokerOptions): Promise<Node> {
    const dir = mkdtempSync(join(tmpdir(), 'pulsejet-ha-'));
    const node = new Node(dir, () => haBrokerOptions(namesrvAddr, dir, options));
    await node.broker.start();
    return node;
  }

  /** Starts a new BrokerController over the same store directory (new ports). */
  async restart(): Promise<void> {
    await this.broker.close();
    this.broker = new BrokerController(this.build());
    await this.broker.start();
  }

  /** Starts a new BrokerController over an empty store directory: the master's disk was lost. */
  async wipeAndRestart(): Promise<void> {
    await this.broker.close();
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir);
    this.broker = new BrokerController(this.build());
    await this.broker.start();
  }

  async stop(): Promise<void> {
    await this.broker.close();
  }

  async destroy(): Promise<void> {
    await this.broker.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Waits until the slave follows this master: it knows the master's address and streams from its HA port. */
export async function waitForPair(master: BrokerController, slave: BrokerController): Promise<void> {
  await waitFor(() => slave.masterAddr === master.brokerAddr, `slave ${slave.brokerAddr} to learn master ${master.brokerAddr}`);
  await waitFor(() => slave.haSlave?.state() === 'connected' && master.haMaster!.slaveAckOffset >= 0, 'the slave to stream from the master');
}

export function pullRequest(topic: string, queueOffset: number, fields: Record<string, string> = {}): RemotingCommand {
  return createRequest(RequestCode.PULL_MESSAGE, {
    consumerGroup: 'GID_ha',
    topic,
    queueId: '0',
    queueOffset: String(queueOffset),
    maxMsgNums: '32',
    sysFlag: '4',
    commitOffset: '0',
    suspendTimeoutMillis: '1000',
    subscription: '*',
    subVersion: '1',
    ...fields,
  });
}

export function newClient(): TcpRemotingClient {
  return new TcpRemotingClient();
}

/** What useHaPair gives a describe block; its fields are set once the block's beforeAll ran. */
export interface HaPair {
  readonly namesrv: Namesrv;
  readonly master: Node;
  readonly slave: Node;
  readonly client: TcpRemotingClient;
}

/**
 * A nameserver, a master and its following slave, and a client, started in the calling describe
 * block's beforeAll and stopped in its afterAll. Read the fields inside tests, not at definition.
 */
export function useHaPair(masterOptions: BrokerOptions, slaveOptions: BrokerOptions): HaPair {
  const pair = {} as { namesrv: Namesrv; master: Node; slave: Node; client: TcpRemotingClient };
  beforeAll(async () => {
    pair.namesrv = await startNamesrv();
    pair.master = await Node.start(pair.namesrv.addr, masterOptions);
    pair.slave = await Node.start(pair.namesrv.addr, { brokerId: 1, ...slaveOptions, brokerRole: 'SLAVE' });
    await waitForPair(pair.master.broker, pair.slave.broker);
    pair.client = newClient();
  });
  afterAll(async () => {
    await pair.client?.close();
    await pair.slave?.destroy();
    await pair.master?.destroy();
    await pair.namesrv?.close();
  });
  return pair;
}
