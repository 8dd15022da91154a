import { BodyError } from './body-error';
import { dataVersionEquals, decodeRegisterBrokerBody, encodeRegisterBrokerBody, type RegisterBrokerBody } from './register-broker-body';

// A Java 4.9.8 broker's body (fastjson, sorted fields), with the stateVersion a 5.x broker adds.
const GOLDEN =
  '{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":3,"stateVersion":0,"timestamp":1700000000000},' +
  '"topicConfigTable":{"TopicA":{"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicA","topicSysFlag":0,"writeQueueNums":4},' +
  '"TopicB":{"attributes":{"+message.type":"NORMAL"},"order":true,"perm":4,"readQueueNums":2,"topicFilterType":"SINGLE_TAG","topicName":"TopicB","topicSysFlag":0,"writeQueueNums":2}}}}';

const BODY: RegisterBrokerBody = {
  filterServerList: [],
  topicConfigSerializeWrapper: {
    dataVersion: { stateVersion: 0, timestamp: 1700000000000, counter: 3 },
    topicConfigTable: {
      TopicB: { topicName: 'TopicB', readQueueNums: 2, writeQueueNums: 2, perm: 4, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: true, attributes: { '+message.type': 'NORMAL' } },
      TopicA: { topicName: 'TopicA', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false },
    },
  },
};

describe('RegisterBrokerBody codec', () => {
  it('encodes the golden JSON with topics sorted', () => {
    expect(encodeRegisterBrokerBody(BODY).toString('utf8')).toBe(GOLDEN);
  });

  it('round trips', () => {
    expect(decodeRegisterBrokerBody(Buffer.from(GOLDEN))).toEqual(BODY);
  });

  it('reads a 4.x body: no stateVersion, Java defaults for missing topic fields, 5.x extras ignored', () => {
    const body = decodeRegisterBrokerBody(
      Buffer.from('{"topicConfigSerializeWrapper":{"dataVersion":{"counter":1,"timestamp":5},"topicConfigTable":{"T":{"topicName":"T"}},"topicQueueMappingInfoMap":{}}}'),
    );
    expect(body.filterServerList).toEqual([]);
    expect(body.topicConfigSerializeWrapper.dataVersion).toEqual({ stateVersion: 0, timestamp: 5, counter: 1 });
    expect(body.topicConfigSerializeWrapper.topicConfigTable['T']).toEqual({
      topicName: 'T', readQueueNums: 16, writeQueueNums: 16, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false,
    });
  });

  it('keeps a topic named __proto__ as a plain key', () => {
    const body = decodeRegisterBrokerBody(Buffer.from('{"topicConfigSerializeWrapper":{"topicConfigTable":{"__proto__":{"topicName":"__proto__"}}}}'));
    expect(Object.keys(body.topicConfigSerializeWrapper.topicConfigTable)).toEqual(['__proto__']);
  });

  it('compares data versions field by field', () => {
    const v = { stateVersion: 0, timestamp: 1, counter: 2 };
    expect(dataVersionEquals(v, { ...v })).toBe(true);
    expect(dataVersionEquals(v, { ...v, counter: 3 })).toBe(false);
  });

  it.each([
    ['not JSON', '{"topicConfigSerializeWrapper":'],
    ['a topic whose name differs from its key', '{"topicConfigSerializeWrapper":{"topicConfigTable":{"A":{"topicName":"B"}}}}'],
    ['a bad topicFilterType', '{"topicConfigSerializeWrapper":{"topicConfigTable":{"A":{"topicName":"A","topicFilterType":"X"}}}}'],
    ['a non-integer queue count', '{"topicConfigSerializeWrapper":{"topicConfigTable":{"A":{"topicName":"A","readQueueNums":1.5}}}}'],
    ['a filterServerList of numbers', '{"filterServerList":[1]}'],
  ])('rejects %s with BodyError', (_name, text) => {
    expect(() => decodeRegisterBrokerBody(Buffer.from(text))).toThrow(BodyError);
  });
});
