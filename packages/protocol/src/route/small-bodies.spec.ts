import { BodyError } from './body-error';
import { decodeClusterInfo, encodeClusterInfo, type ClusterInfo } from './cluster-info';
import { decodeKVTable, encodeKVTable } from './kv-table';
import { decodeTopicList, encodeTopicList } from './topic-list';

describe('ClusterInfo codec', () => {
  const info: ClusterInfo = {
    brokerAddrTable: {
      'broker-b': { cluster: 'C1', brokerName: 'broker-b', brokerAddrs: { '0': '127.0.0.1:2' } },
      'broker-a': { cluster: 'C1', brokerName: 'broker-a', brokerAddrs: { '0': '127.0.0.1:1', '1': '127.0.0.1:3' } },
    },
    clusterAddrTable: { C1: ['broker-b', 'broker-a'] },
  };
  const golden =
    '{"brokerAddrTable":{"broker-a":{"brokerAddrs":{"0":"127.0.0.1:1","1":"127.0.0.1:3"},"brokerName":"broker-a","cluster":"C1"},' +
    '"broker-b":{"brokerAddrs":{"0":"127.0.0.1:2"},"brokerName":"broker-b","cluster":"C1"}},"clusterAddrTable":{"C1":["broker-a","broker-b"]}}';

  it('encodes the golden JSON (names sorted) and round trips', () => {
    expect(encodeClusterInfo(info).toString()).toBe(golden);
    expect(decodeClusterInfo(Buffer.from(golden))).toEqual({ ...info, clusterAddrTable: { C1: ['broker-a', 'broker-b'] } });
  });

  it('rejects a cluster whose broker list is not strings', () => {
    expect(() => decodeClusterInfo(Buffer.from('{"clusterAddrTable":{"C1":[1]}}'))).toThrow(BodyError);
  });
});

describe('TopicList codec', () => {
  it('encodes a sorted, de-duplicated list and round trips', () => {
    const golden = '{"topicList":["A","B"]}';
    expect(encodeTopicList({ topicList: ['B', 'A', 'B'] }).toString()).toBe(golden);
    expect(decodeTopicList(Buffer.from(golden))).toEqual({ topicList: ['A', 'B'] });
  });

  it('carries brokerAddr when set', () => {
    const text = encodeTopicList({ topicList: [], brokerAddr: 'h:1' }).toString();
    expect(text).toBe('{"brokerAddr":"h:1","topicList":[]}');
    expect(decodeTopicList(Buffer.from(text))).toEqual({ topicList: [], brokerAddr: 'h:1' });
  });

  it('rejects a list of numbers', () => {
    expect(() => decodeTopicList(Buffer.from('{"topicList":[1]}'))).toThrow(BodyError);
  });
});

describe('KVTable codec', () => {
  it('encodes the golden JSON and round trips', () => {
    const golden = '{"table":{"TopicA":"broker-a:4","TopicB":"broker-a:2;broker-b:2"}}';
    expect(encodeKVTable({ table: { TopicB: 'broker-a:2;broker-b:2', TopicA: 'broker-a:4' } }).toString()).toBe(golden);
    expect(decodeKVTable(Buffer.from(golden))).toEqual({ table: { TopicA: 'broker-a:4', TopicB: 'broker-a:2;broker-b:2' } });
  });

  it('rejects non-string values', () => {
    expect(() => decodeKVTable(Buffer.from('{"table":{"k":1}}'))).toThrow(BodyError);
  });
});
