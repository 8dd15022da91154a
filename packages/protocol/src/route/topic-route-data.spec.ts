import { BodyError } from './body-error';
import { decodeTopicRouteData, encodeTopicRouteData, masterAddressOf, type TopicRouteData } from './topic-route-data';

// What a Java 4.9.8 nameserver writes for a request with version >= V4_9_4 (QuoteFieldNames,
// MapSortField): a master and a slave of broker-a, a second master broker-b.
const GOLDEN =
  '{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster"},' +
  '{"brokerAddrs":{"0":"127.0.0.1:10931"},"brokerName":"broker-b","cluster":"DefaultCluster"}],' +
  '"filterServerTable":{},"orderTopicConf":"broker-a:4;broker-b:4",' +
  '"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4},' +
  '{"brokerName":"broker-b","perm":6,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]}';

const ROUTE: TopicRouteData = {
  orderTopicConf: 'broker-a:4;broker-b:4',
  queueDatas: [
    { brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 },
    { brokerName: 'broker-b', readQueueNums: 8, writeQueueNums: 8, perm: 6, topicSysFlag: 0 },
  ],
  brokerDatas: [
    { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { '1': '127.0.0.1:10921', '0': '127.0.0.1:10911' } },
    { cluster: 'DefaultCluster', brokerName: 'broker-b', brokerAddrs: { '0': '127.0.0.1:10931' } },
  ],
  filterServerTable: {},
};

describe('TopicRouteData codec', () => {
  it('encodes the golden JSON: quoted broker ids, sorted fields, ids in numeric order', () => {
    expect(encodeTopicRouteData(ROUTE).toString('utf8')).toBe(GOLDEN);
  });

  it('round trips', () => {
    expect(decodeTopicRouteData(encodeTopicRouteData(ROUTE))).toEqual(ROUTE);
  });

  it('omits orderTopicConf when absent and decodes it as absent', () => {
    const { orderTopicConf: _omit, ...plain } = ROUTE;
    const text = encodeTopicRouteData(plain).toString('utf8');
    expect(text).not.toContain('orderTopicConf');
    expect('orderTopicConf' in decodeTopicRouteData(Buffer.from(text))).toBe(false);
  });

  it('sorts broker ids numerically, like fastjson sorts Long keys', () => {
    const text = encodeTopicRouteData({ ...ROUTE, brokerDatas: [{ cluster: 'c', brokerName: 'b', brokerAddrs: { '10': 'x:3', '2': 'x:2', '0': 'x:1' } }] }).toString();
    expect(text).toContain('{"0":"x:1","2":"x:2","10":"x:3"}');
  });

  it('ignores unknown 5.x fields and defaults a missing topicSysFlag and filterServerTable', () => {
    const route = decodeTopicRouteData(
      Buffer.from(
        '{"brokerDatas":[{"brokerAddrs":{"0":"a:1"},"brokerName":"b","cluster":"c","enableActingMaster":false,"zoneName":"z"}],' +
          '"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":1,"writeQueueNums":1}],"topicQueueMappingByBroker":{}}',
      ),
    );
    expect(route).toEqual({
      queueDatas: [{ brokerName: 'b', perm: 6, readQueueNums: 1, writeQueueNums: 1, topicSysFlag: 0 }],
      brokerDatas: [{ brokerAddrs: { '0': 'a:1' }, brokerName: 'b', cluster: 'c' }],
      filterServerTable: {},
    });
    expect(masterAddressOf(route.brokerDatas[0]!)).toBe('a:1');
  });

  it.each([
    ['missing body', undefined],
    ['empty body', Buffer.alloc(0)],
    ['not JSON', Buffer.from('{brokerDatas:')],
    ['an array', Buffer.from('[]')],
    ['queueDatas not an array', Buffer.from('{"queueDatas":{}}')],
    ['perm a string', Buffer.from('{"queueDatas":[{"brokerName":"b","perm":"6","readQueueNums":1,"writeQueueNums":1}]}')],
    ['a broker id that is not a number', Buffer.from('{"brokerDatas":[{"brokerName":"b","brokerAddrs":{"master":"a:1"}}]}')],
  ])('rejects %s with BodyError INVALID_BODY', (_name, body) => {
    let caught: unknown;
    try {
      decodeTopicRouteData(body);
    } catch (error) {
      caught = error;
    }
    expect(BodyError.is(caught)).toBe(true);
    expect((caught as BodyError).code).toBe('INVALID_BODY');
  });
});
