import {
  decodeConsumerOffsets,
  decodeDelayOffsets,
  decodeSubscriptionGroups,
  decodeSubscriptionGroupsDataVersion,
  decodeTopicConfigs,
  decodeTopicConfigsDataVersion,
  encodeConsumerOffsets,
  encodeDelayOffsets,
  SyncBodyError,
} from './sync-bodies';

describe('slave sync bodies', () => {
  it('writes ConsumerOffsetSerializeWrapper as {"offsetTable":{"topic@group":{"queueId":offset}}}', () => {
    const body = encodeConsumerOffsets([
      { group: 'G1', topic: 'T', queueId: 0, offset: 5 },
      { group: 'G1', topic: 'T', queueId: 3, offset: 7 },
      { group: '%RETRY%G2', topic: '%RETRY%G2', queueId: 0, offset: 1 },
    ]);
    expect(body.toString()).toBe('{"offsetTable":{"T@G1":{"0":5,"3":7},"%RETRY%G2@%RETRY%G2":{"0":1}}}');
    expect(decodeConsumerOffsets(body)).toEqual([
      { group: 'G1', topic: 'T', queueId: 0, offset: 5 },
      { group: 'G1', topic: 'T', queueId: 3, offset: 7 },
      { group: '%RETRY%G2', topic: '%RETRY%G2', queueId: 0, offset: 1 },
    ]);
  });

  it("reads fastjson's unquoted integer keys, as a Java master sends them", () => {
    expect(decodeConsumerOffsets(Buffer.from('{"offsetTable":{"TopicTest@please_rename":{0:12,1:3}}}'))).toEqual([
      { group: 'please_rename', topic: 'TopicTest', queueId: 0, offset: 12 },
      { group: 'please_rename', topic: 'TopicTest', queueId: 1, offset: 3 },
    ]);
    expect(decodeDelayOffsets(Buffer.from('{"offsetTable":{1:10,3:0}}'))).toEqual([
      { level: 1, offset: 10 },
      { level: 3, offset: 0 },
    ]);
  });

  it('round-trips delay offsets', () => {
    expect(encodeDelayOffsets([{ level: 2, offset: 9 }]).toString()).toBe('{"offsetTable":{"2":9}}');
    expect(decodeDelayOffsets(encodeDelayOffsets([{ level: 2, offset: 9 }]))).toEqual([{ level: 2, offset: 9 }]);
  });

  it('refuses malformed bodies with a SyncBodyError naming the field', () => {
    expect(() => decodeConsumerOffsets(Buffer.from('{"offsetTable":{"nogroup":{"0":1}}}'))).toThrow(SyncBodyError);
    expect(() => decodeConsumerOffsets(Buffer.from('{"offsetTable":{"T@G":{"0":-1}}}'))).toThrow(/offsetTable\.T@G\.0/);
    expect(() => decodeDelayOffsets(Buffer.from('{"offsetTable":{"0":1}}'))).toThrow(/level must be >= 1/);
    expect(() => decodeDelayOffsets(undefined)).toThrow(/empty/);
    expect(() => decodeTopicConfigs(Buffer.from('not json'))).toThrow(SyncBodyError);
  });

  it('reads topic configs (TopicConfigSerializeWrapper) and subscription groups (SubscriptionGroupWrapper)', () => {
    const topics = decodeTopicConfigs(
      Buffer.from('{"dataVersion":{"counter":1,"stateVersion":0,"timestamp":1},"topicConfigTable":{"T":{"order":false,"perm":6,"readQueueNums":2,"topicFilterType":"SINGLE_TAG","topicName":"T","topicSysFlag":0,"writeQueueNums":3}}}'),
    );
    expect(topics).toEqual([{ topicName: 'T', readQueueNums: 2, writeQueueNums: 3, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false }]);
    const groups = decodeSubscriptionGroups(Buffer.from('{"dataVersion":{"counter":0,"stateVersion":0,"timestamp":1},"subscriptionGroupTable":{"G":{"groupName":"G","retryMaxTimes":4}}}'));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ groupName: 'G', retryMaxTimes: 4, brokerId: 0, whichBrokerWhenConsumeSlowly: 1 });
  });

  it("reads the subscription groups' dataVersion, which a slave adopts", () => {
    const body = (version: string): Buffer => Buffer.from(`{${version}"subscriptionGroupTable":{}}`);
    expect(decodeSubscriptionGroupsDataVersion(body('"dataVersion":{"counter":7,"stateVersion":0,"timestamp":1700000000000},'))).toEqual({ stateVersion: 0, timestamp: 1700000000000, counter: 7 });
    // A 4.x master may leave stateVersion out; a body without a version leaves the slave's own.
    expect(decodeSubscriptionGroupsDataVersion(body('"dataVersion":{"counter":7,"timestamp":5},'))).toEqual({ stateVersion: 0, timestamp: 5, counter: 7 });
    expect(decodeSubscriptionGroupsDataVersion(body(''))).toBeUndefined();
    expect(() => decodeSubscriptionGroupsDataVersion(body('"dataVersion":{"counter":-1,"timestamp":5},'))).toThrow(SyncBodyError);
    expect(() => decodeSubscriptionGroupsDataVersion(body('"dataVersion":{"counter":1},'))).toThrow(/timestamp/);
  });

  it("reads the topic table's dataVersion on its own, undefined when the master sent none", () => {
    const body = (version: string): Buffer => Buffer.from(`{${version}"topicConfigTable":{"T":{"topicName":"T","readQueueNums":2,"writeQueueNums":2,"perm":6}}}`);
    const sent = body('"dataVersion":{"counter":9,"stateVersion":0,"timestamp":1700000000000},');
    expect(decodeTopicConfigsDataVersion(sent)).toEqual({ stateVersion: 0, timestamp: 1700000000000, counter: 9 });
    expect(decodeTopicConfigs(sent).map((c) => c.topicName)).toEqual(['T']);
    expect(decodeTopicConfigsDataVersion(body('"dataVersion":{"counter":9,"timestamp":5},'))).toEqual({ stateVersion: 0, timestamp: 5, counter: 9 });
    // Not 0/0/0 (what the topic reader substitutes): a slave keeps its own version then.
    expect(decodeTopicConfigsDataVersion(body(''))).toBeUndefined();
    expect(() => decodeTopicConfigsDataVersion(body('"dataVersion":{"counter":"x","timestamp":5},'))).toThrow(SyncBodyError);
    expect(() => decodeTopicConfigsDataVersion(Buffer.from('{oops'))).toThrow(/GET_ALL_TOPIC_CONFIG body is not JSON/);
  });
});
