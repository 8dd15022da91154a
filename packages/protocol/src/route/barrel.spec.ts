// The route bodies are part of @pulsejet/protocol's contract with routing, the broker and clients.
import * as protocol from '../index';

describe('@pulsejet/protocol route exports', () => {
  it.each([
    'BodyError', 'BodyErrorCode', 'PermName', 'isReadable', 'isWriteable',
    'MASTER_BROKER_ID', 'encodeTopicRouteData', 'decodeTopicRouteData', 'masterAddressOf',
    'encodeRegisterBrokerBody', 'decodeRegisterBrokerBody', 'dataVersionEquals',
    'encodeClusterInfo', 'decodeClusterInfo', 'encodeTopicList', 'decodeTopicList',
    'NAMESPACE_ORDER_TOPIC_CONFIG', 'encodeKVTable', 'decodeKVTable',
  ])('exports %s', (name) => {
    expect(protocol).toHaveProperty(name);
  });

  it('pins the wire constants', () => {
    expect(protocol.PermName).toEqual({ PRIORITY: 8, READ: 4, WRITE: 2, INHERIT: 1 });
    expect(protocol.isReadable(6) && protocol.isWriteable(6)).toBe(true);
    expect(protocol.isWriteable(4)).toBe(false);
    expect(protocol.NAMESPACE_ORDER_TOPIC_CONFIG).toBe('ORDER_TOPIC_CONFIG');
    expect(protocol.MASTER_BROKER_ID).toBe(0);
  });
});
