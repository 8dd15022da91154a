// The subscription group table's dataVersion (GET_ALL_SUBSCRIPTIONGROUP_CONFIG) across broker
// restarts: kept in the metadata store with the groups, as Java keeps it in subscriptionGroup.json,
// so a restart never moves it backwards; and a slave takes its master's version, as Java's
// SlaveSynchronize does, so the two compare equal until the master changes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCode, ResponseCode, createRequest, type DataVersion, type RemotingCommand } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { BrokerController } from '../../src/index';
import { TIMEOUT_MS, testBrokerOptions } from '../helpers';
import { REQUEST_TIMEOUT_MS, useHaPair, waitForPair } from '../ha/ha-harness';

jest.setTimeout(90_000);

const updateGroup = (groupName: string, fields: Record<string, unknown> = {}): RemotingCommand =>
  createRequest(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, Buffer.from(JSON.stringify({ groupName, ...fields }), 'utf8'));

async function groupTable(client: TcpRemotingClient, addr: string): Promise<{ dataVersion: DataVersion; subscriptionGroupTable: Record<string, unknown> }> {
  const reply = await client.request(addr, createRequest(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, {}), REQUEST_TIMEOUT_MS);
  expect(reply.code).toBe(ResponseCode.SUCCESS);
  return JSON.parse(reply.body!.toString('utf8')) as { dataVersion: DataVersion; subscriptionGroupTable: Record<string, unknown> };
}

describe('subscription group dataVersion across a broker restart', () => {
  let dir: string;
  let broker: BrokerController | undefined;
  let client: TcpRemotingClient;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulsejet-group-version-'));
    client = new TcpRemotingClient();
  });
  afterEach(async () => {
    await client.close();
    await broker?.close();
    broker = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<BrokerController> {
    broker = new BrokerController(testBrokerOptions(dir));
    await broker.start();
    return broker;
  }

  async function restart(): Promise<BrokerController> {
    await broker!.close();
    return open();
  }

  const send = (command: RemotingCommand): Promise<RemotingCommand> => client.request(broker!.brokerAddr, command, TIMEOUT_MS);

  it('keeps the version through a restart, and counts on from it', async () => {
    await open();
    const fresh = (await groupTable(client, broker!.brokerAddr)).dataVersion;
    // Nothing changed: a restart gives the very same version, not a new timestamp.
    await restart();
    expect((await groupTable(client, broker!.brokerAddr)).dataVersion).toEqual(fresh);

    expect((await send(updateGroup('GID_a', { retryMaxTimes: 3 }))).code).toBe(ResponseCode.SUCCESS);
    expect((await send(updateGroup('GID_b'))).code).toBe(ResponseCode.SUCCESS);
    expect((await send(createRequest(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'GID_b' }))).code).toBe(ResponseCode.SUCCESS);
    const before = await groupTable(client, broker!.brokerAddr);
    expect(before.dataVersion.counter).toBe(fresh.counter + 3);
    expect(Object.keys(before.subscriptionGroupTable)).toContain('GID_a');

    await restart();
    const after = await groupTable(client, broker!.brokerAddr);
    expect(after.dataVersion).toEqual(before.dataVersion);
    expect(after.subscriptionGroupTable).toEqual(before.subscriptionGroupTable);

    // The next change counts on from the stored version, never from zero.
    expect((await send(updateGroup('GID_a', { retryMaxTimes: 4 }))).code).toBe(ResponseCode.SUCCESS);
    const next = (await groupTable(client, broker!.brokerAddr)).dataVersion;
    expect(next.counter).toBe(before.dataVersion.counter + 1);
    expect(next.timestamp).toBeGreaterThanOrEqual(before.dataVersion.timestamp);
  });
});

describe('a slave takes its master\'s subscription group dataVersion', () => {
  const ha = useHaPair({ brokerRole: 'ASYNC_MASTER', brokerName: 'broker-group-version' }, { brokerName: 'broker-group-version' });

  it('matches the master after a sync, and both keep it across restarts', async () => {
    const { master, slave, client } = ha;
    const created = await client.request(master.broker.brokerAddr, updateGroup('GID_ha_version', { retryMaxTimes: 5 }), REQUEST_TIMEOUT_MS);
    expect(created.code).toBe(ResponseCode.SUCCESS);
    const masterVersion = (await groupTable(client, master.broker.brokerAddr)).dataVersion;

    const report = await slave.broker.slaveSynchronizeNow();
    expect(report?.groupsChanged).toBeGreaterThan(0);
    expect((await groupTable(client, slave.broker.brokerAddr)).dataVersion).toEqual(masterVersion);

    await slave.restart();
    expect((await groupTable(client, slave.broker.brokerAddr)).dataVersion).toEqual(masterVersion);
    await master.restart();
    expect((await groupTable(client, master.broker.brokerAddr)).dataVersion).toEqual(masterVersion);

    // After both restarts the pair agrees: a sync changes no group and no version.
    await waitForPair(master.broker, slave.broker);
    const again = await slave.broker.slaveSynchronizeNow();
    expect(again).toMatchObject({ masterAddr: master.broker.brokerAddr, groupsChanged: 0 });
    expect((await groupTable(client, slave.broker.brokerAddr)).dataVersion).toEqual(masterVersion);
  });
});
