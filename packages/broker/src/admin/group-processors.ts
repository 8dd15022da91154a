// Subscription group administration (Java AdminBrokerProcessor / SubscriptionGroupManager):
// 200 UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (body: SubscriptionGroupConfig JSON), 207
// DELETE_SUBSCRIPTIONGROUP, 201 GET_ALL_SUBSCRIPTIONGROUP_CONFIG (body: SubscriptionGroupWrapper
// JSON), 352 GET_SUBSCRIPTIONGROUP_CONFIG. Groups and the table's dataVersion persist in
// store.metadata, which bumps the version with every group change (whoever makes it: these
// processors, auto-creation, a slave's sync), so a restart never resets it.
import { subscriptionGroupWithDefaults, type SubscriptionGroupConfig } from '@pulsejet/core';
import { RequestCode, ResponseCode, createResponse } from '@pulsejet/protocol';
import type { RemotingServer } from '@pulsejet/remoting';
import type { BrokerContext } from '../broker-context';
import { HeaderError, HeaderReader } from '../remoting/header-fields';

const GROUP_FIELDS = [
  'consumeEnable',
  'consumeFromMinEnable',
  'consumeBroadcastEnable',
  'retryQueueNums',
  'retryMaxTimes',
  'brokerId',
  'whichBrokerWhenConsumeSlowly',
  'notifyConsumerIdsChangedEnable',
] as const;

/** A SubscriptionGroupConfig as fastjson writes it: fields sorted by name. */
export function subscriptionGroupToJson(c: SubscriptionGroupConfig): Record<string, unknown> {
  return {
    brokerId: c.brokerId,
    consumeBroadcastEnable: c.consumeBroadcastEnable,
    consumeEnable: c.consumeEnable,
    consumeFromMinEnable: c.consumeFromMinEnable,
    groupName: c.groupName,
    notifyConsumerIdsChangedEnable: c.notifyConsumerIdsChangedEnable,
    retryMaxTimes: c.retryMaxTimes,
    retryQueueNums: c.retryQueueNums,
    whichBrokerWhenConsumeSlowly: c.whichBrokerWhenConsumeSlowly,
  };
}

/**
 * Parses an UPDATE_AND_CREATE_SUBSCRIPTIONGROUP body. Fields it leaves out take Java's defaults;
 * fields Pulsejet does not model (groupSysFlag, consumeTimeoutMinute, ...) are ignored.
 * Throws a TypeError or RangeError naming the problem.
 */
export function parseSubscriptionGroupBody(body: Buffer | undefined): SubscriptionGroupConfig {
  if (body === undefined || body.length === 0) throw new TypeError('the body (a SubscriptionGroupConfig) is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new TypeError(`the body is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('the body must be a JSON object');
  const record = parsed as Record<string, unknown>;
  const groupName = record['groupName'];
  if (typeof groupName !== 'string' || groupName === '') throw new TypeError('groupName must be a non-empty string');
  const partial: Record<string, unknown> = {};
  for (const field of GROUP_FIELDS) {
    if (record[field] !== undefined && record[field] !== null) partial[field] = record[field];
  }
  return subscriptionGroupWithDefaults(groupName, partial as Partial<SubscriptionGroupConfig>);
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export function registerGroupProcessors(server: RemotingServer, ctx: BrokerContext): void {
  const { metadata } = ctx.store;

  server.registerProcessor(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, async (request) => {
    let config: SubscriptionGroupConfig;
    try {
      config = parseSubscriptionGroupBody(request.body);
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) {
        return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad UPDATE_AND_CREATE_SUBSCRIPTIONGROUP body: ${error.message}`);
      }
      throw error;
    }
    await metadata.putGroup(config);
    return createResponse(request, ResponseCode.SUCCESS);
  });

  server.registerProcessor(RequestCode.DELETE_SUBSCRIPTIONGROUP, async (request) => {
    let groupName: string;
    let cleanOffset: boolean;
    try {
      const h = new HeaderReader(request.extFields);
      groupName = h.string('groupName');
      cleanOffset = h.optionalBoolean('cleanOffset') ?? false;
    } catch (error) {
      if (error instanceof HeaderError) return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad DELETE_SUBSCRIPTIONGROUP header: ${error.message}`);
      throw error;
    }
    if (groupName === '') return createResponse(request, ResponseCode.SYSTEM_ERROR, 'bad DELETE_SUBSCRIPTIONGROUP header: the custom field <groupName> is empty');
    // Java answers SUCCESS whether or not the group existed.
    await metadata.deleteGroup(groupName);
    if (cleanOffset) await metadata.deleteOffsets(groupName);
    return createResponse(request, ResponseCode.SUCCESS);
  });

  server.registerProcessor(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, (request) => {
    const table: Record<string, unknown> = {};
    for (const config of metadata.listGroups().sort((a, b) => (a.groupName < b.groupName ? -1 : a.groupName > b.groupName ? 1 : 0))) {
      table[config.groupName] = subscriptionGroupToJson(config);
    }
    const { counter, stateVersion, timestamp } = metadata.groupDataVersion();
    return createResponse(request, ResponseCode.SUCCESS, undefined, {}, json({ dataVersion: { counter, stateVersion, timestamp }, subscriptionGroupTable: table }));
  });

  server.registerProcessor(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, (request) => {
    const group = request.extFields['group'];
    if (group === undefined || group === '' || group === 'null') {
      return createResponse(request, ResponseCode.SYSTEM_ERROR, 'bad GET_SUBSCRIPTIONGROUP_CONFIG header: the custom field <group> is null');
    }
    const config = metadata.getGroup(group);
    // Java answers SYSTEM_ERROR (not SUBSCRIPTION_GROUP_NOT_EXIST) with this remark.
    if (config === undefined) return createResponse(request, ResponseCode.SYSTEM_ERROR, 'No group in this broker');
    return createResponse(request, ResponseCode.SUCCESS, undefined, {}, json(subscriptionGroupToJson(config)));
  });
}
